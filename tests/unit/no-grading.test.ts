import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAssetCard } from '../../src/cards/assetSave';
import { renderDigestCard } from '../../src/cards/checkInDigest';
import { createAsset, type Asset } from '../../src/domain/asset';
import type { DigestLine } from '../../src/domain/checkIn';
import type { UserId } from '../../src/domain/ids';
import { saveJournalEntry } from '../../src/domain/journal';
import { experimentIdFor } from '../../src/domain/roundIds';
import { PEOPLE, ROUND_ID, unwrap } from '../support/builders';
import { renderPlanAdviceCard } from '../../src/cards/coach';
import { basicPlanAdvice, basicSummaryDraft, chatIntentSchema, libraryAnswerSchema, planAdviceSchema, summaryDraftSchema, toolSuggestionsSchema } from '../../src/domain/coach';
import type { ZodTypeAny } from 'zod';

/** A zod schema's field names as a nested object (arrays and nullables unwrapped), so the key check can read them. */
function zodShape(schema: ZodTypeAny): unknown {
  const def = schema._def as { typeName: string; shape?: () => Record<string, ZodTypeAny>; type?: ZodTypeAny; innerType?: ZodTypeAny; schema?: ZodTypeAny };
  if (def.typeName === 'ZodObject' && def.shape) return Object.fromEntries(Object.entries(def.shape()).map(([key, child]) => [key, zodShape(child)]));
  const inner = def.type ?? def.innerType ?? def.schema;
  return inner ? zodShape(inner) : null;
}

/**
 * Psychological safety is a product rule (docs/decisions/0006-never-rate-the-person.md): nothing rates what a participant produced. This fails
 * if a score-like field appears on a journal entry, an asset, a digest line, in the stored columns or in
 * the digest card. (The rubric's 1–5 scores rate the fit of a tool to a task before practice; they are not here.)
 */
const GRADING = /score|rating|rated|grade|rank|quality|stars|points|percentile|performance|mark(s|ed)?\b/i;

function keysDeep(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keysDeep(item, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [`${path}.${key}`, ...keysDeep(child, `${path}.${key}`)]);
}

const dana = PEOPLE.dana as UserId;
const entry = unwrap(saveJournalEntry(null, { experimentId: experimentIdFor(ROUND_ID, dana), roundId: ROUND_ID, participantId: dana, weekStart: '2026-03-02' },
  { improved: 'a', broke: 'b', surprised: 'c', taught: 'd', hoursPractised: 2, missedBlocks: 1, missedReason: 'e' }, { actorId: dana, now: '2026-03-06T16:00:00Z', currentWeekStart: '2026-03-02' }));
const asset = unwrap(createAsset({ kind: 'prompt', title: 'A prompt', content: 'text', goodFor: 'notes' },
  { id: '6f1c1b2e-5a3d-4f7e-9b8a-0c1d2e3f4a5b' as Asset['id'], roundId: ROUND_ID, experimentId: experimentIdFor(ROUND_ID, dana), authorId: dana, tool: 'Copilot', now: '2026-03-06T16:00:00Z' }));
const line: DigestLine = { userId: dana, displayName: 'Dana', roundId: ROUND_ID, state: 'approved', journals: 2, hoursKept: 3, hoursPlanned: 5, assetsSaved: 1, daysSinceLastEntry: 4, nudgedAt: null };

describe('no grading', () => {
  it.each([
    ['a journal entry', entry],
    ['an asset', asset],
    ['a digest line', line],
  ])('%s has no field that rates the work', (_what, record) => {
    expect(keysDeep(record).filter((key) => GRADING.test(key))).toEqual([]);
  });

  it('the stored columns of journals and assets have none either', () => {
    for (const file of ['journalRepo.ts', 'assetRepo.ts']) {
      const source = readFileSync(join(__dirname, '../../src/adapters/tables', file), 'utf8');
      const schemaKeys = [...source.matchAll(/(\w+): z\./g)].map((m) => m[1]!);
      expect(schemaKeys.length).toBeGreaterThan(5);
      expect(schemaKeys.filter((key) => GRADING.test(key))).toEqual([]);
    }
  });

  it('the digest and asset cards show process figures, never a rating', () => {
    const cards = [renderDigestCard({ managerName: 'Maya', lines: [line] }), renderAssetCard(asset)];
    for (const card of cards) {
      expect(keysDeep(card).filter((key) => GRADING.test(key.split('.').at(-1)!))).toEqual([]);
      const texts = JSON.stringify(card).match(/"(text|title|value)":"[^"]*"/g) ?? [];
      expect(texts.filter((text) => /\b(score|rating|grade|rank(ed|ing)?)\b/i.test(text) && !/nobody is ranked/i.test(text))).toEqual([]);
    }
  });

  it('the coach produces no score of a person or their work: no answer shape, rule output or card has one', () => {
    // Every answer shape (the zod schemas a model's JSON must pass) and what the basic coach's rules produce.
    const shapes = [planAdviceSchema, toolSuggestionsSchema, summaryDraftSchema, libraryAnswerSchema, chatIntentSchema];
    const shapeKeys = shapes.flatMap((schema) => keysDeep(zodShape(schema)));
    expect(shapeKeys.length).toBeGreaterThan(15);
    expect(shapeKeys.filter((key) => GRADING.test(key))).toEqual([]);
    const advice = basicPlanAdvice({ frictionPoint: 'reports', kpi: 'k', minutesToday: 30, scores: { relevance: 1, kpiImpact: 1, learningCurve: 1, interest: 1, riskSupport: 1 }, hoursPerWeek: 1, weeks: 2, supportNamed: false, draft: null });
    const draft = basicSummaryDraft({ tool: 't', task: 't', useCase: 'u', hypothesis: null, assets: [], journals: [{ weekStart: '2026-03-02', improved: 'a', broke: 'b', surprised: 'c', taught: 'd', hoursPractised: 1 }] });
    for (const output of [advice, draft]) expect(keysDeep(output).filter((key) => GRADING.test(key))).toEqual([]);
    const card = renderPlanAdviceCard({ roundId: 'r', expectedVersion: 1, step: 'hypothesis', values: {}, answer: { by: 'basic', note: 'basic', redactions: 0, value: advice } });
    const texts = JSON.stringify(card).match(/"(text|title)":"[^"]*"/g) ?? [];
    expect(texts.filter((text) => /\b(score|rating|grade|rank(ed|ing)?|\d+ (of|out of) (5|10|25|100))\b/i.test(text))).toEqual([]);
    // The prompts tell the model the same, in words.
    for (const feature of ['sharpenPlan', 'suggestTools', 'draftSummary', 'askLibrary', 'chat']) {
      expect(readFileSync(join(__dirname, '../../src/prompts', feature, 'skprompt.txt'), 'utf8')).toContain('never grade');
    }
  });

  it('the check fails when a score field sneaks in', () => {
    expect(keysDeep({ ...entry, qualityScore: 4 }).filter((key) => GRADING.test(key))).toEqual(['.qualityScore']);
  });
});
