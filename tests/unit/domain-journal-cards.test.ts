import { renderAssetCard, renderAssetFormCard, readAssetSubmission } from '../../src/cards/assetSave';
import { readDigestAction, renderDigestCard, messageInputId } from '../../src/cards/checkInDigest';
import { journalInputFromValues, readJournalSubmission, renderJournalCard, type JournalCardData } from '../../src/cards/journal';
import { renderNoteCard, renderNudgeCard } from '../../src/cards/nudge';
import { createAsset, type Asset } from '../../src/domain/asset';
import type { UserId } from '../../src/domain/ids';
import { saveJournalEntry } from '../../src/domain/journal';
import { experimentIdFor } from '../../src/domain/roundIds';
import { PEOPLE, ROUND_ID, unwrap } from '../support/builders';
import { CARD_VERBS, isCardVerb } from '../../src/cards/verbs';
import { cardBytes, cardSchemaErrors, inputsWithoutId, MAX_CARD_BYTES } from '../support/cardSchema';

const dana = PEOPLE.dana as UserId;
// User text that would be dangerous if it were treated as template, Markdown or markup.
const HOSTILE = '${$root.roundId} ${verb} [click me](https://evil.example/?q=1) **bold** <at>Dana</at> ![x](https://evil.example/x.png)';

const entry = unwrap(saveJournalEntry(null, { experimentId: experimentIdFor(ROUND_ID, dana), roundId: ROUND_ID, participantId: dana, weekStart: '2026-03-02' },
  { improved: HOSTILE, hoursPractised: 2 }, { actorId: dana, now: '2026-03-06T16:00:00Z', currentWeekStart: '2026-03-02' }));
const asset = unwrap(createAsset({ kind: 'prompt', title: HOSTILE, content: HOSTILE, goodFor: HOSTILE },
  { id: '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b' as Asset['id'], roundId: ROUND_ID, experimentId: experimentIdFor(ROUND_ID, dana), authorId: dana, tool: 'Copilot [x](y)', now: '2026-03-06T16:00:00Z' }));

const journalData = (overrides: Partial<JournalCardData> = {}): JournalCardData => ({
  roundId: ROUND_ID, weekStart: '2026-03-02', entry: null, editable: true, editNote: '', prefillHours: 2, missedWeek: null,
  pastBlocks: [{ title: 'Tue 3 Mar 09:00', value: '1:0' }],
  assetForm: { roundId: ROUND_ID, submissionId: '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b', tool: 'Copilot' }, ...overrides,
});

type Node = Record<string, unknown>;
function nodes(card: unknown): Node[] {
  const out: Node[] = [];
  (function go(value: unknown) {
    if (Array.isArray(value)) return value.forEach(go);
    if (typeof value !== 'object' || value === null) return;
    out.push(value as Node);
    Object.values(value).forEach(go);
  })(card);
  return out;
}

/** Where the hostile text shows: only as an Input's value or a TextRun's text (no Markdown there). */
function placesOf(card: unknown, text: string): string[] {
  return nodes(card).flatMap((node) => Object.entries(node).filter(([, v]) => typeof v === 'string' && v.includes(text)).map(([k]) => `${String(node.type)}.${k}`));
}

describe('step-4 cards', () => {
  const cards = {
    'the journal card (new)': renderJournalCard(journalData()),
    'the journal card (saved, with a missed week)': renderJournalCard(journalData({ entry, missedWeek: '2026-02-23', editNote: 'Saved.' })),
    'the journal card (read-only)': renderJournalCard(journalData({ entry, editable: false, editNote: 'read-only' })),
    'the journal card (findings)': renderJournalCard(journalData({ values: { improved: 'mail dana@contoso.com' }, sensitiveFindings: [{ field: 'improved', kind: 'email', label: 'e-mail address', excerpt: 'dana…com', start: 5, end: 21 }], sensitiveMessage: 'Before this is saved…' })),
    'the asset form': renderAssetFormCard({ roundId: ROUND_ID, submissionId: 'x', tool: 'Copilot', errors: { url: 'A link must start with http:// or https://' } }),
    'the saved asset': renderAssetCard(asset),
    'the digest': renderDigestCard({ managerName: 'Maya', lines: [{ userId: dana, displayName: 'Dana [x](y)', roundId: ROUND_ID, state: 'approved', journals: 1, hoursKept: 1, hoursPlanned: 2.5, assetsSaved: 0, daysSinceLastEntry: 11, nudgedAt: '2026-03-12T09:00:00.000Z' }] }),
    'the empty digest': renderDigestCard({ managerName: 'Maya', lines: [] }),
    'the nudge': renderNudgeCard({ roundId: ROUND_ID, days: 10 }),
    'a note': renderNoteCard({ fromName: 'Maya', text: HOSTILE, roundId: ROUND_ID }),
  };

  it.each(Object.entries(cards))('%s validates against Adaptive Cards 1.5, fits, and every input has an id', (_name, card) => {
    expect(cardSchemaErrors(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(inputsWithoutId(card)).toEqual([]);
  });

  it('never expands user text as a template, and shows it only where Markdown does not render', () => {
    const saved = cards['the journal card (saved, with a missed week)'];
    expect(placesOf(saved, HOSTILE).sort()).toEqual(['Input.Text.value']);
    expect(placesOf(cards['the journal card (read-only)'], HOSTILE)).toEqual(['TextRun.text']);
    expect(placesOf(cards['the saved asset'], HOSTILE)).toEqual(['TextRun.text', 'TextRun.text', 'TextRun.text']);
    expect(placesOf(cards['a note'], HOSTILE)).toEqual(['TextRun.text']);
    // A participant-named tool and a directory name are shown where Markdown does not render either.
    expect(placesOf(renderAssetFormCard({ roundId: ROUND_ID, submissionId: 'x', tool: 'Tool [x](y)' }), 'Tool [x](y)')).toEqual(['TextRun.text']);
    expect(placesOf(renderNoteCard({ fromName: 'Maya [x](y)', text: 'hi', roundId: ROUND_ID }), 'Maya [x](y)')).toEqual(['TextRun.text']);
    // The digest shows directory names in TextRuns too.
    expect(placesOf(cards['the digest'], 'Dana [x](y)')).toEqual(['TextRun.text']);
  });

  it('keeps the person\'s values and puts each error beside its field', () => {
    const card = renderJournalCard(journalData({ values: { improved: 'x'.repeat(4_100) }, errors: { improved: 'What improved is limited to 4,000 characters; this is 100 over.' } }));
    expect(placesOf(card, 'x'.repeat(4_100))).toEqual(['Input.Text.value']);
    expect(JSON.stringify(card)).toContain('this is 100 over');
  });

  it('reads a journal submit back (hidden data, the multi-select of missed blocks)', () => {
    const submission = readJournalSubmission({ verb: 'saveJournal', roundId: ROUND_ID, weekStart: '2026-03-02', expectedVersion: '0', sensitiveData: 'redact', improved: 'a', hoursPractised: '2.5', missedBlocks: '1', missedBlockRefs: '1:0,1:2' });
    expect(submission).toMatchObject({ expectedVersion: undefined, sensitiveData: 'redact' });
    expect(journalInputFromValues(submission!.values)).toMatchObject({ improved: 'a', hoursPractised: 2.5, missedBlocks: 1, missedBlockRefs: ['1:0', '1:2'] });
    expect(readAssetSubmission({ roundId: ROUND_ID, submissionId: 's', kind: 'prompt', title: 't' })).toMatchObject({ submissionId: 's', values: { kind: 'prompt', title: 't' } });
    expect(readDigestAction({ roundId: ROUND_ID, userId: dana, [messageInputId(ROUND_ID, dana)]: 'Nice work' })).toEqual({ roundId: ROUND_ID, userId: dana, message: 'Nice work' });
  });

  it('sends only verbs the bot routes, and uses each step-4 verb', () => {
    const verbs = nodes(Object.values(cards)).map((node) => (node.data as { verb?: unknown } | undefined)?.verb).filter((v): v is string => typeof v === 'string');
    expect(verbs.filter((verb) => !isCardVerb(verb))).toEqual([]);
    const stepFour = ['openJournal', 'saveJournal', 'saveAsset', 'shareAsset', 'sendEncouragement', 'proposeCheckIn', 'digestExtendWindow'];
    expect(stepFour.filter((verb) => !(CARD_VERBS as readonly string[]).includes(verb))).toEqual([]);
    expect(stepFour.filter((verb) => !verbs.includes(verb))).toEqual([]);
  });
});
