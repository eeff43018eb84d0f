import { readFileSync } from 'node:fs';
import { parseDemoOrganisation, type DemoOrganisation } from '../demo-org';
import { startGraphSandbox } from './server';

// tsx tools/graph-sandbox/main.ts [--port N] [--service-time-ms N] [--host H] [--organisation-file F]
// --organisation-file: a JSON organisation in the demo organisation's shape (default: the demo organisation).
// Prints one line with the URL (point GRAPH_BASE_URL at it) and runs until SIGINT/SIGTERM.

const USAGE = 'usage: tsx tools/graph-sandbox/main.ts [--port N] [--service-time-ms N] [--host 127.0.0.1] [--organisation-file organisation.json]';

function readFlags(argv: readonly string[]): { port: number; serviceTimeInMs: number; host: string; organisation?: DemoOrganisation } {
  const flags: { port: number; serviceTimeInMs: number; host: string; organisation?: DemoOrganisation } = { port: 0, serviceTimeInMs: 0, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i += 1) {
    const [name, inline] = (argv[i] ?? '').split('=', 2);
    const value = inline ?? argv[++i];
    const number = Number(value);
    switch (name) {
      case '--port':
        if (!Number.isInteger(number) || number < 0 || number > 65535) fail(`--port needs a port number (got ${value})`);
        flags.port = number;
        break;
      case '--service-time-ms':
        if (!Number.isFinite(number) || number < 0) fail(`--service-time-ms needs a number of milliseconds ≥ 0 (got ${value})`);
        flags.serviceTimeInMs = number;
        break;
      case '--host':
        if (!value) fail('--host needs an address');
        flags.host = value;
        break;
      case '--organisation-file':
        if (!value) fail('--organisation-file needs a path');
        try {
          flags.organisation = parseDemoOrganisation(JSON.parse(readFileSync(value, 'utf8')));
        } catch (error) {
          fail(`--organisation-file ${value}: ${(error as Error).message}`);
        }
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${name}`);
    }
  }
  return flags;
}

function fail(message: string): never {
  console.error(`graph-sandbox: ${message}\n${USAGE}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const flags = readFlags(process.argv.slice(2));
  const sandbox = await startGraphSandbox(flags).catch((error: unknown) => {
    const code = error && typeof error === 'object' && 'code' in error ? error.code : undefined;
    if (code === 'EADDRINUSE') fail(`port ${flags.port} on ${flags.host} is already in use; pick another with --port, or --port 0 for a free one`);
    throw error;
  });
  console.log(`Graph sandbox listening on ${sandbox.url} (Graph at ${sandbox.url}/v1.0, control at ${sandbox.url}/_sandbox, service time ${flags.serviceTimeInMs} ms)`);
  const stop = () => {
    sandbox.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('graph-sandbox failed to start:', error);
  process.exit(1);
});
