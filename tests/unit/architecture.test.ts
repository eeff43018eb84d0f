import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The dependency rules of the layers (docs/decisions/0005-layers-and-their-imports.md), checked on the source
// so a stray import fails CI: arrows point inward, SDKs stay at the edges, and no two modules import each other.
const SRC = join(__dirname, '..', '..', 'src');
const SOURCE_FILE = /\.m?tsx?$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'static' ? [] : sourceFiles(path);
    return SOURCE_FILE.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\(|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** The source file a relative import names (`./x` → x.ts, x.tsx, x.mts or x/index.ts); null for packages and JSON. */
function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}.mts`, join(base, 'index.ts'), join(base, 'index.tsx'), base.replace(/\.m?js$/, '.ts'), base.replace(/\.m?js$/, '.mts')];
  return candidates.find((candidate) => SOURCE_FILE.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) ?? null;
}

const files = sourceFiles(SRC).map((path) => ({ path: relative(SRC, path), imports: importsOf(path), resolved: importsOf(path).map((i) => resolveImport(path, i)).filter((p): p is string => p !== null).map((p) => relative(SRC, p)) }));

/** Groups of files that import each other, directly or round a loop (Tarjan's strongly connected components). */
function importCycles(): string[][] {
  const graph = new Map(files.map((f) => [f.path, f.resolved]));
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    order.set(file, order.size);
    low.set(file, order.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, order.get(next)!));
      }
    }
    if (low.get(file) !== order.get(file)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === file) break;
    }
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!order.has(file)) visit(file);
  return cycles;
}

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

  it('keeps use cases free of cards (what a message looks like is decided at the edge that sends it)', () => {
    const offending = files
      .filter((f) => f.path.startsWith('usecases/'))
      .flatMap((f) => f.resolved.filter((i) => i.startsWith('cards/')).map((i) => `${f.path} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('hands work to the queues only through the job registry (a registered kind, its own queue)', () => {
    // sendEffects (usecases/jobKinds.ts) routes each effect to its kind's queue; a direct send could name any kind and any queue.
    const offending = files
      .filter((f) => f.path !== 'usecases/jobKinds.ts' && !f.path.startsWith('adapters/') && !f.path.startsWith('jobs/runtime/'))
      .filter((f) => /\b(jobs|bookingJobs|outboxChecks)\.send\(/.test(readFileSync(join(SRC, f.path), 'utf8')))
      .map((f) => f.path);
    expect(offending).toEqual([]);
  });

  it('keeps cards to rendering: they import the domain and each other, never ports, use cases or the edges', () => {
    const offending = files
      .filter((f) => f.path.startsWith('cards/'))
      .flatMap((f) => f.resolved.filter((i) => /^(ports|usecases|adapters|bot|api|jobs)\//.test(i)).map((i) => `${f.path} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('keeps the REST routers off the adapters: they reach storage and Graph through the use cases and ports', () => {
    const offending = files
      .filter((f) => f.path.startsWith('api/'))
      .flatMap((f) => f.resolved.filter((i) => i.startsWith('adapters/')).map((i) => `${f.path} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('keeps the REST routers to parsing, calling and answering: no repository is imported or read there', () => {
    // The repositories are the use cases' ports typed `…Repo`; a router reaches them only through a query or a use case.
    const repositories = [...readFileSync(join(SRC, 'usecases', 'ports.ts'), 'utf8').matchAll(/readonly (\w+): \w+Repo;/g)].map((m) => m[1]!);
    expect(repositories).toEqual(expect.arrayContaining(['rounds', 'experiments', 'bookings', 'journals']));
    const touchesRepository = new RegExp(`\\bports\\.(${repositories.join('|')})\\.`);
    const offending = files.filter((f) => f.path.startsWith('api/')).flatMap((f) => [
      ...f.resolved.filter((i) => /^(ports\/\w+Repo|adapters\/tables\/)/.test(i)).map((i) => `${f.path} → ${i}`),
      ...readFileSync(join(SRC, f.path), 'utf8').split('\n').filter((line) => touchesRepository.test(line)).map((line) => `${f.path}: ${line.trim()}`),
    ]);
    expect(offending).toEqual([]);
  });

  it('keeps the bot handlers to parsing, calling and answering: they pass the ports to a use case or query, never read a repository', () => {
    // The same repository names as the routers' rule: every port of UseCasePorts typed `…Repo`. The bot's own
    // `deps.members` is covered too: even the conversation reference a turn records goes through a use case
    // (welcomeMember/rememberMember), so no exception is needed.
    const repositories = [...readFileSync(join(SRC, 'usecases', 'ports.ts'), 'utf8').matchAll(/readonly (\w+): \w+Repo;/g)].map((m) => m[1]!);
    expect(repositories).toEqual(expect.arrayContaining(['rounds', 'roundMembers', 'roundCounters', 'experiments', 'members']));
    const touchesRepository = new RegExp(`\\b(ports|deps)\\.(${repositories.join('|')})\\.`);
    // Taking the repositories apart (`const { rounds } = deps.ports`) would slip past the line above.
    const unpacksPorts = /\}\s*=\s*(deps\.)?ports\b(?!\.)/;
    const offending = files.filter((f) => f.path.startsWith('bot/')).flatMap((f) => readFileSync(join(SRC, f.path), 'utf8').split('\n')
      .filter((line) => touchesRepository.test(line) || unpacksPorts.test(line)).map((line) => `${f.path}: ${line.trim()}`));
    expect(offending).toEqual([]);
  });

  it('keeps the contracts the tabs import free of the service: they import zod, the domain and each other only', () => {
    const offending = files
      .filter((f) => f.path.startsWith('contracts/'))
      .flatMap((f) => [
        ...f.imports.filter((i) => !i.startsWith('.') && i !== 'zod').map((i) => `${f.path} → ${i}`),
        ...f.resolved.filter((i) => !/^(contracts|domain)\//.test(i)).map((i) => `${f.path} → ${i}`),
      ]);
    expect(offending).toEqual([]);
  });

  it('has no import cycles (type-only imports included)', () => {
    expect(importCycles()).toEqual([]);
  });

  it('covers every TypeScript flavour in src, .mts included', () => {
    expect(files.map((f) => f.path)).toContain('tab/vite.config.mts');
  });

  it('reads the environment only in src/config.ts (and the entry points and the tab\'s build configuration)', () => {
    const readers = ['config.ts', 'server.ts', 'worker.ts', 'tab/vite.config.mts'];
    const offending = files.filter((f) => !readers.includes(f.path) && /process\.env/.test(readFileSync(join(SRC, f.path), 'utf8')));
    expect(offending.map((f) => f.path)).toEqual([]);
  });

  it('never reads the shared design folder (a clone does not have it)', () => {
    // No source names the design folder beside the repository (the tab's own modules live in src/tab/app/common, so no import looks like it).
    const sharedFolder = ['..', 'shared'].join('/');
    const all = [...files.map((f) => join(SRC, f.path))];
    expect(all.filter((p) => readFileSync(p, 'utf8').includes(sharedFolder))).toEqual([]);
  });
});
