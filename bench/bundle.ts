/**
 * `tab.bundle` (budget and last figures: the README's benchmark table): the JavaScript the dashboard's first load fetches, gzip-compressed (level 9, what a
 * CDN or App Service would send), read from Vite's manifest: the entry of index.html and every chunk it imports
 * statically, recursively. Lazily loaded views (plan editor, manager, owner) are not part of the first load.
 * Extra figures: `in_teams_gzip_kb` adds teams-js, which the tab imports only when it runs inside Teams;
 * `budget_kb` is the limit (250 KB); `css_gzip_kb` the stylesheet of the first load; `meeting_in_teams_gzip_kb`
 * the same figure for the meeting tab's page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureTabBuilt, TAB_OUTPUT } from '../tools/build-tab';

interface ManifestChunk { readonly file: string; readonly imports?: string[]; readonly dynamicImports?: string[]; readonly css?: string[]; readonly isEntry?: boolean }

export const FIRST_LOAD_BUDGET_KB = 250;

function gzipKb(file: string): number {
  return gzipSync(readFileSync(join(TAB_OUTPUT, file)), { level: 9 }).length / 1024;
}

export function measureBundle(entry = 'index.html'): { first_load_gzip_kb: number; in_teams_gzip_kb: number; css_gzip_kb: number; files: string[] } {
  // Each page is its own build with its own manifest (src/tab/vite.config.mts).
  const manifest = JSON.parse(readFileSync(join(TAB_OUTPUT, '.vite', `manifest.${entry.replace(/\.html$/, '')}.json`), 'utf8')) as Record<string, ManifestChunk>;
  const seen = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no chunk ${key}`);
    seen.add(key);
    for (const file of chunk.css ?? []) css.add(file);
    for (const next of chunk.imports ?? []) visit(next);
  };
  visit(entry);
  const files = [...seen].map((key) => manifest[key]!.file);
  const firstLoad = files.reduce((sum, file) => sum + gzipKb(file), 0);
  const teamsKey = Object.keys(manifest).find((key) => key.includes('@microsoft/teams-js'));
  const teams = teamsKey ? gzipKb(manifest[teamsKey]!.file) : 0;
  const round = (kb: number) => Number(kb.toFixed(1));
  return { first_load_gzip_kb: round(firstLoad), in_teams_gzip_kb: round(firstLoad + teams), css_gzip_kb: round([...css].reduce((sum, file) => sum + gzipKb(file), 0)), files };
}

export async function runBundleBench(emit: (result: Record<string, unknown>) => void): Promise<void> {
  await ensureTabBuilt({ quiet: true });
  const { first_load_gzip_kb, in_teams_gzip_kb, css_gzip_kb } = measureBundle();
  // The meeting tab is its own page and build; its first load inside Teams, for comparison.
  const meeting = measureBundle('meeting.html');
  emit({ bench: 'tab.bundle', first_load_gzip_kb, in_teams_gzip_kb, css_gzip_kb, budget_kb: FIRST_LOAD_BUDGET_KB, within_budget: in_teams_gzip_kb <= FIRST_LOAD_BUDGET_KB, meeting_in_teams_gzip_kb: meeting.in_teams_gzip_kb });
}

if (require.main === module) {
  runBundleBench((result) => process.stdout.write(`${JSON.stringify(result)}\n`)).catch((error: Error) => { console.error(error.message); process.exit(1); });
}
