import { Router, type Request, type Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { parseUserId, type UserId } from '../domain/ids';
import { canManageRound, type Round } from '../domain/round';
import { mayOnPerson } from '../usecases/access';
import { experimentIdFor, type RoundId } from '../domain/roundIds';
import { fitOfSelection } from '../domain/rubric';
import { toolName } from '../domain/toolCatalogue';
import type { Caller, UseCasePorts } from '../usecases/ports';
import { DRILL_DOWN_PAGE, hoursOf, roundOutline } from '../usecases/queries/common';
import { roundFunnelQuery } from '../usecases/queries/funnel';
import { ownerOverviewQuery } from '../usecases/queries/ownerOverview';
import { roundOutlineQuery } from '../usecases/queries/participantView';
import { sendAnswer } from './errors';
import { roundIdParam } from './requests';

/**
 * Read models for the personal tab: what the caller gets to see, a round's outline for its members,
 * the owner's overview and funnel, a manager's reports in a round, names for a drill-down, and the round export.
 * Every read is a point read or a single-partition query (the round's experiments, members, bookings, acknowledgements,
 * journal stats and asset counts are each partitioned by round); names come from the directory a page at a time.
 * Writes are not here: the tab posts to the same routes the chat cards' use cases serve (src/api/rounds.ts).
 */
export type CallerOf = (res: Response) => Caller;

export function dashboardRouter(ports: UseCasePorts, callerOf: CallerOf): Router {
  const router = Router();

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

  router.get('/rounds/:roundId/outline', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendAnswer(res, await roundOutlineQuery(roundId, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/overview', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendAnswer(res, await ownerOverviewQuery(roundId, callerOf(res), ports));
  });

  router.get('/rounds/:roundId/funnel', async (req, res) => {
    const roundId = roundIdParam(req, res);
    if (roundId) sendAnswer(res, await roundFunnelQuery(roundId, callerOf(res), ports));
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
        ports.journals.listForExperiment(experimentId),
        ports.assets.listForAuthor(round.id, person.id),
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
      ports.journals.statsForRound(round.id),
      ports.assets.countsForRound(round.id),
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
