import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The dependency rules of STYLE §1 and DESIGN §10, checked on the source so a stray import fails CI.
const SRC = join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'static' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\(|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

const files = sourceFiles(SRC).map((path) => ({ path: relative(SRC, path), imports: importsOf(path) }));

describe('the architecture', () => {
  it('keeps the domain core free of I/O and of other layers', () => {
    const offending = files
      .filter((f) => f.path.startsWith('domain/'))
      .flatMap((f) => f.imports.filter((i) => !i.startsWith('./') && i !== 'zod' && i !== 'luxon').map((i) => `${f.path} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('keeps botbuilder and teams-ai inside src/bot (a later SDK move touches that folder alone)', () => {
    const offending = files
      .filter((f) => !f.path.startsWith('bot/'))
      .flatMap((f) => f.imports.filter((i) => /^(botbuilder|botframework-|@microsoft\/teams-ai)/.test(i)).map((i) => `${f.path} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('keeps use cases and ports independent of adapters, bot and api (arrows point inward)', () => {
    const offending = files
      .filter((f) => f.path.startsWith('usecases/') || f.path.startsWith('ports/'))
      .flatMap((f) => f.imports.filter((i) => /\/(adapters|bot|api|jobs)\//.test(i)).map((i) => `${f.path} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('keeps Azure and Graph SDKs inside the adapters (and the wiring)', () => {
    const offending = files
      .filter((f) => !f.path.startsWith('adapters/') && f.path !== 'server.ts' && f.path !== 'worker.ts' && f.path !== 'wiring.ts')
      .flatMap((f) => f.imports.filter((i) => /^(@azure\/|@microsoft\/microsoft-graph-client)/.test(i)).map((i) => `${f.path} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('reads the environment only in src/config.ts', () => {
    const offending = files.filter((f) => f.path !== 'config.ts' && f.path !== 'server.ts' && f.path !== 'worker.ts' && /process\.env/.test(readFileSync(join(SRC, f.path), 'utf8')));
    expect(offending.map((f) => f.path)).toEqual([]);
  });

  it('never reads the shared design folder (a clone does not have it)', () => {
    // No source names the design folder beside the repository (the tab's own modules live in src/tab/app/common, so no import looks like it).
    const sharedFolder = ['..', 'shared'].join('/');
    const all = [...files.map((f) => join(SRC, f.path))];
    expect(all.filter((p) => readFileSync(p, 'utf8').includes(sharedFolder))).toEqual([]);
  });
});
