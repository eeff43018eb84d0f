import { loadConfigOrExit } from '../src/config';
import { parseRoundId } from '../src/domain/roundIds';
import { createLogger } from '../src/logging';
import { systemClock } from '../src/ports/clock';
import { repairRoundCounters } from '../src/usecases/repairCounters';
import { wireApplication } from '../src/wiring';

/**
 * `npm run repair-counters -- <roundId> [--check]`: recomputes a round's counters from its records, prints what
 * differed as one JSON line, and writes the right values back (`--check` only reports). Exit code 0 either way;
 * 2 when `--check` found differences, so a scheduled check can alert.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const roundId = parseRoundId(args.find((a) => !a.startsWith('--')) ?? '');
  if (!roundId) {
    console.error('Usage: npm run repair-counters -- <roundId> [--check]');
    process.exit(1);
  }
  const check = args.includes('--check');
  const config = loadConfigOrExit(process.env);
  const { ports } = wireApplication(config, { logger: createLogger('repair-counters', { level: config.logLevel }), clock: systemClock });
  const report = await repairRoundCounters(roundId, ports, { fix: !check });
  console.log(JSON.stringify(report));
  if (check && report.differences.length > 0) process.exitCode = 2;
}

void main().catch((error: unknown) => {
  console.error(`Repair stopped: ${(error as Error).message}`);
  process.exit(1);
});
