import fc from 'fast-check';
import { parseUserId } from '../../src/domain/ids';
import { experimentIdFor, parseExperimentId, parseRoundId } from '../../src/domain/roundIds';
import { PEOPLE, ROUND_ID } from '../support/builders';

describe('parseRoundId', () => {
  it.each(['round-2025-spring', 'abcdefgh', 'a'.repeat(26)])('accepts %j', (id) => {
    expect(parseRoundId(id)).toBe(id);
  });

  it.each(['short', 'a'.repeat(27), 'Round-2025', 'round/2025', 'round 2025', "round-' or 1 eq 1", 'round#2025?', 42, null, undefined])('refuses %j', (id) => {
    expect(parseRoundId(id)).toBeNull();
  });
});

describe('parseExperimentId', () => {
  it.each(['abcdefgh', 'a'.repeat(64), '0f8fad5b-d9cb-469f-a165-70867728950e'])('accepts %j', (id) => {
    expect(parseExperimentId(id)).toBe(id);
  });
  it.each(['short', 'a'.repeat(65), 'Exp-1234', 'exp/1234', 42])('refuses %j', (id) => {
    expect(parseExperimentId(id)).toBeNull();
  });
});

describe('experimentIdFor', () => {
  it('gives the same id for the same person and round, every time', () => {
    expect(experimentIdFor(ROUND_ID, PEOPLE.dana)).toBe(experimentIdFor(ROUND_ID, PEOPLE.dana));
    expect(experimentIdFor(ROUND_ID, PEOPLE.dana)).not.toBe(experimentIdFor(ROUND_ID, PEOPLE.lee));
  });

  it('is itself a valid experiment id for any round and person', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z0-9-]{8,26}$/), fc.uuid(), (round, user) => {
      const roundId = parseRoundId(round);
      const userId = parseUserId(user);
      if (roundId === null || userId === null) throw new Error('generator produced an invalid id');
      expect(parseExperimentId(experimentIdFor(roundId, userId))).not.toBeNull();
    }));
  });
});
