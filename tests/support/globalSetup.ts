import { startAzurite } from '../../tools/azurite';

// One Azurite for the whole jest run; test files isolate themselves by TABLE_PREFIX / queue prefix.
export default async function globalSetup(): Promise<void> {
  const azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
  (globalThis as { __azurite?: typeof azurite }).__azurite = azurite;
}
