import { closeRound, createRound, currentPolicyVersion, editRound, openRound, publishPolicyVersion, roundWindow, type CreateRoundInput } from '../../src/domain/round';
import { DEFAULT_TOOL_CATALOGUE } from '../../src/domain/toolCatalogue';
import {
  NOW, PEOPLE, POLICY_TEXT, ROUND_ID, TENANT, aRound, aRoundInput, adminActor, expectError, later, ownerActor, strangerActor, unwrap,
} from '../support/builders';

describe('createRound', () => {
  it('creates a draft at version 1 with the defaults filled in', () => {
    const { hoursPerWeek: _hours, ...withoutHours } = aRoundInput();
    const round = unwrap(createRound({ ...withoutHours, shareback: { startsAt: '2025-03-31T14:00:00+01:00', timeZone: 'Europe/London' } }, ownerActor, NOW));
    expect(round).toMatchObject({
      id: ROUND_ID,
      tenantId: TENANT,
      status: 'draft',
      version: 1,
      hoursPerWeek: 2.5,
      shareback: { startsAt: '2025-03-31T13:00:00.000Z', durationMinutes: 90, timeZone: 'Europe/London' },
      createdAt: NOW,
      updatedAt: NOW,
      policy: { versions: [] },
    });
    expect(round.catalogue).toEqual(DEFAULT_TOOL_CATALOGUE);
  });

  it('keeps each person once, in the order first given', () => {
    const round = unwrap(createRound(aRoundInput({
      participantIds: [PEOPLE.dana, PEOPLE.lee, PEOPLE.dana.toUpperCase(), PEOPLE.lee],
      ownerIds: [PEOPLE.omar, PEOPLE.omar],
    }), ownerActor, NOW));
    expect(round.participantIds).toEqual([PEOPLE.dana, PEOPLE.lee]);
    expect(round.ownerIds).toEqual([PEOPLE.omar]);
  });

  it('publishes policy version 1 when the text comes with the round', () => {
    const round = unwrap(createRound(aRoundInput({ policyText: POLICY_TEXT }), ownerActor, NOW));
    expect(round.policy.versions).toEqual([{ version: 1, text: POLICY_TEXT, publishedAt: NOW, publishedBy: PEOPLE.omar }]);
  });

  it('accepts half hours and a shareback on the last day of practice', () => {
    const round = createRound(aRoundInput({ hoursPerWeek: 1.5, shareback: { startsAt: '2025-03-30T16:00:00+01:00', timeZone: 'Europe/London' } }), ownerActor, NOW);
    expect(unwrap(round).hoursPerWeek).toBe(1.5);
  });

  it.each<[string, Partial<CreateRoundInput>, string, string]>([
    ['a name under 3 characters', { name: 'Q1' }, 'name', 'Give the round a name of 3 to 120 characters.'],
    ['a name of blanks', { name: '     ' }, 'name', 'Give the round a name of 3 to 120 characters.'],
    ['a name over 120 characters', { name: 'x'.repeat(121) }, 'name', 'Give the round a name of 3 to 120 characters.'],
    ['a one-week window', { window: { start: '2025-03-10', weeks: 1 } }, 'window.weeks', 'A practice window runs 2 to 4 whole weeks.'],
    ['a five-week window', { window: { start: '2025-03-10', weeks: 5 } }, 'window.weeks', 'A practice window runs 2 to 4 whole weeks.'],
    ['half a week', { window: { start: '2025-03-10', weeks: 2.5 } }, 'window.weeks', 'A practice window runs 2 to 4 whole weeks.'],
    ['a date that does not exist', { window: { start: '2025-02-30', weeks: 3 } }, 'window.start', 'Give the first day of practice as a date (YYYY-MM-DD).'],
    ['half an hour a week', { hoursPerWeek: 0.5 }, 'hoursPerWeek', 'Protected time is 1 to 5 hours a week, in half hours.'],
    ['more than 5 hours', { hoursPerWeek: 5.5 }, 'hoursPerWeek', 'Protected time is 1 to 5 hours a week, in half hours.'],
    ['a quarter hour', { hoursPerWeek: 2.25 }, 'hoursPerWeek', 'Protected time is 1 to 5 hours a week, in half hours.'],
    ['a 20-minute shareback', { shareback: { startsAt: '2025-03-31T14:00:00+01:00', durationMinutes: 20, timeZone: 'Europe/London' } }, 'shareback.durationMinutes', 'A shareback lasts 30 to 240 minutes.'],
    ['a 5-hour shareback', { shareback: { startsAt: '2025-03-31T14:00:00+01:00', durationMinutes: 300, timeZone: 'Europe/London' } }, 'shareback.durationMinutes', 'A shareback lasts 30 to 240 minutes.'],
    ['an unknown time zone', { shareback: { startsAt: '2025-03-31T14:00:00+01:00', timeZone: 'Mars/Olympus_Mons' } }, 'shareback.timeZone', 'Choose the time zone the round runs in, such as Europe/London.'],
    ['a start time with no offset', { shareback: { startsAt: '2025-03-31T14:00:00', timeZone: 'Europe/London' } }, 'shareback.startsAt', 'Give the shareback start as a date and time with its offset, e.g. 2025-03-24T15:00:00Z.'],
    ['a shareback before the last day', { shareback: { startsAt: '2025-03-29T16:00:00Z', timeZone: 'Europe/London' } }, 'shareback.startsAt', 'Set the shareback on or after the last day of practice, Sunday 30 March 2025.'],
    ['a shareback already past', { window: { start: '2025-01-06', weeks: 2 }, shareback: { startsAt: '2025-01-20T15:00:00Z', timeZone: 'Europe/London' } }, 'shareback.startsAt', 'That shareback time has already passed; choose a time in the future.'],
    ['no owner', { ownerIds: [] }, 'ownerIds', 'A round needs at least one owner.'],
    ['an owner who is not a directory id', { ownerIds: [PEOPLE.omar, 'omar@contoso.com'] }, 'ownerIds', "Each owner must be a person from your organisation's directory."],
    ['a participant who is not a directory id', { participantIds: ["' or 1 eq 1"] }, 'participantIds', "Each participant must be a person from your organisation's directory."],
    ['two tools with one id', { catalogue: [DEFAULT_TOOL_CATALOGUE[0]!, DEFAULT_TOOL_CATALOGUE[0]!] }, 'catalogue', 'Each tool in the catalogue needs its own id; two share one.'],
    ['a tool whose terms are not https', { catalogue: [{ ...DEFAULT_TOOL_CATALOGUE[0]!, termsUrl: 'http://example.com/terms' }] }, 'catalogue.0.termsUrl', "Link to the vendor's terms with an https:// address."],
    ['a policy under 20 characters', { policyText: 'Be careful.' }, 'policyText', 'Write the policy in 20 to 20,000 characters.'],
    ['a round id with capitals', { id: 'Round-2025' }, 'id', 'A round id is 8 to 26 lower-case letters, digits or hyphens.'],
  ])('refuses %s, naming the field', (_case, overrides, field, message) => {
    const error = expectError(createRound(aRoundInput(overrides), ownerActor, NOW));
    expect(error.kind).toBe('invalid_input');
    expect(error.kind === 'invalid_input' ? error.fieldErrors : undefined).toEqual({ [field]: message });
    expect(error.message).toBe(message);
  });

  it('counts the fields when several need a change', () => {
    const error = expectError(createRound(aRoundInput({ name: 'Q', hoursPerWeek: 9 }), ownerActor, NOW));
    expect(error.message).toBe('2 answers need a change; each one has a note beside it.');
    expect(error.kind === 'invalid_input' ? Object.keys(error.fieldErrors ?? {}) : []).toEqual(['name', 'hoursPerWeek']);
  });

  it('refuses someone who would not be an owner', () => {
    const error = expectError(createRound(aRoundInput(), strangerActor, NOW));
    expect(error).toEqual({ kind: 'forbidden', message: 'You can create a round only as one of its owners: add yourself as an owner, or ask an app admin.' });
  });

  it('lets an app admin create a round for other owners', () => {
    expect(unwrap(createRound(aRoundInput(), adminActor, NOW)).ownerIds).toEqual([PEOPLE.omar]);
  });
});

describe('editRound', () => {
  const soon = later(NOW, 60);

  it('applies a change, bumps the version and stamps the time', () => {
    const round = aRound({ status: 'draft' });
    const edited = unwrap(editRound(round, { name: 'Spring practice, sales and marketing' }, ownerActor, soon));
    expect(edited).toMatchObject({ name: 'Spring practice, sales and marketing', version: round.version + 1, updatedAt: soon, createdAt: round.createdAt });
  });

  it('changes one field of the shareback and keeps the others', () => {
    const round = aRound();
    const edited = unwrap(editRound(round, { shareback: { durationMinutes: 120 } }, ownerActor, soon));
    expect(edited.shareback).toEqual({ ...round.shareback, durationMinutes: 120 });
  });

  it('returns the same round, unchanged, when nothing differs', () => {
    const round = aRound();
    expect(editRound(round, { name: round.name, hoursPerWeek: round.hoursPerWeek }, ownerActor, soon)).toBe(round);
  });

  it('deduplicates participants on edit', () => {
    const edited = unwrap(editRound(aRound(), { participantIds: [PEOPLE.sam, PEOPLE.sam, PEOPLE.dana] }, ownerActor, soon));
    expect(edited.participantIds).toEqual([PEOPLE.sam, PEOPLE.dana]);
  });

  it('refuses a window that now ends after the shareback', () => {
    const error = expectError(editRound(aRound(), { window: { weeks: 4 } }, ownerActor, soon));
    expect(error.kind === 'invalid_input' ? error.fieldErrors : undefined).toEqual({
      'shareback.startsAt': 'Set the shareback on or after the last day of practice, Sunday 6 April 2025.',
    });
  });

  it('refuses to move the shareback into the past', () => {
    const round = aRound();
    const error = expectError(editRound(round, { shareback: { startsAt: '2025-03-31T10:00:00Z' } }, ownerActor, '2025-04-01T09:00:00Z'));
    expect(error.kind === 'invalid_input' ? error.fieldErrors : undefined).toEqual({ 'shareback.startsAt': 'That shareback time has already passed; choose a time in the future.' });
  });

  it('still allows other edits once the shareback has passed', () => {
    const edited = unwrap(editRound(aRound(), { name: 'Spring round (wrapped up)' }, ownerActor, '2025-04-02T09:00:00Z'));
    expect(edited.name).toBe('Spring round (wrapped up)');
  });

  it('refuses to remove the last owner', () => {
    const error = expectError(editRound(aRound(), { ownerIds: [] }, ownerActor, soon));
    expect(error.kind === 'invalid_input' ? error.fieldErrors : undefined).toEqual({ ownerIds: 'A round needs at least one owner.' });
  });

  it('refuses anyone who is not an owner, and lets an admin edit', () => {
    expect(expectError(editRound(aRound(), { name: 'Taken over' }, strangerActor, soon)).kind).toBe('forbidden');
    expect(unwrap(editRound(aRound(), { name: 'Fixed by an admin' }, adminActor, soon)).name).toBe('Fixed by an admin');
  });

  it('reports a stale form as a conflict', () => {
    const round = aRound();
    const error = expectError(editRound(round, { name: 'Late edit', expectedVersion: round.version - 1 }, ownerActor, soon));
    expect(error.kind).toBe('conflict');
    expect(error.message).toMatch(/changed after you opened it/);
  });

  it('refuses edits to a closed round', () => {
    const error = expectError(editRound(aRound({ status: 'closed' }), { name: 'Too late' }, ownerActor, soon));
    expect(error).toEqual({ kind: 'conflict', message: 'This round is closed, so its settings can no longer change. Start a new round instead.' });
  });
});

describe('publishPolicyVersion', () => {
  const soon = later(NOW, 30);
  const revised = `${POLICY_TEXT} Never paste personal data about colleagues.`;

  it('adds version 2 and leaves version 1 exactly as it was', () => {
    const round = aRound();
    const version1 = round.policy.versions[0]!;
    const snapshot = structuredClone(version1);
    const result = unwrap(publishPolicyVersion(round, revised, ownerActor, soon));
    expect(result.changed).toBe(true);
    expect(result.policyVersion).toEqual({ version: 2, text: revised, publishedAt: soon, publishedBy: PEOPLE.omar });
    expect(result.round.policy.versions[0]).toBe(version1);
    expect(version1).toEqual(snapshot);
    expect(round.policy.versions).toHaveLength(1);
    expect(result.round.version).toBe(round.version + 1);
    expect(currentPolicyVersion(result.round)?.version).toBe(2);
  });

  it('numbers versions one after another', () => {
    let round = aRound();
    for (const text of ['a'.repeat(20), 'b'.repeat(20), 'c'.repeat(20)]) round = unwrap(publishPolicyVersion(round, text, ownerActor, soon)).round;
    expect(round.policy.versions.map((version) => version.version)).toEqual([1, 2, 3, 4]);
  });

  it('treats the same text again as a no-op, not a new version', () => {
    const round = aRound();
    const result = unwrap(publishPolicyVersion(round, `  ${POLICY_TEXT}  `, ownerActor, soon));
    expect(result).toEqual({ round, policyVersion: round.policy.versions[0], changed: false });
    expect(result.round).toBe(round);
  });

  it.each([['too short', 'Be careful.'], ['too long', 'x'.repeat(20_001)]])('refuses a policy that is %s', (_case, text) => {
    const error = expectError(publishPolicyVersion(aRound(), text, ownerActor, soon));
    expect(error).toEqual({ kind: 'invalid_input', message: 'Write the policy in 20 to 20,000 characters.', fieldErrors: { policyText: 'Write the policy in 20 to 20,000 characters.' } });
  });

  it('refuses anyone who is not an owner', () => {
    expect(expectError(publishPolicyVersion(aRound(), revised, strangerActor, soon)).kind).toBe('forbidden');
  });

  it('refuses a closed round', () => {
    expect(expectError(publishPolicyVersion(aRound({ status: 'closed' }), revised, ownerActor, soon)).kind).toBe('conflict');
  });

  it('has no current version before the first is published', () => {
    expect(currentPolicyVersion(unwrap(createRound(aRoundInput(), ownerActor, NOW)))).toBeNull();
  });
});

describe('openRound', () => {
  const soon = later(NOW, 5);

  it('opens a draft and bumps the version', () => {
    const draft = aRound({ status: 'draft' });
    const { round, alreadyOpen } = unwrap(openRound(draft, ownerActor, soon));
    expect(alreadyOpen).toBe(false);
    expect(round).toMatchObject({ status: 'open', version: draft.version + 1, updatedAt: soon });
  });

  it('is harmless the second time: the same round, flagged as already open', () => {
    const open = aRound({ status: 'open' });
    const result = unwrap(openRound(open, ownerActor, soon));
    expect(result).toEqual({ round: open, alreadyOpen: true });
    expect(result.round).toBe(open);
  });

  it.each([
    ['there is no policy yet', { policy: { versions: [] } }, 'Publish a safe-use policy before you open the round: everyone acknowledges it before they practise.'],
    ['nobody is invited', { participantIds: [], managerScopes: [] }, 'Invite people before you open the round: add participants, or a manager whose team takes part.'],
  ])('refuses when %s', (_case, overrides, message) => {
    expect(openRound(aRound({ status: 'draft', ...overrides }), ownerActor, soon)).toEqual({ kind: 'conflict', message });
  });

  it('refuses once the shareback has passed', () => {
    expect(expectError(openRound(aRound({ status: 'draft' }), ownerActor, '2025-04-01T09:00:00Z')).message)
      .toBe('The shareback time has already passed: move it to a future time before you open the round.');
  });

  it('refuses to reopen a closed round', () => {
    expect(expectError(openRound(aRound({ status: 'closed' }), ownerActor, soon)).kind).toBe('conflict');
  });

  it('is for owners and admins only', () => {
    expect(expectError(openRound(aRound({ status: 'draft' }), strangerActor, soon)).kind).toBe('forbidden');
    expect(expectError(openRound(aRound({ status: 'open' }), strangerActor, soon)).kind).toBe('forbidden');
    expect(unwrap(openRound(aRound({ status: 'draft' }), adminActor, soon)).round.status).toBe('open');
  });
});

describe('closeRound', () => {
  it('closes an open round once; the second close is harmless', () => {
    const closed = unwrap(closeRound(aRound(), ownerActor, later(NOW, 1)));
    expect(closed.alreadyClosed).toBe(false);
    expect(closed.round.status).toBe('closed');
    expect(unwrap(closeRound(closed.round, ownerActor, later(NOW, 2)))).toEqual({ round: closed.round, alreadyClosed: true });
  });
});

describe('roundWindow', () => {
  it.each([
    ['Europe/London, across the clocks going forward', '2025-03-17', 3, 'Europe/London',
      { start: '2025-03-17', end: '2025-04-06', startsAt: '2025-03-17T00:00:00.000Z', endsAt: '2025-04-06T23:00:00.000Z' }],
    ['Europe/London, across the clocks going back', '2025-10-20', 2, 'Europe/London',
      { start: '2025-10-20', end: '2025-11-02', startsAt: '2025-10-19T23:00:00.000Z', endsAt: '2025-11-03T00:00:00.000Z' }],
    ['Asia/Kolkata, no DST and a half-hour offset', '2025-03-10', 4, 'Asia/Kolkata',
      { start: '2025-03-10', end: '2025-04-06', startsAt: '2025-03-09T18:30:00.000Z', endsAt: '2025-04-06T18:30:00.000Z' }],
  ])('%s', (_case, start, weeks, timeZone, expected) => {
    const round = aRound({ window: { start, weeks }, shareback: { startsAt: '2030-01-01T10:00:00.000Z', durationMinutes: 90, timeZone } });
    expect(roundWindow(round)).toEqual({ ...expected, timeZone });
  });
});
