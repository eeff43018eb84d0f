/**
 * Builds the tabs (src/tab/app, Vite) into dist/tab — when they are missing or older than their sources.
 * `npm start`, `npm run build`, the jest global setup and the bundle bench all call this, so a fresh clone
 * works without a separate step and an unchanged tree costs one directory walk, not a rebuild.
 * Vite writes to a temporary folder that is swapped in afterwards, and a lock file serialises concurrent
 * builds (several test runs at once), so the service never serves a half-written tab.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
export const TAB_SOURCES = join(ROOT, 'src', 'tab');
export const TAB_OUTPUT = join(ROOT, 'dist', 'tab');
const STAMP = '.sources-stamp';

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function stampOf(): string {
  return String(Math.floor(newestSourceMtime(TAB_SOURCES)));
}

export function tabIsFresh(): boolean {
  const stampFile = join(TAB_OUTPUT, STAMP);
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stampOf();
}

async function withLock<T>(work: () => T): Promise<T> {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const lock = join(ROOT, 'dist', '.tab-build.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // Another build holds it; a lock older than 3 minutes belongs to a build that died.
      try { if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { force: true }); } catch { /* gone meanwhile */ }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another tab build (${lock}).`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}

export async function ensureTabBuilt(options: { force?: boolean; quiet?: boolean } = {}): Promise<{ built: boolean }> {
  if (!options.force && tabIsFresh()) return { built: false };
  return withLock(() => {
    if (!options.force && tabIsFresh()) return { built: false };
    const stamp = stampOf();
    const temporary = join(ROOT, 'dist', `tab.building-${process.pid}`);
    rmSync(temporary, { recursive: true, force: true });
    const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    // One build per page (see vite.config.mts): the dashboard's chunks never depend on the meeting page's code.
    const pages = readdirSync(join(TAB_SOURCES, 'app')).filter((name) => name.endsWith('.html')).map((name) => name.replace(/\.html$/, '')).sort((a, b) => (a === 'index' ? -1 : b === 'index' ? 1 : a.localeCompare(b)));
    for (const [i, page] of pages.entries()) {
      const result = spawnSync(process.execPath, [vite, 'build', '--config', join(TAB_SOURCES, 'vite.config.mts')], {
        cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', TAB_OUT_DIR: temporary, TAB_PAGE: page, TAB_KEEP_OUT_DIR: i === 0 ? '0' : '1' }, stdio: options.quiet ? 'pipe' : 'inherit', encoding: 'utf8',
      });
      if (result.status !== 0) {
        rmSync(temporary, { recursive: true, force: true });
        throw new Error(`The tab build failed for ${page}.html (vite exited with ${result.status}).${options.quiet ? `\n${result.stdout}\n${result.stderr}` : ''}`);
      }
    }
    writeFileSync(join(temporary, STAMP), stamp);
    const old = join(ROOT, 'dist', `tab.old-${process.pid}`);
    if (existsSync(TAB_OUTPUT)) renameSync(TAB_OUTPUT, old);
    renameSync(temporary, TAB_OUTPUT);
    rmSync(old, { recursive: true, force: true });
    return { built: true };
  });
}

if (require.main === module) {
  ensureTabBuilt({ force: process.argv.includes('--force') })
    .then(({ built }) => console.log(built ? `Tab built into ${TAB_OUTPUT}` : `Tab is up to date (${TAB_OUTPUT})`))
    .catch((error: Error) => { console.error(error.message); process.exit(1); });
}
