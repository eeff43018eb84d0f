import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The node flags production starts the service and worker with (package.json's `start:prod`, which the Bicep
 * template's default start command repeats), so a bench measures the process as it runs in Azure, heap cap included.
 */
export const PRODUCTION_NODE_FLAGS: readonly string[] = (() => {
  const scripts = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  return scripts['start:prod']!.split(/\s+/).filter((token) => token.startsWith('--'));
})();
