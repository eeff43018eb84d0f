import { startAzurite } from '../../tools/azurite';
import { ensureTabBuilt } from '../../tools/build-tab';

// One Azurite for the whole jest run; test files isolate themselves by TABLE_PREFIX / queue prefix.
export default async function globalSetup(): Promise<void> {
  // The service serves the built tab (dist/tab); a fresh clone or changed tab sources build it here (skipped when fresh).
  await ensureTabBuilt({ quiet: true });
  const azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
  (globalThis as { __azurite?: typeof azurite }).__azurite = azurite;
}
