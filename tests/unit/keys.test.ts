import fc from 'fast-check';
import { decodeKey, encodeKey } from '../../src/adapters/tables/keys';

describe('encodeKey', () => {
  it.each([
    ['a/b', 'a!2Fb'],
    ['back\\slash', 'back!5Cslash'],
    ['#tag?', '!23tag!3F'],
    ['Zoë', 'Zo!C3!AB'],
    ['line\nbreak', 'line!0Abreak'],
    ['bang!', 'bang!21'],
    ['0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e'],
  ])('encodes %j as %j', (raw, encoded) => {
    expect(encodeKey(raw)).toBe(encoded);
  });

  it('never leaves a character Table Storage forbids in a key', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 60, unit: 'binary' }), (raw) => {
      expect(encodeKey(raw)).not.toMatch(/[/\\#?\u0000-\u001f\u007f-\u009f]/);
    }));
  });

  it('round-trips any text, so two different inputs never share a key', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 60, unit: 'binary' }), (raw) => {
      expect(decodeKey(encodeKey(raw))).toBe(raw);
    }));
  });

  it('refuses an empty key and one longer than the documented limit', () => {
    expect(() => encodeKey('')).toThrow(/empty/);
    expect(() => encodeKey('x'.repeat(513))).toThrow(/512 characters/);
  });
});
