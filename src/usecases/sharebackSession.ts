import { domainError, isDomainError, type DomainError } from '../domain/errors';
import type { Experiment } from '../domain/experiment';
import { parseUserId, type UserId } from '../domain/ids';
import { mayLinkMeeting } from '../domain/access';
import { canManageRound, type Round } from '../domain/round';
import { loadRound, mayOnPerson } from './access';
import type { RoundId } from '../domain/roundIds';
import {
  isPermutationOf, meetingEndsAt, meetingPhase, nextPresenter, runningOrder,
  type Grouping, type Presenter,
} from '../domain/runningOrder';
import { draftSummary, effectiveSummary, summaryEditSchema, summaryReviewStep, SUMMARY_REVIEW, type SummaryContent, type SummaryFacts } from '../domain/summary';
import { toolName } from '../domain/toolCatalogue';
import { ROLE_LABELS } from '../domain/toolCatalogue';
import { invalidInputFrom } from '../domain/validation';
import type { MeetingSession, SharebackSummary } from '../ports/sharebackSessionRepo';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../ports/storageErrors';
import type { Caller, UseCasePorts } from './ports';
import { effect } from './jobKinds';
import { saveWithEffects } from './outbox';
import { isStaleVersion } from '../domain/version';

/**
 * The shareback meeting (step 5): linking a meeting chat to a round, moving the running order and the presenter,
 * each participant's summary, and the checks around the meeting's end. What the meeting tab shows (the session it
 * polls) is the query in queries/meetingSession.ts.
 */

/** Experiments that present: approved or later, not withdrawn (a draft or a plan under review has nothing to share). */
export const PRESENTING_STATES: readonly Experiment['state'][] = ['approved', 'practising', 'sharing', 'decided'];

/** Names and teams come from the directory; a meeting polls often, so they are kept for a few minutes per process. */
const PERSON_TTL_IN_MS = 5 * 60_000;
const people = new Map<string, { name: string; team: string; mail: string | null; at: number }>();

export async function personOf(userId: string, ports: UseCasePorts): Promise<{ name: string; team: string; mail: string | null }> {
  const cached = people.get(userId);
  const now = ports.clock.now().getTime();
  if (cached && now - cached.at < PERSON_TTL_IN_MS) return cached;
  const person = await ports.directory.getPerson(userId as UserId);
  const entry = { name: person?.displayName ?? 'Someone', team: person?.department ?? '', mail: person?.mail ?? null, at: now };
  people.set(userId, entry);
  return entry;
}

export function isPresenting(experiment: Experiment): boolean {
  return PRESENTING_STATES.includes(experiment.state) && experiment.selection !== null;
}

export async function presenterOf(experiment: Experiment, ports: UseCasePorts): Promise<Presenter> {
  const person = await personOf(experiment.participantId, ports);
  return { participantId: experiment.participantId, name: person.name, team: person.team, tool: experiment.selection ? toolName(experiment.selection.tool) : '' };
}

/* ---------- summaries ---------- */

export async function summaryFactsOf(experiment: Experiment, ports: UseCasePorts): Promise<SummaryFacts> {
  const [journals, assets] = await Promise.all([
    ports.journals.listForExperiment(experiment.id),
    ports.assets.listForAuthor(experiment.roundId, experiment.participantId),
  ]);
  const selection = experiment.selection;
  const hypothesis = experiment.hypothesis;
  return {
    tool: selection ? toolName(selection.tool) : '',
    task: selection?.frictionPoint.description ?? '',
    useCase: selection ? `${ROLE_LABELS[selection.role]} — ${selection.kpi}` : '',
    hypothesis: hypothesis ? { measure: hypothesis.measure, baseline: hypothesis.baseline, target: hypothesis.target } : null,
    journals,
    assets: assets.filter((asset) => asset.experimentId === experiment.id || asset.experimentId === undefined),
  };
}

/**
 * The summary row with a fresh draft (journals and assets change until the meeting); the participant's
 * edits and ready mark are kept as they are. Created on first use; a lost race re-reads.
 */
export async function refreshSummary(experiment: Experiment, ports: UseCasePorts): Promise<{ value: SharebackSummary; etag: string }> {
  const draft = draftSummary(await summaryFactsOf(experiment, ports));
  for (let attempt = 1; ; attempt++) {
    const stored = await ports.sharebackSessions.getSummary(experiment.roundId, experiment.participantId);
    if (stored && JSON.stringify(stored.value.draft) === JSON.stringify(draft)) return stored;
    const now = ports.clock.now().toISOString();
    const next: SharebackSummary = stored
      ? { ...stored.value, draft, version: stored.value.version + 1, updatedAt: now }
      : { roundId: experiment.roundId, participantId: experiment.participantId, draft, edits: {}, ready: false, readyAt: null, reviewRequestedAt: null, flaggedAt: null, version: 1, updatedAt: now };
    try {
      return await ports.sharebackSessions.saveSummary(next, stored?.etag ?? null);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError) || attempt >= 3) throw error;
    }
  }
}

export interface SummaryView {
  readonly roundId: RoundId;
  readonly participantId: UserId;
  readonly summary: SummaryContent;
  readonly draft: SummaryContent;
  readonly ready: boolean;
  readonly version: number;
  /** Fields that still hold the practice coach's draft (the person has not changed them). */
  readonly coachDrafted: readonly string[];
}

function viewOf(summary: SharebackSummary): SummaryView {
  return { roundId: summary.roundId, participantId: summary.participantId, summary: effectiveSummary(summary.draft, summary.edits), draft: summary.draft, ready: summary.ready, version: summary.version, coachDrafted: summary.coachDrafted ?? [] };
}


export async function getSummary(roundId: RoundId, participantId: UserId, caller: Caller, ports: UseCasePorts): Promise<SummaryView | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  if (!(await mayOnPerson(round, participantId, 'readRecords', caller, ports))) return domainError('forbidden', 'Only the person, their manager and the round’s owners can see this summary.');
  const stored = await ports.experiments.get(roundId, participantId);
  if (!stored || !isPresenting(stored.experiment)) return domainError('not_found', 'There is no summary yet: it is drafted once the plan is approved.');
  return viewOf((await refreshSummary(stored.experiment, ports)).value);
}

export interface SummaryEditInput {
  readonly edits: Record<string, unknown>;
  readonly ready?: boolean;
  /** The edits are the practice coach's draft, taken with "Use this": marked as drafted until the person changes them. */
  readonly draftedByCoach?: boolean;
}

/**
 * The participant edits their summary and/or marks it ready (the card and the tab call this). Only the
 * person writes their own summary, and edits merge field by field onto what is stored, so a draft
 * refreshed in between (a new journal entry) never undoes an edit and needs no version check.
 */
export async function editSummary(roundId: RoundId, input: SummaryEditInput, caller: Caller, ports: UseCasePorts): Promise<SummaryView | DomainError> {
  const stored = await ports.experiments.get(roundId, caller.userId);
  if (!stored || !isPresenting(stored.experiment)) return domainError('not_found', 'There is no summary to edit yet: it is drafted once your plan is approved.');
  const parsed = summaryEditSchema.safeParse(input.edits);
  if (!parsed.success) return invalidInputFrom(parsed.error);
  // A field sent empty is an edit too ("nothing failed"): only fields not sent keep the draft.
  const edits: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.data)) if (key in input.edits) edits[key] = value ?? (key === 'resultValue' ? null : '');
  for (let attempt = 1; ; attempt++) {
    const current = await refreshSummary(stored.experiment, ports);
    const summary = current.value;
    const now = ports.clock.now().toISOString();
    const ready = input.ready ?? summary.ready;
    // A field the person changes is theirs; a field taken from the coach's draft stays marked until then.
    const previous = summary.edits as Record<string, unknown>;
    const changed = Object.keys(edits).filter((key) => edits[key] !== previous[key]);
    const drafted = new Set(summary.coachDrafted ?? []);
    for (const key of changed) {
      if (input.draftedByCoach) drafted.add(key);
      else drafted.delete(key);
    }
    const next: SharebackSummary = {
      ...summary, edits: { ...summary.edits, ...edits }, ready, readyAt: ready ? (summary.readyAt ?? now) : null,
      version: summary.version + 1, updatedAt: now, coachDrafted: [...drafted].sort(),
    };
    if (JSON.stringify(next.edits) === JSON.stringify(summary.edits) && next.ready === summary.ready) return viewOf(summary);
    try {
      const saved = await ports.sharebackSessions.saveSummary(next, current.etag);
      return viewOf(saved.value);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt >= 3) throw error;
    }
  }
}

/** The three parts of a summary the practice coach drafts. */
export type CoachSummaryDraft = Readonly<Record<'worked' | 'failed' | 'keepTesting', string>>;

/**
 * "Use this" on the coach's summary draft: fills the parts the person has not written themselves (their words win
 * field by field), kept as their edit and marked as drafted, so they can change it like anything they wrote.
 * `filled` says how many parts the draft filled (0: they had written every part).
 */
export async function useSummaryDraft(roundId: RoundId, draft: CoachSummaryDraft, caller: Caller, ports: UseCasePorts): Promise<{ view: SummaryView; filled: number } | DomainError> {
  const stored = await ports.sharebackSessions.getSummary(roundId, caller.userId);
  const edited: Record<string, unknown> = stored?.value.edits ?? {};
  const fill: Record<string, string> = {};
  for (const field of ['worked', 'failed', 'keepTesting'] as const) {
    const text = draft[field].slice(0, 1500);
    if (edited[field] === undefined && text.trim() !== '') fill[field] = text;
  }
  const saved = await editSummary(roundId, { edits: fill, draftedByCoach: true }, caller, ports);
  return isDomainError(saved) ? saved : { view: saved, filled: Object.keys(fill).length };
}

/* ---------- the meeting ---------- */

export function emptySession(roundId: RoundId, now: string): MeetingSession {
  return { roundId, grouping: 'team', order: null, currentParticipantId: null, version: 0, endHandledAt: null, updatedAt: now };
}

/** An owner links a meeting the app did not book (or re-links it) to one of their rounds. */
export async function linkMeeting(chatId: string, roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<{ roundId: RoundId } | DomainError> {
  if (!/^19:[^\s/\\#?]{1,300}$/.test(chatId)) return domainError('invalid_input', 'This is not a Teams meeting chat id.', { fieldErrors: { chatId: 'This is not a Teams meeting chat id.' } });
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  // A chat already linked (by the app at booking, or by an owner) moves only in the hands of an owner of both rounds.
  const linkedId = await ports.sharebackSessions.roundForChat(chatId);
  const linked = linkedId && linkedId !== roundId ? (await ports.rounds.get(linkedId))?.round ?? null : null;
  if (!mayLinkMeeting(round, linked, caller)) {
    return domainError('forbidden', linked && canManageRound(round, caller)
      ? 'This meeting belongs to another round’s shareback; only that round’s owners can link it elsewhere.'
      : 'Only the round’s owners can link a meeting to it.');
  }
  await ports.sharebackSessions.linkChat(chatId, roundId);
  return { roundId };
}

async function changeSession(round: Round, caller: Caller, ports: UseCasePorts, expectedVersion: number | undefined, change: (session: MeetingSession, order: string[]) => MeetingSession | DomainError): Promise<MeetingSession | DomainError> {
  if (!canManageRound(round, caller)) return domainError('forbidden', 'Only the round’s owners can run the running order.');
  for (let attempt = 1; ; attempt++) {
    const stored = await ports.sharebackSessions.getSession(round.id);
    const now = ports.clock.now().toISOString();
    const session = stored?.value ?? emptySession(round.id, now);
    if (isStaleVersion(expectedVersion, session.version)) {
      return domainError('conflict', 'Someone else moved the running order since you loaded it; here it is as it stands now.');
    }
    const presenting = (await ports.experiments.listForRound(round.id)).filter(isPresenting);
    const order = runningOrder(await Promise.all(presenting.map((e) => presenterOf(e, ports))), session.grouping, session.order);
    const next = change(session, order);
    if (isDomainError(next)) return next;
    try {
      return (await ports.sharebackSessions.saveSession({ ...next, version: session.version + 1, updatedAt: now }, stored?.etag ?? null)).value;
    } catch (error) {
      // Two owners clicking "next" at once: the second click is retried on the first one's result only without expectedVersion.
      if (!(error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError) || attempt >= 3) throw error;
      if (expectedVersion !== undefined) return domainError('conflict', 'Someone else moved the running order at the same moment; here it is as it stands now.');
    }
  }
}

export interface AdvanceInput { readonly to?: string; readonly step?: 1 | -1; readonly expectedVersion?: number }

/** The owner moves to the next (or previous, or a named) presenter; the others' tabs follow on their next poll. */
export async function advancePresenter(round: Round, input: AdvanceInput, caller: Caller, ports: UseCasePorts): Promise<MeetingSession | DomainError> {
  const session = await changeSession(round, caller, ports, input.expectedVersion, (session, order) => {
    if (input.to !== undefined) {
      if (!order.includes(input.to)) return domainError('invalid_input', 'That person is not in the running order.', { fieldErrors: { to: 'That person is not in the running order.' } });
      return { ...session, currentParticipantId: input.to };
    }
    return { ...session, currentParticipantId: nextPresenter(order, session.currentParticipantId, input.step ?? 1) };
  });
  // The stage reads the presenter's summary row on every poll: make sure it exists and is current now.
  const presenter = isDomainError(session) ? null : parseUserId(session.currentParticipantId);
  const stored = presenter ? await ports.experiments.get(round.id, presenter) : null;
  if (stored) await refreshSummary(stored.experiment, ports);
  return session;
}

export interface ReorderInput { readonly order?: readonly string[]; readonly grouping?: Grouping; readonly expectedVersion?: number }

/** Group by team or tool (the order is then the grouped one again), or set an explicit order of the same people. */
export async function reorderPresenters(round: Round, input: ReorderInput, caller: Caller, ports: UseCasePorts): Promise<MeetingSession | DomainError> {
  return changeSession(round, caller, ports, input.expectedVersion, (session, order) => {
    if (input.order !== undefined) {
      if (!isPermutationOf(order, input.order)) return domainError('invalid_input', 'The new order must list everyone presenting, each once.', { fieldErrors: { order: 'The new order must list everyone presenting, each once.' } });
      return { ...session, order: [...input.order], ...(input.grouping ? { grouping: input.grouping } : {}) };
    }
    if (input.grouping) return { ...session, grouping: input.grouping, order: null };
    return domainError('invalid_input', 'Send an order or a grouping (team or tool).', { fieldErrors: { order: 'Send an order or a grouping (team or tool).' } });
  });
}

export async function sessionOf(round: Round, ports: UseCasePorts): Promise<MeetingSession> {
  return (await ports.sharebackSessions.getSession(round.id))?.value ?? emptySession(round.id, ports.clock.now().toISOString());
}

/* ---------- periodic checks and their jobs ---------- */

export const SUMMARY_REVIEW_JOB_KIND = 'shareback.summary-review';
export const SUMMARIES_FLAGGED_JOB_KIND = 'shareback.summaries-flagged';
export const UNDECIDED_JOB_KIND = 'shareback.undecided';
export const ROUND_REPORT_JOB_KIND = 'shareback.report';

/**
 * Daily-ish: for each open round whose shareback is within two weeks, drafts every presenting person's
 * summary and asks for a review (once), and the day before flags the unready ones to the owners (once).
 * The marks are written before the jobs are sent, with the ETag read, so two instances never both send.
 */
export async function checkSummaries(ports: UseCasePorts): Promise<void> {
  const now = ports.clock.now().toISOString();
  for (const roundId of await ports.rounds.listOpen()) {
    const stored = await ports.rounds.get(roundId);
    if (!stored) continue;
    const round = stored.round;
    const days = (Date.parse(round.shareback.startsAt) - Date.parse(now)) / 86_400_000;
    if (days < 0 || days > SUMMARY_REVIEW.opensDaysBefore) continue;
    // Everyone presenting whose summary carries a "not ready" mark and is still not ready (this check's marks included).
    const marked: { participantId: UserId; flaggedAt: string }[] = [];
    for (const experiment of (await ports.experiments.listForRound(roundId)).filter((e) => isPresenting(e) && e.state !== 'decided')) {
      const current = await refreshSummary(experiment, ports);
      const step = summaryReviewStep(current.value, round.shareback.startsAt, now);
      if (current.value.flaggedAt && !current.value.ready) marked.push({ participantId: experiment.participantId, flaggedAt: current.value.flaggedAt });
      if (step === 'none') continue;
      const next: SharebackSummary = step === 'flag' ? { ...current.value, flaggedAt: now } : { ...current.value, reviewRequestedAt: now };
      // The request to review is saved with the mark that says it was made (the summary's outbox): the mark stops the
      // next check from asking again, so the request must not be lost between the two.
      const askToReview = step === 'flag' ? [] : [effect(SUMMARY_REVIEW_JOB_KIND, `summary-review:${experiment.id}`, { roundId, participantId: experiment.participantId })];
      try {
        await saveWithEffects({ record: 'summary', roundId, participantId: experiment.participantId }, askToReview, ports,
          (outbox) => ports.sharebackSessions.saveSummary({ ...next, version: next.version + 1, updatedAt: now }, current.etag, { outbox }));
      } catch (error) {
        if (error instanceof ConcurrencyConflictError) continue; // someone else (or the person) changed it: the next check decides again
        throw error;
      }
      if (step === 'flag') marked.push({ participantId: experiment.participantId, flaggedAt: now });
    }
    await tellOwnersWhoIsNotReady(round, marked, now, ports);
  }
}

/**
 * One card to the owners sums up "not ready" marks saved on several summaries (each its own record and transaction),
 * so no one of those saves can carry it. The session row keeps how far the owners have been told
 * (`flaggedNoticeThrough`), and the card rides the save that moves it on (the session's outbox): a crash between the
 * marks and that save leaves marks later than it, and the next check tells them; a crash after it is the outbox's to
 * recover. A lost race on the session row (another instance told them) leaves the rest to the next check.
 */
async function tellOwnersWhoIsNotReady(round: Round, marked: readonly { participantId: UserId; flaggedAt: string }[], now: string, ports: UseCasePorts): Promise<void> {
  if (marked.length === 0) return;
  const stored = await ports.sharebackSessions.getSession(round.id);
  const toldThrough = stored?.value.flaggedNoticeThrough ?? '';
  const untold = marked.filter((m) => m.flaggedAt > toldThrough);
  if (untold.length === 0) return;
  const through = untold.reduce((latest, m) => (m.flaggedAt > latest ? m.flaggedAt : latest), toldThrough);
  const session = stored?.value ?? (await sessionOf(round, ports));
  const card = effect(SUMMARIES_FLAGGED_JOB_KIND, `summaries-flagged:${round.id}:${through}`, { roundId: round.id, participantIds: untold.map((m) => m.participantId) });
  try {
    await saveWithEffects({ record: 'sharebackSession', roundId: round.id }, [card], ports,
      (outbox) => ports.sharebackSessions.saveSession({ ...session, flaggedNoticeThrough: through, version: session.version + 1, updatedAt: now }, stored?.etag ?? null, { outbox }));
  } catch (error) {
    if (error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError) return;
    throw error;
  }
}

/** Every minute: a shareback that has ended with experiments still undecided sends them to the owners, once. */
export async function checkMeetingEnds(ports: UseCasePorts): Promise<void> {
  const now = ports.clock.now().toISOString();
  for (const roundId of await ports.rounds.listOpen()) {
    const stored = await ports.rounds.get(roundId);
    if (!stored) continue;
    const round = stored.round;
    if (meetingPhase({ startsAt: round.shareback.startsAt, durationMinutes: round.shareback.durationMinutes }, now) !== 'ended') continue;
    // Only meetings that ended in the last day: an old round left open is not chased every minute.
    if (Date.parse(now) - Date.parse(meetingEndsAt(round.shareback)) > 86_400_000) continue;
    await handleMeetingEnd(round, ports);
  }
}

export async function handleMeetingEnd(round: Round, ports: UseCasePorts): Promise<boolean> {
  const now = ports.clock.now().toISOString();
  const stored = await ports.sharebackSessions.getSession(round.id);
  if (stored?.value.endHandledAt) return false;
  const session = stored?.value ?? emptySession(round.id, now);
  // The owners' list of undecided experiments is saved with the mark that the end was handled (the session's outbox):
  // the mark stops every later check, so the message must not be lost between the two.
  const undecided = (await ports.experiments.listForRound(round.id)).filter((e) => isPresenting(e) && e.state !== 'decided');
  const tellOwners = undecided.length > 0 ? [effect(UNDECIDED_JOB_KIND, `undecided:${round.id}`, { roundId: round.id })] : [];
  try {
    await saveWithEffects({ record: 'sharebackSession', roundId: round.id }, tellOwners, ports,
      (outbox) => ports.sharebackSessions.saveSession({ ...session, endHandledAt: now, version: session.version + 1, updatedAt: now }, stored?.etag ?? null, { outbox }));
  } catch (error) {
    if (error instanceof ConcurrencyConflictError || error instanceof EntityAlreadyExistsError) return false; // another instance has it
    throw error;
  }
  return true;
}
