import { isStaleVersion } from '../../src/domain/version';

describe('the version check', () => {
  it('is stale only when a version was expected and the record has another one', () => {
    expect(isStaleVersion(undefined, 7)).toBe(false);
    expect(isStaleVersion(7, 7)).toBe(false);
    expect(isStaleVersion(6, 7)).toBe(true);
    expect(isStaleVersion(8, 7)).toBe(true);
    expect(isStaleVersion(0, 1)).toBe(true);
  });
});
