import { createAsset, changeAsset, checkUrl, matchesSearch, type Asset } from '../../src/domain/asset';
import { firstSharedSlot } from '../../src/domain/checkIn';
import { isDomainError } from '../../src/domain/errors';
import type { UserId } from '../../src/domain/ids';
import { isEditable, JOURNAL_LIMITS, saveJournalEntry, weekStartOf } from '../../src/domain/journal';
import { experimentIdFor } from '../../src/domain/roundIds';
import { weeklyPromptMoment } from '../../src/domain/weeklyMoment';
import { editRound } from '../../src/domain/round';
import { aRound, NOW, ownerActor, PEOPLE, ROUND_ID, expectError, strangerActor, unwrap } from '../support/builders';

const dana = PEOPLE.dana as UserId;
const target = (weekStart: string) => ({ experimentId: experimentIdFor(ROUND_ID, dana), roundId: ROUND_ID, participantId: dana, weekStart });
const ctx = (now: string, currentWeekStart = weekStartOf(now, 'Europe/London')) => ({ actorId: dana, now, currentWeekStart });

describe('weekStartOf', () => {
  it.each([
    // Thursday 23:30 UTC is already Friday in Kolkata: still the same ISO week.
    ['2026-03-05T23:30:00Z', 'Asia/Kolkata', '2026-03-02'],
    // Sunday 23:30 UTC is Monday 05:00 in Kolkata: the next week there, this week in London.
    ['2026-03-08T23:30:00Z', 'Asia/Kolkata', '2026-03-09'],
    ['2026-03-08T23:30:00Z', 'Europe/London', '2026-03-02'],
    // Monday 03:00 UTC is still Sunday evening in New York.
    ['2026-03-09T03:00:00Z', 'America/New_York', '2026-03-02'],
  ])('%s in %s → %s', (instant, zone, expected) => {
    expect(weekStartOf(instant, zone)).toBe(expected);
  });
});

describe('weeklyPromptMoment', () => {
  it.each([
    // No blocks: Friday 15:00 local. London clocks go forward on Sunday 29 March 2026.
    ['2026-03-23', 'Europe/London', [], '2026-03-27T15:00:00.000Z'],
    ['2026-03-30', 'Europe/London', [], '2026-04-03T14:00:00.000Z'],
    // US DST starts 8 March 2026: the Friday before is EST (UTC-5), the Friday after EDT (UTC-4).
    ['2026-03-02', 'America/New_York', [], '2026-03-06T20:00:00.000Z'],
    ['2026-03-09', 'America/New_York', [], '2026-03-13T19:00:00.000Z'],
    ['2026-03-02', 'Asia/Kolkata', [], '2026-03-06T09:30:00.000Z'],
    // Blocks: 15 minutes after the last one that ends inside the week; other weeks' blocks are ignored.
    ['2026-03-02', 'Europe/London', [
      { start: '2026-03-03T09:00:00Z', end: '2026-03-03T10:00:00Z' },
      { start: '2026-03-05T14:00:00Z', end: '2026-03-05T15:00:00Z' },
      { start: '2026-03-10T09:00:00Z', end: '2026-03-10T10:00:00Z' },
    ], '2026-03-05T15:15:00.000Z'],
  ])('week of %s in %s', (weekStart, zone, blocks, expected) => {
    expect(weeklyPromptMoment(weekStart, zone, blocks)).toBe(expected);
  });
});

describe('saveJournalEntry', () => {
  const now = '2026-03-06T16:00:00Z';

  it('creates this week\'s entry with the answers given and the rest empty', () => {
    const entry = unwrap(saveJournalEntry(null, target('2026-03-02'), { improved: '  Drafts take 10 minutes  ', hoursPractised: 2.5 }, ctx(now)));
    expect(entry).toMatchObject({ improved: 'Drafts take 10 minutes', broke: '', surprised: '', taught: '', hoursPractised: 2.5, missedBlocks: 0, version: 1 });
  });

  it('asks for at least one answer when none is filled (hours alone are not an entry)', () => {
    const error = expectError(saveJournalEntry(null, target('2026-03-02'), { improved: '   ', hoursPractised: 2 }, ctx(now)));
    expect(error).toMatchObject({ kind: 'invalid_input', fieldErrors: { form: expect.stringMatching(/at least one/) } });
  });

  it('says the limit and how far over a long answer is', () => {
    const error = expectError(saveJournalEntry(null, target('2026-03-02'), { broke: 'x'.repeat(JOURNAL_LIMITS.answerCharacters + 120) }, ctx(now)));
    expect(error.kind).toBe('invalid_input');
    expect((error as { fieldErrors: Record<string, string> }).fieldErrors.broke).toBe('What broke is limited to 4,000 characters; this is 120 over. Your text is kept so you can shorten it.');
  });

  it('counts characters as people see them (an emoji is one)', () => {
    expect(isDomainError(saveJournalEntry(null, target('2026-03-02'), { taught: '🚀'.repeat(JOURNAL_LIMITS.answerCharacters) }, ctx(now)))).toBe(false);
  });

  it.each([[-1], [41], [Number.NaN]])('refuses %s hours', (hours) => {
    expect(expectError(saveJournalEntry(null, target('2026-03-02'), { improved: 'x', hoursPractised: hours }, ctx(now)))).toMatchObject({ fieldErrors: { hoursPractised: expect.any(String) } });
  });

  it('keeps markup and template syntax as text, and drops control characters', () => {
    const entry = unwrap(saveJournalEntry(null, target('2026-03-02'), { improved: '${$root.roundId} [click](javascript:alert(1)) **bold**\u0007' }, ctx(now)));
    expect(entry.improved).toBe('${$root.roundId} [click](javascript:alert(1)) **bold**');
  });

  it('allows last week (a missed week can be logged) but not earlier weeks or future ones', () => {
    expect(isDomainError(saveJournalEntry(null, target('2026-02-23'), { improved: 'x' }, ctx(now)))).toBe(false);
    expect(expectError(saveJournalEntry(null, target('2026-02-16'), { improved: 'x' }, ctx(now))).kind).toBe('conflict');
    expect(expectError(saveJournalEntry(null, target('2026-03-09'), { improved: 'x' }, ctx(now))).kind).toBe('invalid_input');
  });

  describe('edits', () => {
    const created = unwrap(saveJournalEntry(null, target('2026-03-02'), { improved: 'first' }, ctx(now)));

    it('changes what was sent and bumps the version; the same content again changes nothing', () => {
      const edited = unwrap(saveJournalEntry(created, target('2026-03-02'), { broke: 'the export', expectedVersion: 1 }, ctx('2026-03-07T10:00:00Z')));
      expect(edited).toMatchObject({ improved: 'first', broke: 'the export', version: 2 });
      expect(saveJournalEntry(edited, target('2026-03-02'), { broke: 'the export' }, ctx('2026-03-07T11:00:00Z'))).toBe(edited);
    });

    it('is open for 7 days after the first save, then read-only with the reason', () => {
      expect(isEditable(created, '2026-03-13T15:59:59Z')).toBe(true);
      expect(isEditable(created, '2026-03-13T16:00:00Z')).toBe(false);
      const error = expectError(saveJournalEntry(created, target('2026-03-02'), { improved: 'later' }, ctx('2026-03-14T09:00:00Z')));
      expect(error).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/more than 7 days ago.*read-only/) });
    });

    it('refuses someone else\'s entry', () => {
      const error = expectError(saveJournalEntry(created, target('2026-03-02'), { improved: 'mine now' }, { ...ctx(now), actorId: PEOPLE.maria as UserId }));
      expect(error.kind).toBe('forbidden');
    });

    it('refuses a stale form', () => {
      expect(expectError(saveJournalEntry(created, target('2026-03-02'), { improved: 'x', expectedVersion: 7 }, ctx(now))).kind).toBe('conflict');
    });
  });
});

describe('assets', () => {
  const context = { id: '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b' as Asset['id'], roundId: ROUND_ID, experimentId: experimentIdFor(ROUND_ID, dana), authorId: dana, tool: 'Microsoft 365 Copilot', now: '2026-03-06T16:00:00Z' };

  it.each([['javascript:alert(1)'], ['data:text/html,hi'], ['file:///etc/passwd'], ['ftp://x.example/a'], ['not a url']])('rejects the link %s', (url) => {
    expect(checkUrl(url)).toBeNull();
    expect(expectError(createAsset({ kind: 'reference', title: 'A link', url, goodFor: 'Reading up' }, context))).toMatchObject({ fieldErrors: { url: expect.stringMatching(/http:\/\/ or https:\/\//) } });
  });

  it('says how far over the content limit a text is', () => {
    const error = expectError(createAsset({ kind: 'prompt', title: 'Long', content: 'a'.repeat(16_005), goodFor: 'Testing' }, context));
    expect((error as { fieldErrors: Record<string, string> }).fieldErrors.content).toMatch(/16,000 characters; this is 5 over/);
  });

  it('is private until the author shares it; only the author can share', () => {
    const asset = unwrap(createAsset({ kind: 'prompt', title: 'Summarise a call', content: 'Summarise: ${notes}', goodFor: 'Call notes' }, context));
    expect(asset).toMatchObject({ shared: false, sharedAt: null, content: 'Summarise: ${notes}' });
    expect(expectError(changeAsset(asset, { shared: true }, PEOPLE.maria as UserId, context.now)).kind).toBe('forbidden');
    const shared = unwrap(changeAsset(asset, { shared: true }, dana, '2026-03-07T10:00:00Z'));
    expect(shared).toMatchObject({ shared: true, sharedAt: '2026-03-07T10:00:00.000Z', version: 2 });
    expect(matchesSearch(shared, { tool: 'microsoft 365 copilot', kind: 'prompt', q: 'CALL' })).toBe(true);
    expect(matchesSearch(shared, { kind: 'workflow' })).toBe(false);
  });
});

describe('firstSharedSlot', () => {
  const london = { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const, startTime: '09:00', endTime: '17:00', timeZone: 'Europe/London' };
  const kolkata = { ...london, timeZone: 'Asia/Kolkata' };

  it('finds the first quarter hour both are working and free, across zones', () => {
    // Monday 2 March 2026: London 09:00–17:00 (UTC), Kolkata 09:00–17:00 = 03:30–11:30 UTC → overlap 09:00–11:30 UTC.
    const slot = firstSharedSlot([
      { hours: { ...london, daysOfWeek: [...london.daysOfWeek] }, busy: [{ start: '2026-03-02T09:00:00Z', end: '2026-03-02T10:10:00Z' }] },
      { hours: { ...kolkata, daysOfWeek: [...kolkata.daysOfWeek] }, busy: [{ start: '2026-03-02T10:15:00Z', end: '2026-03-02T10:30:00Z' }] },
    ], '2026-03-02T06:00:00Z');
    expect(slot).toEqual({ start: '2026-03-02T10:30:00.000Z', end: '2026-03-02T10:45:00.000Z' });
  });
});

describe('the round\'s sensitive terms', () => {
  it('can be set by an owner, trimmed and de-duplicated, with a clear limit', () => {
    const round = aRound();
    const edited = unwrap(editRound(round, { sensitiveTerms: [' Fabrikam Bank ', 'Fabrikam Bank', '', 'Project Tern'] }, ownerActor, NOW));
    expect(edited.sensitiveTerms).toEqual(['Fabrikam Bank', 'Project Tern']);
    expect(edited.version).toBe(round.version + 1);
    expect(expectError(editRound(round, { sensitiveTerms: ['x'] }, ownerActor, NOW))).toMatchObject({ kind: 'invalid_input', fieldErrors: { sensitiveTerms: expect.stringMatching(/2 to 80 characters/) } });
    expect(expectError(editRound(round, { sensitiveTerms: ['Fabrikam'] }, strangerActor, NOW)).kind).toBe('forbidden');
  });
});
