import pino, { type Logger } from 'pino';

export type { Logger };

// Tokens and secrets never reach the logs: authorisation headers, bot/app passwords, connection strings.
const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'MicrosoftAppPassword',
  '*.MicrosoftAppPassword',
  'connectionString',
  '*.connectionString',
  'STORAGE_CONNECTION_STRING',
  '*.STORAGE_CONNECTION_STRING',
];

export interface CreateLoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(name: string, options: CreateLoggerOptions = {}): Logger {
  return pino(
    { name, level: options.level ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
}

/** A logger that writes nothing (library code given no logger). */
export const silentLogger: Logger = pino({ level: 'silent' });
