import type { RoundId } from '../domain/roundIds';
import type { CounterDifference } from '../ports/roundCounters';
import type { UseCasePorts } from './ports';

export interface CounterRepairReport {
  readonly roundId: RoundId;
  /** What differed before the repair (empty: the counters matched the records). */
  readonly differences: readonly CounterDifference[];
  /** True when the differences were written back. */
  readonly fixed: boolean;
}

/**
 * Rebuilds a round's counters from its records (members with their copied funnel facts, against the experiments, acknowledgements, journals and summaries; bookings) and reports any
 * difference. Counters are kept in the same transaction as each change, so a difference means a bug, a
 * hand edit of storage, or rows written before counters existed (the first run counts them). `fix: false` only reports.
 */
export async function repairRoundCounters(roundId: RoundId, ports: Pick<UseCasePorts, 'roundCounters'>, options: { readonly fix: boolean } = { fix: true }): Promise<CounterRepairReport> {
  const differences = await ports.roundCounters.recount(roundId, { fix: options.fix });
  return { roundId, differences, fixed: options.fix && differences.length > 0 };
}
