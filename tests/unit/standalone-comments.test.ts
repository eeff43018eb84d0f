import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// A clone of the repository is all a reader has: comments and docs say the reason themselves, or point at a file
// here (decisions the code relies on live in docs/decisions), never at design-document sections or issue numbers.
const ROOT = join(__dirname, '..', '..');
const FOLDERS = ['src', 'tools', 'tests', 'bench', 'docs', 'infra'];
const SKIPPED = new Set(['node_modules', 'dist', 'spec', 'static', '.azurite']);
const TEXT_FILE = /\.(m?tsx?|m?js|cjs|md|json|ya?ml|bicep)$/;
const OUTSIDE_REFERENCE = /\b(DESIGN|STYLE)\b|§|\b[Ii]ssue #?\d+|\bcontracts\.md\b|docs\/programme\.md/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIPPED.has(name) ? [] : files(path);
    return TEXT_FILE.test(name) ? [path] : [];
  });
}

describe('comments and docs', () => {
  it('stand alone: no design-document sections, issue numbers or documents the repository does not have', () => {
    const self = relative(ROOT, __filename);
    const offending = [...FOLDERS.flatMap((folder) => files(join(ROOT, folder))), join(ROOT, 'README.md')]
      .map((path) => relative(ROOT, path))
      .filter((path) => path !== self)
      .flatMap((path) => readFileSync(join(ROOT, path), 'utf8').split('\n').flatMap((line, i) => (OUTSIDE_REFERENCE.test(line) ? [`${path}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])));
    expect(offending).toEqual([]);
  });
});
