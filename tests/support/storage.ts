import { randomBytes } from 'node:crypto';

/** Connection string of the Azurite started by jest's globalSetup. */
export function testConnectionString(): string {
  const value = process.env.TEST_STORAGE_CONNECTION_STRING;
  if (!value) throw new Error('TEST_STORAGE_CONNECTION_STRING is not set: run the tests through jest (globalSetup starts Azurite)');
  return value;
}

/** A table/queue name prefix unique to one test file (letters only: table names are alphanumeric). */
export function uniquePrefix(label: string): string {
  return `t${label.replace(/[^a-z0-9]/gi, '').slice(0, 8)}${randomBytes(3).toString('hex')}`.toLowerCase();
}
