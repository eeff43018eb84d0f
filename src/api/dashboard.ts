import { Router, type Request, type Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { parseUserId, type UserId } from '../domain/ids';
import { roundAllows } from '../domain/access';
import { canManageRound, roundWindow, type Round } from '../domain/round';
import { mayOnPerson, relationToRound } from '../usecases/access';
import { experimentIdFor, type RoundId } from '../domain/roundIds';
import { practiceHoursByWeek, type WeekHours } from '../domain/practiceHours';
import { FUNNEL_STAGE_DEFINITIONS, funnelFactsOf, roundFunnel } from '../domain/funnel';
import { funnelFromCounts, hoursFromCounts, kickoffFromCounts } from '../domain/roundCounters';
import type { Experiment } from '../domain/experiment';
import { fitOfSelection } from '../domain/rubric';
import { toolName } from '../domain/toolCatalogue';
import type { AssetCounts, AssetRepo } from '../ports/assetRepo';
import type { JournalRepo, JournalStats } from '../ports/journalRepo';
import type { Booking } from '../ports/bookingRepo';
import type { SharebackSummary } from '../ports/sharebackSessionRepo';
import type { DirectoryPerson } from '../ports/directory';
import { latestAcknowledgementOf } from '../usecases/experiments';
import type { Caller, UseCasePorts } from '../usecases/ports';
import { roundIdParam } from './requests';

/**
 * Read models for the personal tab: what the caller gets to see, a round's outline for its members,
 * the owner's overview and funnel, a manager's reports in a round, names for a drill-down, and the round export.
 * Every read is a point read or a single-partition query (the round's experiments, members, bookings, acknowledgements,
 * journal stats and asset counts are each partitioned by round); names come from the directory a page at a time.
 * Writes are not here: the tab posts to the same routes the chat cards' use cases serve (src/api/rounds.ts).
 */
export type CallerOf = (res: Response) => Caller;

/** Journals and assets are optional ports until they are wired; their figures read as zero without them. */
type StepFourPorts = { readonly journals?: JournalRepo; readonly assets?: AssetRepo };

export const DRILL_DOWN_PAGE = 50;
/** How many member rows the owner's overview reads for the round form's list of named participants. */
const NAMED_PARTICIPANTS_PAGE = DRILL_DOWN_PAGE;

function hoursOf(booking: Booking | null | undefined, now: string): { plannedMinutes: number; keptMinutes: number; upcomingMinutes: number; weeks: WeekHours[] } {
  const weeks = booking ? practiceHoursByWeek(booking.blocks, now) : [];
  return {
    plannedMinutes: weeks.reduce((sum, w) => sum + w.plannedMinutes, 0),
    keptMinutes: weeks.reduce((sum, w) => sum + w.keptMinutes, 0),
    upcomingMinutes: weeks.reduce((sum, w) => sum + w.upcomingMinutes, 0),
    weeks,
  };
}

function roundOutline(round: Round) {
  const policy = round.policy.versions.at(-1) ?? null;
  return {
    id: round.id, name: round.name, status: round.status, window: round.window, hoursPerWeek: round.hoursPerWeek,
    shareback: round.shareback, policyVersion: policy?.version ?? null, policyPublishedAt: policy?.publishedAt ?? null,
  };
}


/** The funnel by the domain's one definition of each stage (the round report counts the same way). */
function funnelOf(
  round: Round, members: readonly { userId: UserId }[], experiments: readonly Experiment[], acknowledgements: readonly { userId: UserId }[],
  journalStats: ReadonlyMap<UserId, JournalStats>, summaries: readonly SharebackSummary[], now: string,
) {
  const experimentOf = new Map(experiments.map((e) => [e.participantId, e]));
  const acknowledged = new Set(acknowledgements.map((a) => a.userId));
  const ready = new Set(summaries.filter((s) => s.ready).map((s) => s.participantId));
  const windowOpen = now >= roundWindow(round).startsAt;
  return roundFunnel(members.map((m) => funnelFactsOf({
    userId: m.userId, acknowledged: acknowledged.has(m.userId), experiment: experimentOf.get(m.userId) ?? null,
    journalEntries: journalStats.get(m.userId)?.entries ?? 0, summaryReady: ready.has(m.userId), windowOpen,
  })));
}

async function namesOf(ports: UseCasePorts, ids: readonly UserId[]): Promise<Map<UserId, DirectoryPerson | null>> {
  // Names decorate the owner's problem lists: a person the directory cannot answer for right now is shown by id
  // rather than failing the whole screen (the problem itself may be that their mailbox refuses).
  const found = await Promise.all(ids.map(async (id) => [id, await ports.directory.getPerson(id).catch(() => null)] as const));
  return new Map(found);
}

export function dashboardRouter(ports: UseCasePorts, callerOf: CallerOf): Router {
  const router = Router();
  const stepFour = ports as UseCasePorts & StepFourPorts;

  async function loadRound(req: Request, res: Response): Promise<Round | null> {
    const roundId = roundIdParam(req, res);
    if (!roundId) return null;
    const stored = await ports.rounds.get(roundId);
    if (!stored) {
      res.status(404).json({ error: 'No such round.' });
      return null;
    }
    return stored.round;
  }

  async function ownedRound(req: Request, res: Response, what: string): Promise<Round | null> {
    const round = await loadRound(req, res);
    if (!round) return null;
    if (!canManageRound(round, callerOf(res))) {
      res.status(403).json({ error: `Only the round’s owners can see ${what}.` });
      return null;
    }
    return round;
  }

  /** Which views the caller gets: rounds they take part in, rounds where their reports take part, rounds they own. */
  router.get('/dashboard', async (_req, res) => {
    const caller = callerOf(res);
    const [person, memberOf, owned, reviews, reports] = await Promise.all([
      ports.directory.getPerson(caller.userId),
      ports.roundMembers.roundsOf(caller.userId),
      ports.rounds.listForOwner(caller.userId),
      ports.experiments.listForReviewer(caller.userId),
      ports.directory.listDirectReports(caller.userId),
    ]);
    const reportRounds = await Promise.all(reports.map(async (report) => ({ report, rounds: await ports.roundMembers.roundsOf(report.id) })));
    const managedRoundIds = new Map<RoundId, number>();
    for (const { rounds } of reportRounds) for (const roundId of rounds) managedRoundIds.set(roundId, (managedRoundIds.get(roundId) ?? 0) + 1);
    const pendingByRound = new Map<RoundId, number>();
    for (const review of reviews) if (review.state === 'submitted') pendingByRound.set(review.roundId, (pendingByRound.get(review.roundId) ?? 0) + 1);
    const roundIds = [...new Set<RoundId>([...memberOf, ...managedRoundIds.keys(), ...pendingByRound.keys()])];
    const rounds = new Map((await Promise.all(roundIds.map((id) => ports.rounds.get(id)))).flatMap((s) => (s ? [[s.round.id, s.round] as const] : [])));
    const participating = await Promise.all(memberOf.filter((id) => rounds.has(id)).map(async (id) => {
      const stored = await ports.experiments.get(id, caller.userId);
      return { ...roundOutline(rounds.get(id)!), experimentState: stored?.experiment.state ?? 'not started' };
    }));
    const managing = [...new Set([...managedRoundIds.keys(), ...pendingByRound.keys()])].filter((id) => rounds.has(id))
      .map((id) => ({ ...roundOutline(rounds.get(id)!), reports: managedRoundIds.get(id) ?? 0, pendingReviews: pendingByRound.get(id) ?? 0 }));
    res.json({
      me: { userId: caller.userId, displayName: person?.displayName ?? caller.displayName, canCreateRounds: caller.mayCreateRounds || caller.isAdmin },
      participating,
      managing,
      owning: owned.map((listing) => ({ id: listing.roundId, name: listing.name, status: listing.status, updatedAt: listing.updatedAt })),
    });
  });

  /** The round as its participants see it: dates, hours, shareback and the meeting link, the policy they acknowledged. */
  router.get('/rounds/:roundId/outline', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (!roundId) return;
    const caller = callerOf(res);
    // Point reads at once; nothing is sent before the round exists and the access policy lets the caller see it.
    const [stored, member, shareback] = await Promise.all([ports.rounds.get(roundId), ports.roundMembers.get(roundId, caller.userId), ports.sharebacks.get(roundId)]);
    if (!stored) return void res.status(404).json({ error: 'No such round.' });
    const round = stored.round;
    const relation = member ? 'participant' : await relationToRound(round, caller, ports);
    if (!roundAllows(relation, 'takePart') && !roundAllows(relation, 'manageRound')) return void res.status(403).json({ error: 'You are not taking part in this round.' });
    const acknowledgement = member ? await latestAcknowledgementOf(member.member, ports) : null;
    res.json({
      round: roundOutline(round),
      acknowledgedPolicyVersion: acknowledgement?.policyVersion ?? null,
      acknowledgedAt: acknowledgement?.acknowledgedAt ?? null,
      policyText: round.policy.versions.at(-1)?.text ?? null,
      catalogue: round.catalogue,
      meeting: shareback ? { joinUrl: shareback.joinUrl } : null,
    });
  });

  /**
   * The owner's view of a round: kickoff delivery, booking problems, hours, and the funnel. Everything counted comes from
   * the round's counters, kept on write in the same transaction as each change: a handful of small reads whatever the
   * size of the round (the counters equal `roundFunnel` over the records; `npm run repair-counters` checks it).
   */
  router.get('/rounds/:roundId/overview', async (req, res) => {
    const round = await ownedRound(req, res, 'how the round is going');
    if (!round) return;
    const now = ports.clock.now().toISOString();
    const [counters, firstMembers, shareback, effectLogs] = await Promise.all([
      ports.roundCounters.read(round.id),
      // The round form lists the people named in the round: the first page of members, not every one of them.
      ports.roundMembers.listPage(round.id, { limit: NAMED_PARTICIPANTS_PAGE }),
      ports.sharebacks.get(round.id),
      ports.sharebackSessions.listEffects(round.id),
    ]);
    // Decision effects that could not run (a person who left, a mailbox that refuses): shown with the reason, retried by the owner.
    const effectProblems = effectLogs.flatMap((log) => Object.entries(log.outcomes)
      .filter(([, outcome]) => outcome.status === 'failed').map(([effect, outcome]) => ({ userId: log.participantId, effect: effect.split(':')[0] ?? effect, reason: outcome.detail })));
    const { counts } = counters;
    const kickoffFailures = counters.kickoffFailures.map((f) => ({ userId: f.userId, state: f.state, reason: f.reason, attempts: f.attempts }));
    const { plannedMinutes, keptMinutes } = hoursFromCounts(counts, now);
    const funnel = funnelFromCounts(counts, now >= roundWindow(round).startsAt);
    // Names only for the short problem lists; the funnel's people are named a page at a time (GET …/people).
    const problemIds = [...new Set([...kickoffFailures, ...counters.bookingProblems, ...effectProblems].map((p) => p.userId))].slice(0, DRILL_DOWN_PAGE);
    const names = await namesOf(ports, problemIds);
    const named = <T extends { userId: UserId }>(rows: readonly T[]) => rows.map((row) => ({ ...row, displayName: names.get(row.userId)?.displayName ?? null }));
    const participantIds = firstMembers.members.filter((m) => m.via === 'named').map((m) => m.userId);
    res.json({
      round: { ...roundOutline(round), ownerIds: round.ownerIds, participantIds, managerScopes: round.managerScopes, catalogue: round.catalogue, policy: round.policy, version: round.version },
      people: counts.people ?? 0,
      kickoff: kickoffFromCounts(counts), kickoffFailures: named(kickoffFailures), bookingProblems: named(counters.bookingProblems), effectProblems: named(effectProblems),
      hours: { plannedMinutes, keptMinutes },
      funnel: funnel.map((row) => ({ stage: row.stage, label: row.label, definition: FUNNEL_STAGE_DEFINITIONS[row.stage], count: row.count })),
      shareback: shareback ? { joinUrl: shareback.joinUrl, invited: shareback.attendeeEmails.length, tabAdded: shareback.tabAdded } : null,
    });
  });

  /** The funnel with everyone at each stage (for drill-down; names via GET …/people). */
  router.get('/rounds/:roundId/funnel', async (req, res) => {
    const round = await ownedRound(req, res, 'the round’s funnel');
    if (!round) return;
    const [members, experiments, acknowledgements, journalStats, summaries] = await Promise.all([
      ports.roundMembers.list(round.id), ports.experiments.listForRound(round.id), ports.acknowledgements.listForRound(round.id),
      stepFour.journals?.statsForRound(round.id) ?? Promise.resolve(new Map<UserId, JournalStats>()),
      ports.sharebackSessions.listSummaries(round.id),
    ]);
    const funnel = funnelOf(round, members, experiments, acknowledgements, journalStats, summaries, ports.clock.now().toISOString());
    res.json({ value: funnel.map((row) => ({ ...row, definition: FUNNEL_STAGE_DEFINITIONS[row.stage] })) });
  });

  /** Names and states for up to 50 members of the round (the funnel's drill-down pages through them). */
  router.get('/rounds/:roundId/people', async (req, res) => {
    const round = await ownedRound(req, res, 'who is in the round');
    if (!round) return;
    const raw = typeof req.query.ids === 'string' ? req.query.ids.split(',').filter(Boolean) : [];
    if (raw.length > DRILL_DOWN_PAGE) return void res.status(422).json({ error: `Ask for at most ${DRILL_DOWN_PAGE} people at a time.`, fieldErrors: { ids: `At most ${DRILL_DOWN_PAGE} ids.` } });
    const ids = raw.map(parseUserId);
    if (ids.some((id) => id === null)) return void res.status(422).json({ error: 'ids must be comma-separated user ids.', fieldErrors: { ids: 'Comma-separated user ids (GUIDs).' } });
    const value = await Promise.all((ids as UserId[]).map(async (userId) => {
      const [member, person, stored] = await Promise.all([ports.roundMembers.get(round.id, userId), ports.directory.getPerson(userId), ports.experiments.get(round.id, userId)]);
      // Someone who is not in this round is not listed: the owner sees their round, not the directory.
      if (!member) return null;
      return { userId, displayName: person?.displayName ?? null, jobTitle: person?.jobTitle ?? null, department: person?.department ?? null, state: stored?.experiment.state ?? 'not started' };
    }));
    res.json({ value: value.filter((row) => row !== null) });
  });

  /** A manager's direct reports in a round: step, hours planned vs kept, journals and assets (counts; details via the journal and asset routes). */
  router.get('/rounds/:roundId/team', async (req, res) => {
    const round = await loadRound(req, res);
    if (!round) return;
    const caller = callerOf(res);
    const now = ports.clock.now().toISOString();
    const reports = await ports.directory.listDirectReports(caller.userId);
    const rows = await Promise.all(reports.map(async (person) => {
      const member = await ports.roundMembers.get(round.id, person.id);
      if (!member) return null;
      const experimentId = experimentIdFor(round.id, person.id);
      const [stored, booking, journals, assets] = await Promise.all([
        ports.experiments.get(round.id, person.id), ports.bookings.get(experimentId),
        stepFour.journals?.listForExperiment(experimentId) ?? Promise.resolve([]),
        stepFour.assets?.listForAuthor(round.id, person.id) ?? Promise.resolve([]),
      ]);
      const experiment = stored?.experiment ?? null;
      const hours = hoursOf(booking, now);
      return {
        userId: person.id, displayName: person.displayName, jobTitle: person.jobTitle,
        state: experiment?.state ?? 'not started', version: experiment?.version ?? null,
        reviewPending: experiment?.state === 'submitted' && experiment.reviewerId === caller.userId,
        reviewerId: experiment?.reviewerId ?? null,
        selection: experiment?.selection ?? null, hypothesis: experiment?.hypothesis ?? null,
        fit: experiment?.selection ? fitOfSelection(experiment.selection, round) : null,
        windowExtensionDays: experiment?.windowExtensionDays ?? 0,
        hours: { plannedMinutes: hours.plannedMinutes, keptMinutes: hours.keptMinutes, upcomingMinutes: hours.upcomingMinutes },
        booking: booking ? { status: booking.status, reason: booking.reason } : null,
        journals: { entries: journals.length, lastWeek: journals[0]?.weekStart ?? null },
        assets: { saved: assets.length, shared: assets.filter((a) => a.shared).length },
      };
    }));
    const team = rows.filter((row) => row !== null);
    // Someone with no reports in the round (and not its owner) has nothing to see here.
    if (team.length === 0 && !canManageRound(round, caller)) return void res.status(403).json({ error: 'None of your direct reports take part in this round.' });
    res.json({ round: roundOutline(round), value: team });
  });

  /**
   * One person's experiment, for the people allowed to see it: the participant, their manager (directory) or the
   * round's owners. Anyone else gets 403 — a deep link to a colleague's experiment shows nothing of it.
   */
  router.get('/rounds/:roundId/experiments/:participantId', async (req, res) => {
    const round = await loadRound(req, res);
    if (!round) return;
    const participantId = parseUserId(req.params.participantId);
    if (!participantId) return void res.status(404).json({ error: 'No such experiment.' });
    const caller = callerOf(res);
    if (!(await mayOnPerson(round, participantId, 'readRecords', caller, ports))) {
      return void res.status(403).json({ error: 'This experiment belongs to someone else; only they, their manager and the round’s owners can open it.' });
    }
    const [stored, booking, person] = await Promise.all([ports.experiments.get(round.id, participantId), ports.bookings.get(experimentIdFor(round.id, participantId)), ports.directory.getPerson(participantId)]);
    if (!stored) return void res.status(404).json({ error: 'This person has not started an experiment in this round yet.' });
    const hours = hoursOf(booking, ports.clock.now().toISOString());
    res.json({
      round: roundOutline(round), participant: { userId: participantId, displayName: person?.displayName ?? null },
      experiment: stored.experiment, fit: stored.experiment.selection ? fitOfSelection(stored.experiment.selection, round) : null, hours, booking: booking ? { status: booking.status, reason: booking.reason, blocks: booking.blocks, timeZone: booking.timeZone } : null,
    });
  });

  /** The round as CSV for the owner: one row per person, process facts only (no rating of anyone's work). */
  router.get('/rounds/:roundId/export.csv', async (req, res) => {
    const round = await ownedRound(req, res, 'the round export');
    if (!round) return;
    const now = ports.clock.now().toISOString();
    const [members, experiments, bookings, acknowledgements, journalStats, assetCounts] = await Promise.all([
      ports.roundMembers.list(round.id), ports.experiments.listForRound(round.id), ports.bookings.listForRound(round.id),
      ports.acknowledgements.listForRound(round.id),
      stepFour.journals?.statsForRound(round.id) ?? Promise.resolve(new Map<UserId, JournalStats>()),
      stepFour.assets?.countsForRound(round.id) ?? Promise.resolve(new Map<UserId, AssetCounts>()),
    ]);
    const experimentOf = new Map(experiments.map((e) => [e.participantId, e]));
    const bookingOf = new Map(bookings.map((b) => [b.participantId, b]));
    const ackOf = new Map(acknowledgements.map((a) => [a.userId, a]));
    const names = new Map<UserId, string>();
    // The directory a few at a time: an export of a large round should not flood Graph.
    for (let i = 0; i < members.length; i += 8) {
      const slice = members.slice(i, i + 8);
      const people = await Promise.all(slice.map((m) => ports.directory.getPerson(m.userId)));
      slice.forEach((m, j) => names.set(m.userId, people[j]?.displayName ?? ''));
    }
    const rows = members.map((m) => {
      const experiment = experimentOf.get(m.userId);
      const booking = bookingOf.get(m.userId);
      const hours = hoursOf(booking, now);
      const tool = experiment?.selection?.tool;
      return [
        m.userId, names.get(m.userId) ?? '', m.via, m.delivery, m.deliveryReason ?? '', ackOf.get(m.userId)?.policyVersion ?? '',
        experiment?.state ?? 'not started', experiment?.selection?.frictionPoint.description ?? '', tool ? toolName(tool) : '',
        booking?.status ?? '', booking?.status === 'failed' ? booking.reason ?? '' : '',
        (hours.plannedMinutes / 60).toFixed(2), (hours.keptMinutes / 60).toFixed(2),
        journalStats.get(m.userId)?.entries ?? 0, assetCounts.get(m.userId)?.saved ?? 0, assetCounts.get(m.userId)?.shared ?? 0,
        experiment?.decision?.outcome ?? '',
      ];
    });
    const csv = stringify(rows, {
      header: true,
      columns: ['userId', 'name', 'joinedVia', 'kickoff', 'kickoffReason', 'policyVersionAcknowledged', 'state', 'frictionPoint', 'tool', 'booking', 'bookingProblem', 'hoursPlanned', 'hoursKept', 'journalEntries', 'assetsSaved', 'assetsShared', 'decision'],
    });
    res.type('text/csv').attachment(`round-${round.id}.csv`).send(csv);
  });

  return router;
}
