import { diffLines } from '../../src/tab/app/dashboard/owner/policyDiff';

describe('the policy diff in the owner view', () => {
  it('marks added and removed lines and keeps the rest', () => {
    expect(diffLines('Keep names out.\nRedact figures.', 'Keep names out.\nNever paste contracts.\nRedact figures.')).toEqual([
      { kind: 'same', text: 'Keep names out.' }, { kind: 'added', text: 'Never paste contracts.' }, { kind: 'same', text: 'Redact figures.' },
    ]);
    expect(diffLines('a\nb', 'a\nc')).toEqual([{ kind: 'same', text: 'a' }, { kind: 'removed', text: 'b' }, { kind: 'added', text: 'c' }]);
  });

  it('is all "same" for identical texts and rebuilds both sides', () => {
    const before = 'one\ntwo\nthree';
    const after = 'zero\none\nthree\nfour';
    const diff = diffLines(before, after);
    expect(diff.filter((l) => l.kind !== 'added').map((l) => l.text).join('\n')).toBe(before);
    expect(diff.filter((l) => l.kind !== 'removed').map((l) => l.text).join('\n')).toBe(after);
    expect(diffLines(before, before).every((l) => l.kind === 'same')).toBe(true);
  });
});
