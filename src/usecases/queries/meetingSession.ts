import { domainError, isDomainError, type DomainError } from '../../domain/errors';
import { decisionDetailsOf } from '../../domain/experiment';
import type { Round } from '../../domain/round';
import { groupedOrder, meetingEndsAt, meetingPhase, runningOrder } from '../../domain/runningOrder';
import { draftSummary, effectiveSummary } from '../../domain/summary';
import type { BoardPerson, LinkedSession, UnlinkedSession } from '../../contracts/meeting';
import { loadRound, mayOnRound } from '../access';
import type { Caller, UseCasePorts } from '../ports';
import { emptySession, isPresenting, personOf, presenterOf, summaryFactsOf } from '../sharebackSession';

/**
 * The shareback meeting as its tab shows it: which round a meeting chat belongs to, the running order with each
 * presenter's state and decision, the current presenter's summary for the stage, and (near the end) who is still
 * undecided. The tab polls it every 2–3 s; a poll is a handful of point reads and single-partition queries.
 */

/** The round a meeting chat is linked to, if the caller may watch its shareback; an unlinked chat is a clear state. */
export async function roundOfMeeting(chatId: string, caller: Caller, ports: UseCasePorts): Promise<{ round: Round } | UnlinkedSession | DomainError> {
  const roundId = await ports.sharebackSessions.roundForChat(chatId);
  if (!roundId) {
    const rounds = caller.mayCreateRounds || caller.isAdmin ? await ports.rounds.listForOwner(caller.userId) : [];
    return {
      linked: false,
      message: 'This meeting is not linked to a Practice Loop round.',
      canLink: rounds.length > 0,
      rounds: rounds.filter((r) => r.status !== 'closed').map((r) => ({ roundId: r.roundId, name: r.name })),
    };
  }
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  if (!(await mayOnRound(round, 'watchShareback', caller, ports))) return domainError('forbidden', 'This shareback is for the people in its round, their managers and its owners.');
  return { round };
}

/** The session of a round whose shareback the caller may watch (roundOfMeeting has checked). */
export async function sessionView(round: Round, caller: Caller, ports: UseCasePorts): Promise<LinkedSession> {
  const now = ports.clock.now().toISOString();
  const [experiments, summaries, storedSession] = await Promise.all([
    ports.experiments.listForRound(round.id), ports.sharebackSessions.listSummaries(round.id), ports.sharebackSessions.getSession(round.id),
  ]);
  const session = storedSession?.value ?? emptySession(round.id, now);
  const presenting = experiments.filter(isPresenting);
  const presenters = await Promise.all(presenting.map((e) => presenterOf(e, ports)));
  const order = runningOrder(presenters, session.grouping, session.order);
  const byId = new Map(presenting.map((e) => [e.participantId as string, e]));
  const presenterById = new Map(presenters.map((p) => [p.participantId, p]));
  const summaryOf = new Map(summaries.map((s) => [s.participantId as string, s]));
  const board: BoardPerson[] = await Promise.all(order.map(async (id) => {
    const experiment = byId.get(id)!;
    const presenter = presenterById.get(id)!;
    const decision = experiment.decision;
    return {
      participantId: id, name: presenter.name, team: presenter.team, tool: presenter.tool, state: experiment.state,
      summaryReady: summaryOf.get(id)?.ready ?? false, version: experiment.version,
      decision: decision ? { ...decisionDetailsOf(decision), by: decision.by, at: decision.at, revision: decision.revision, ownerName: (await personOf(decision.ownerId, ports)).name } : null,
    };
  }));
  const currentId = session.currentParticipantId && byId.has(session.currentParticipantId) ? session.currentParticipantId : null;
  const currentSummary = currentId ? summaryOf.get(currentId) : undefined;
  const meeting = { startsAt: round.shareback.startsAt, durationMinutes: round.shareback.durationMinutes };
  const phase = meetingPhase(meeting, now);
  return {
    linked: true,
    roundId: round.id,
    roundName: round.name,
    isOwner: await mayOnRound(round, 'manageRound', caller, ports),
    owners: await Promise.all(round.ownerIds.map(async (id) => ({ id, name: (await personOf(id, ports)).name }))),
    meeting: { startsAt: meeting.startsAt, endsAt: meetingEndsAt(meeting), phase },
    grouping: session.grouping,
    groups: session.order ? [] : groupedOrder(presenters, session.grouping),
    order: board,
    currentParticipantId: currentId,
    current: currentId
      ? { participantId: currentId, name: presenterById.get(currentId)!.name, summary: currentSummary ? effectiveSummary(currentSummary.draft, currentSummary.edits) : draftSummary(await summaryFactsOf(byId.get(currentId)!, ports)) }
      : null,
    undecided: phase === 'closing' || phase === 'ended' ? board.filter((p) => p.decision === null).map((p) => ({ participantId: p.participantId, name: p.name })) : [],
    sessionVersion: session.version,
  };
}
