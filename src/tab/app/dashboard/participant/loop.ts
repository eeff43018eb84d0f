import { LOOP_STEPS as LOOP } from '../../../../domain/loop';
import type { ParticipantViewAnswer, RoundOutlineAnswer } from '../../../../contracts/participant';
import { appNow } from '../../common/appClock';

/** The loop's six steps (the same list as the chat cards), and where a participant stands with the one next action that moves them on. */
export const LOOP_STEPS = LOOP.map((step) => step.name);

export interface LoopPosition {
  readonly step: number;
  readonly title: string;
  readonly detail: string;
  readonly intent: 'info' | 'warning' | 'success';
}

export function loopPosition(me: ParticipantViewAnswer, outline: RoundOutlineAnswer): LoopPosition {
  const experiment = me.experiment;
  // A new version during practice: the plan stays where it is; practice waits for the confirmation.
  if (me.needsAcknowledgement && experiment && ['approved', 'practising', 'sharing'].includes(experiment.state)) {
    return { step: experiment.state === 'sharing' ? 4 : 3, intent: 'warning', title: `Confirm version ${outline.round.policyVersion ?? ''} of the safe-use policy`, detail: 'The round’s owners published a new version. Journal entries and saving or sharing assets wait until you confirm it below.' };
  }
  if (me.needsAcknowledgement || !experiment) {
    return { step: 0, intent: 'info', title: 'Confirm the safe-use policy', detail: 'Read the round’s safe-use policy and confirm it with the tool you want to try, then describe your friction point below.' };
  }
  switch (experiment.state) {
    case 'draft':
      return experiment.selection
        ? { step: 1, intent: 'info', title: 'Set your target and send your plan', detail: 'Say what you will measure, your baseline and target, then send the plan to your manager.' }
        : { step: 0, intent: 'info', title: 'Choose a friction point and a tool', detail: 'Describe a task that slows you down, pick the tool, the KPI and score the rubric.' };
    case 'changes_requested': {
      const comment = experiment.reviews.at(-1)?.comment;
      return { step: 1, intent: 'warning', title: 'Your manager asked for changes — edit your plan', detail: comment ? `Their note: “${comment}”. Update the plan below and send it again.` : 'Update the plan below and send it again.' };
    }
    case 'submitted':
      return { step: 1, intent: 'info', title: 'Waiting for your manager’s review', detail: 'Your plan is with your manager. You will get a message in Teams when they approve it or ask for changes.' };
    case 'approved':
      // An approved plan is practice from the window's first day (nobody presses "start").
      if (outline.round.window.start <= new Date(appNow()).toISOString().slice(0, 10)) {
        return { step: 3, intent: 'info', title: 'Practise, and write this week’s journal', detail: 'Use your practice blocks on the real task, then note what improved, what broke, what surprised you and what it taught you. Save prompts and files worth reusing.' };
      }
      return { step: 2, intent: 'success', title: 'Approved: your practice time is being booked', detail: 'Practice blocks appear in your Outlook calendar. Protect them like any other meeting.' };
    case 'practising':
      return { step: 3, intent: 'info', title: 'Practise, and write this week’s journal', detail: 'Use your practice blocks on the real task, then note what improved, what broke, what surprised you and what it taught you. Save prompts and files worth reusing.' };
    case 'sharing':
      return { step: 4, intent: 'info', title: 'Prepare your shareback', detail: `Shareback on ${new Date(outline.round.shareback.startsAt).toLocaleDateString()}: cover the tool and task, what worked, what failed, what you want to keep testing and which assets are worth saving.` };
    case 'decided':
      return { step: 6, intent: 'success', title: 'A decision has been recorded', detail: `Next: ${experiment.decision?.outcome ?? 'see the round summary'}${experiment.decision?.dueDate ? `, due ${experiment.decision.dueDate}` : ''}.` };
    case 'withdrawn':
      return { step: 0, intent: 'warning', title: 'You withdrew from this round', detail: 'Your future practice blocks were removed from your calendar. Ask the round’s owner if you want to rejoin.' };
    default:
      return { step: 0, intent: 'info', title: 'Your experiment', detail: '' };
  }
}
