/** Every verb a card can submit; templates and bot handlers both use this list. */
export const CARD_VERBS = [
  'showHelp',
  // Participant, steps 1–2 (Action.Submit: `data.verb`).
  'startExperiment', // kickoff → acknowledgement card
  'acknowledgePolicy', // acknowledgement → selection card
  'saveSelection', // selection: save and re-render with the fit assessment
  'continueToPlan', // selection: save and move on to the hypothesis card
  'submitPlan', // hypothesis: save and send to the reviewer
  'backToSelection', // hypothesis → selection card
  'reviseExperiment', // plan-status "changes requested" → hypothesis card with values kept
  // Manager review (Action.Execute: the invoke's `action.verb`).
  'approvePlan',
  'requestChanges',
  'extendWindow',
  'refreshReview',
  // Programme owner (Action.Submit).
  'createRound',
  'openRound',
  'refreshRoundSummary',
  'resendKickoff',
  // Practice time (Action.Submit).
  'undoMove', // "Put it back" after the daily check moved a block
  // Steps 5–6.
  'saveSummary', // summary review: save edits, mark ready (Action.Submit)
  'pickFollowUpTime', // owner: a time for a follow-up that found no free slot (Action.Submit)
  'decideExperiment', // owner: one-click decision after the meeting (Action.Execute)
  'refreshUndecided',
  // Step 4: journal and assets (Action.Submit).
  'openJournal', // a week's journal card (the missed-week offer, the nudge)
  'saveJournal', // journal: save (with sensitiveData 'redact' | 'confirm' after findings)
  'saveAsset', // asset form, standalone or inside the journal card
  'shareAsset', // saved asset: share with the round / stop sharing
  // Step 4: the manager's digest (Action.Submit).
  'sendEncouragement',
  'proposeCheckIn',
  'digestExtendWindow',
  // The practice coach (Action.Submit); its answers go only to the person who asked.
  'coachPlan', // selection / hypothesis: "Help me sharpen this"
  'coachTools', // selection: "Suggest tools"
  'useCoachSuggestion', // coach card: "Use this" → the step card with the suggestion filled in (not saved)
  'backToPlan', // coach card: the step card with the person's own values
  'coachSummary', // summary review: "Draft with the coach"
  'useSummaryDraft', // summary draft: fill the parts the person has not written
] as const;
export type CardVerb = (typeof CARD_VERBS)[number];

export function isCardVerb(value: unknown): value is CardVerb {
  return typeof value === 'string' && (CARD_VERBS as readonly string[]).includes(value);
}
