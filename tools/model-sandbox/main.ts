import { startModelSandbox } from './server';

// tsx tools/model-sandbox/main.ts [--port N] [--service-time-ms N] [--host H]
// Prints one line with the URL (COACH_PROVIDER=openai-compatible, COACH_ENDPOINT=<url>/v1) and runs until SIGINT/SIGTERM.

const USAGE = 'usage: tsx tools/model-sandbox/main.ts [--port N] [--service-time-ms N] [--host 127.0.0.1]';

function fail(message: string): never {
  console.error(`model-sandbox: ${message}\n${USAGE}`);
  process.exit(1);
}

function readFlags(argv: readonly string[]): { port: number; serviceTimeInMs: number; host: string } {
  const flags = { port: 0, serviceTimeInMs: 0, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i += 1) {
    const [name, inline] = (argv[i] ?? '').split('=', 2);
    const value = inline ?? argv[++i];
    const number = Number(value);
    if (name === '--port') {
      if (!Number.isInteger(number) || number < 0 || number > 65535) fail(`--port needs a port number (got ${value})`);
      flags.port = number;
    } else if (name === '--service-time-ms') {
      if (!Number.isFinite(number) || number < 0) fail(`--service-time-ms needs a number of milliseconds ≥ 0 (got ${value})`);
      flags.serviceTimeInMs = number;
    } else if (name === '--host') {
      if (!value) fail('--host needs an address');
      flags.host = value;
    } else {
      fail(`unknown option ${name}`);
    }
  }
  return flags;
}

async function main(): Promise<void> {
  const flags = readFlags(process.argv.slice(2));
  const sandbox = await startModelSandbox(flags);
  console.log(`Model sandbox listening on ${sandbox.baseUrl} (chat completions at ${sandbox.baseUrl}/chat/completions, control at ${sandbox.url}/_sandbox, service time ${flags.serviceTimeInMs} ms)`);
  const stop = () => { sandbox.close().then(() => process.exit(0), () => process.exit(1)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('model-sandbox failed to start:', error);
  process.exit(1);
});
