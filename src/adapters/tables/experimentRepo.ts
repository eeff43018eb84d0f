import { z } from 'zod';
import type { PolicyAcknowledgement } from '../../domain/acknowledgement';
import { EXPERIMENT_STATES, type Experiment } from '../../domain/experiment';
import { parseUserId, type UserId } from '../../domain/ids';
import { parseExperimentId, parseRoundId, type RoundId } from '../../domain/roundIds';
import type { AcknowledgementRepo, ExperimentRepo, ReviewListing, StoredExperiment } from '../../ports/experimentRepo';
import type { RepoOptions } from '../../ports/roundRepo';
import { EntityAlreadyExistsError, type EntityTable } from './entityTable';
import { fromJsonColumn, toJsonColumn } from './json';

/*
 * Key map:
 *   <prefix>Experiments      PK = roundId     RK = participantId        the experiment (JSON) + state, reviewer, version columns
 *   <prefix>ReviewQueue      PK = reviewerId  RK = experimentId         a manager's plans to review (index, rewritten on every save)
 *   <prefix>Acknowledgements PK = roundId     RK = userId|000003        one row per person and policy version (CSV export = one partition)
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

export interface ExperimentTables {
  readonly experiments: EntityTable;
  readonly reviewQueue: EntityTable;
}

function parseExperiment(properties: Record<string, unknown>, what: string): Experiment {
  const stored = storedExperimentSchema.parse(fromJsonColumn(properties.data, what));
  if (!parseExperimentId(stored.id) || !parseRoundId(stored.roundId) || !parseUserId(stored.participantId)) throw new Error(`${what} has invalid ids`);
  // Checked above: the shape and the ids; selection/hypothesis were validated by the domain when they were saved.
  return stored as unknown as Experiment;
}

export function createTableExperimentRepo(tables: ExperimentTables): ExperimentRepo {
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
      const etag = await tables.experiments.create(experiment.roundId, experiment.participantId, row(experiment), options);
      await indexForReviewer(experiment, options);
      return { experiment, etag };
    },
    async update(experiment, etag, options) {
      await ensure(options);
      const next = await tables.experiments.update(experiment.roundId, experiment.participantId, row(experiment), etag, options);
      await indexForReviewer(experiment, options);
      return { experiment, etag: next };
    },
    async listForRound(roundId, options) {
      await ensure(options);
      const experiments: Experiment[] = [];
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

export function createTableAcknowledgementRepo(table: EntityTable): AcknowledgementRepo {
  function parseAck(properties: Record<string, unknown>): PolicyAcknowledgement {
    const stored = ackSchema.parse(fromJsonColumn(properties.data, 'acknowledgement'));
    // Shape checked above; ids come from the domain, which validated them before they were saved.
    return stored as unknown as PolicyAcknowledgement;
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
        if (error instanceof EntityAlreadyExistsError) return; // the same confirmation twice (double click, retried activity)
        throw error;
      }
    },
    async latest(roundId, userId, options) {
      await table.ensureCreated(options);
      const mine: PolicyAcknowledgement[] = [];
      for await (const stored of table.listPartition(roundId, { ...options, rowKeyPrefix: `${userId}|` })) mine.push(parseAck(stored.properties));
      return mine.reduce<PolicyAcknowledgement | null>((best, ack) => (!best || ack.policyVersion > best.policyVersion ? ack : best), null);
    },
    listForRound,
  };
}
