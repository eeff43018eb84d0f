import { z } from 'zod';
import type { PolicyAcknowledgement } from '../../domain/acknowledgement';
import { EXPERIMENT_STATES, type Experiment } from '../../domain/experiment';
import { experimentFunnelFactsOf } from '../../domain/funnel';
import { parseUserId, type UserId } from '../../domain/ids';
import { parseExperimentId, parseRoundId, type RoundId } from '../../domain/roundIds';
import type { AcknowledgementRepo, ExperimentRepo, ReviewListing, StoredExperiment } from '../../ports/experimentRepo';
import type { RepoOptions, RoundMemberRepo } from '../../ports/roundRepo';
import { ConcurrencyConflictError } from '../../ports/storageErrors';
import { EntityAlreadyExistsError, type EntityTable } from './entityTable';
import { fromJsonColumn, toJsonColumn } from './json';
import { outboxRows } from './outbox';

/*
 * Key map:
 *   <prefix>Experiments      PK = roundId     RK = participantId        the experiment (JSON) + state, reviewer, version columns
 *                            PK = roundId     RK = ~outbox|participantId|jobId   an effect saved with the experiment, not queued yet (outbox.ts)
 *   <prefix>ReviewQueue      PK = reviewerId  RK = experimentId         a manager's plans to review (index, rewritten on every save)
 *   <prefix>Acknowledgements PK = roundId     RK = userId|000003        one row per person and policy version (CSV export = one partition)
 * A person's latest acknowledgement is also copied onto their round member row, so a participant's screen reads it
 * with the member row it reads anyway (no range read of this table).
 */
const storedExperimentSchema = z.object({
  id: z.string(), roundId: z.string(), participantId: z.string(), tenantId: z.string(),
  state: z.enum(EXPERIMENT_STATES), version: z.number().int().positive(),
  selection: z.unknown(), hypothesis: z.unknown(), reviewerId: z.string().nullable(),
  reviews: z.array(z.unknown()), windowExtensionDays: z.number(), decision: z.unknown(), history: z.array(z.unknown()),
  createdAt: z.string(), updatedAt: z.string(),
});

const ackSchema = z.object({
  roundId: z.string(), userId: z.string(), policyVersion: z.number().int(), toolId: z.string().nullable(),
  otherToolName: z.string().nullable(), toolTermsAccepted: z.literal(true), acknowledgedAt: z.string(),
});

/** An acknowledgement stored whole as JSON (here and on the member row), checked when read back. */
export function parseStoredAcknowledgement(properties: Record<string, unknown>, column: string, what: string): PolicyAcknowledgement {
  const stored = ackSchema.parse(fromJsonColumn(properties[column], what));
  // Shape checked above; ids come from the domain, which validated them before they were saved.
  return stored as unknown as PolicyAcknowledgement;
}

export interface ExperimentTables {
  readonly experiments: EntityTable;
  readonly reviewQueue: EntityTable;
}

export function parseExperiment(properties: Record<string, unknown>, what: string): Experiment {
  const stored = storedExperimentSchema.parse(fromJsonColumn(properties.data, what));
  if (!parseExperimentId(stored.id) || !parseRoundId(stored.roundId) || !parseUserId(stored.participantId)) throw new Error(`${what} has invalid ids`);
  // Checked above: the shape and the ids; selection/hypothesis were validated by the domain when they were saved.
  return stored as unknown as Experiment;
}

/** Where a person's funnel facts are copied when a record that owns one is saved (their member row in the round). */
export type FunnelFactsCopy = Pick<RoundMemberRepo, 'recordFunnelFacts'>;

/**
 * `funnelFacts`: where each save copies what the funnel reads of the experiment (its state, the states it reached,
 * whether it has a selection), so the round's counters count it; the experiment row stays the record.
 */
export function createTableExperimentRepo(tables: ExperimentTables, funnelFacts?: FunnelFactsCopy): ExperimentRepo {
  const copyFacts = (experiment: Experiment, options?: RepoOptions) =>
    funnelFacts?.recordFunnelFacts(experiment.roundId, experiment.participantId, { experiment: experimentFunnelFactsOf(experiment) }, options);

  async function ensure(options?: RepoOptions) {
    await Promise.all([tables.experiments.ensureCreated(options), tables.reviewQueue.ensureCreated(options)]);
  }

  function row(experiment: Experiment) {
    return { data: toJsonColumn(experiment), state: experiment.state, reviewerId: experiment.reviewerId, version: experiment.version };
  }

  async function indexForReviewer(experiment: Experiment, options?: RepoOptions) {
    if (!experiment.reviewerId) return;
    await tables.reviewQueue.upsert(experiment.reviewerId, experiment.id, {
      roundId: experiment.roundId, participantId: experiment.participantId, state: experiment.state, updatedAt: experiment.updatedAt,
    }, options);
  }

  return {
    async get(roundId, participantId, options) {
      await ensure(options);
      const stored = await tables.experiments.get(roundId, participantId, options);
      return stored ? { experiment: parseExperiment(stored.properties, `experiment of ${participantId} in ${roundId}`), etag: stored.etag } : null;
    },
    async create(experiment, options): Promise<StoredExperiment> {
      await ensure(options);
      const etag = await tables.experiments.create(experiment.roundId, experiment.participantId, row(experiment), { ...options, alongside: outboxRows(experiment.participantId, options?.outbox, experiment.updatedAt) });
      await indexForReviewer(experiment, options);
      await copyFacts(experiment, options);
      return { experiment, etag };
    },
    async update(experiment, etag, options) {
      await ensure(options);
      const next = await tables.experiments.update(experiment.roundId, experiment.participantId, row(experiment), etag, { ...options, alongside: outboxRows(experiment.participantId, options?.outbox, experiment.updatedAt) });
      await indexForReviewer(experiment, options);
      await copyFacts(experiment, options);
      return { experiment, etag: next };
    },
    async listForRound(roundId, options) {
      await ensure(options);
      const experiments: Experiment[] = [];
      // Listing leaves the bookkeeping rows (the outbox) out.
      for await (const stored of tables.experiments.listPartition(roundId, options)) experiments.push(parseExperiment(stored.properties, `experiment ${stored.rowKey}`));
      return experiments;
    },
    async listForReviewer(reviewerId, options) {
      await ensure(options);
      const listings: ReviewListing[] = [];
      for await (const stored of tables.reviewQueue.listPartition(reviewerId, options)) {
        const experimentId = parseExperimentId(stored.rowKey);
        const roundId = parseRoundId(stored.properties.roundId);
        const participantId = parseUserId(stored.properties.participantId);
        const state = z.enum(EXPERIMENT_STATES).safeParse(stored.properties.state);
        if (!experimentId || !roundId || !participantId || !state.success) throw new Error(`review queue row ${stored.rowKey} of ${reviewerId} is malformed`);
        listings.push({ experimentId, roundId, participantId, state: state.data, updatedAt: String(stored.properties.updatedAt) });
      }
      return listings.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    },
  };
}

const ackRow = (userId: UserId, version: number) => `${userId}|${String(version).padStart(6, '0')}`;

const MEMBER_ROW_ATTEMPTS = 5;

/** `roundMembers`: where each person's latest acknowledgement is copied (their member row in the round). */
export function createTableAcknowledgementRepo(table: EntityTable, roundMembers: RoundMemberRepo): AcknowledgementRepo {
  const parseAck = (properties: Record<string, unknown>) => parseStoredAcknowledgement(properties, 'data', 'acknowledgement');

  /** The newest version wins; a lost ETag race (kickoff marks the row sent) is retried from the fresh row. */
  async function copyToMemberRow(ack: PolicyAcknowledgement, options?: RepoOptions) {
    for (let attempt = 1; ; attempt++) {
      const stored = await roundMembers.get(ack.roundId, ack.userId, options);
      if (!stored) return; // not in the round (an owner trying the flow): the acknowledgement row is the record
      const current = stored.member.latestAcknowledgement;
      if (current && current.policyVersion >= ack.policyVersion) return;
      try {
        await roundMembers.update({ ...stored.member, latestAcknowledgement: ack }, stored.etag, options);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyConflictError) || attempt >= MEMBER_ROW_ATTEMPTS) throw error;
      }
    }
  }

  async function latestFromAcknowledgements(roundId: RoundId, userId: UserId, options?: RepoOptions) {
    const mine: PolicyAcknowledgement[] = [];
    for await (const stored of table.listPartition(roundId, { ...options, rowKeyPrefix: `${userId}|` })) mine.push(parseAck(stored.properties));
    return mine.reduce<PolicyAcknowledgement | null>((best, ack) => (!best || ack.policyVersion > best.policyVersion ? ack : best), null);
  }

  async function listForRound(roundId: RoundId, options?: RepoOptions) {
    await table.ensureCreated(options);
    const acks: PolicyAcknowledgement[] = [];
    for await (const stored of table.listPartition(roundId, options)) acks.push(parseAck(stored.properties));
    return acks.sort((a, b) => a.acknowledgedAt.localeCompare(b.acknowledgedAt));
  }

  return {
    async record(ack, options) {
      await table.ensureCreated(options);
      try {
        await table.create(ack.roundId, ackRow(ack.userId, ack.policyVersion), { data: toJsonColumn(ack), userId: ack.userId, policyVersion: ack.policyVersion }, options);
      } catch (error) {
        // The same confirmation twice (double click, retried activity): the copy below is still made, in case the first stopped before it.
        if (!(error instanceof EntityAlreadyExistsError)) throw error;
      }
      await copyToMemberRow(ack, options);
    },
    async latest(roundId, userId, options) {
      await table.ensureCreated(options);
      const member = await roundMembers.get(roundId, userId, options);
      const copied = member?.member.latestAcknowledgement;
      return copied !== undefined ? copied : latestFromAcknowledgements(roundId, userId, options);
    },
    listForRound,
  };
}
