import { acknowledge } from '../../src/domain/acknowledgement';
import { DEFAULT_SAFE_USE_POLICY } from '../../src/domain/defaultPolicy';
import { isDomainError } from '../../src/domain/errors';
import { applyCommand, type Experiment } from '../../src/domain/experiment';
import { hypothesisSchema, selectionSchema, type Hypothesis, type Selection } from '../../src/domain/experimentPlan';
import { createRound, ROUND_LIMITS } from '../../src/domain/round';
import { assessFit, type FitAssessment } from '../../src/domain/rubric';
import { DEFAULT_TOOL_CATALOGUE, ROLES, type ToolCatalogueEntry } from '../../src/domain/toolCatalogue';
import { acknowledgeInputOf, ACKNOWLEDGEMENT_INPUT_IDS, readAcknowledgementSubmission, renderAcknowledgementCard, type AcknowledgementCardData } from '../../src/cards/acknowledgement';
import { CARD_BYTE_BUDGET } from '../../src/cards/forms';
import { formatDateTime, formatDay, formatShortDateTime } from '../../src/cards/format';
import { BLOCK_MINUTES, HYPOTHESIS_INPUT_IDS, hypothesisInputFromValues, hypothesisValuesOf, readHypothesisSubmission, renderHypothesisCard, type HypothesisCardData, type HypothesisValues } from '../../src/cards/hypothesis';
import { renderKickoffCard, type KickoffCardData } from '../../src/cards/kickoff';
import { renderPlanStatusCard } from '../../src/cards/planStatus';
import { expandTemplate, type AdaptiveCardJson } from '../../src/cards/render';
import { readReviewRefresh, readReviewSubmission, renderReviewCard, REVIEW_INPUT_IDS, type ReviewCardData } from '../../src/cards/review';
import {
  readRoundSetupSubmission, renderRoundSetupCard, ROUND_SETUP_INPUT_IDS, ROUND_SETUP_POLICY_MAX_CHARACTERS, roundInputFromValues, roundSetupDefaults,
  type RoundSetupCardData, type RoundSetupValues,
} from '../../src/cards/roundSetup';
import { MAX_LISTED_FAILURES, renderRoundSummaryCard, type RoundSummaryCardData } from '../../src/cards/roundSummary';
import { readSelectionSubmission, renderSelectionCard, SELECTION_INPUT_IDS, selectionInputFromValues, selectionValuesOf, type SelectionCardData, type SelectionValues } from '../../src/cards/selection';
import { CARD_VERBS, isCardVerb } from '../../src/cards/verbs';
import { anExperiment, aRound, aRoundInput, asReviewer, NOW, ownerActor, PEOPLE, ROUND_ID, TENANT, unwrap } from '../support/builders';
import { cardBytes, cardSchemaErrors, inputsWithoutId, MAX_CARD_BYTES } from '../support/cardSchema';
import { renderTimeMovedCard } from '../../src/cards/timeMoved';
import { renderJournalCard } from '../../src/cards/journal';
import { renderAssetCard } from '../../src/cards/assetSave';
import { renderDigestCard } from '../../src/cards/checkInDigest';
import { renderNudgeCard } from '../../src/cards/nudge';
import { renderSummaryReviewCard } from '../../src/cards/summaryReview';
import { renderUndecidedCard } from '../../src/cards/undecided';
import { renderFollowUpNeedsTimeCard } from '../../src/cards/followUpNeedsTime';
import { draftSummary } from '../../src/domain/summary';
import { renderPlanAdviceCard, renderSummaryDraftCard } from '../../src/cards/coach';

// ---------------------------------------------------------------------------------------------------
// Helpers: walk a rendered card.

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(node: unknown, visit: (node: Node, siblings: readonly unknown[] | null, index: number) => void): void {
  (function go(current: unknown, siblings: readonly unknown[] | null, index: number) {
    if (Array.isArray(current)) return current.forEach((child, i) => go(child, current, i));
    if (!isNode(current)) return;
    visit(current, siblings, index);
    for (const value of Object.values(current)) go(value, null, -1);
  })(node, null, -1);
}

function inputs(card: unknown): Map<string, Node> {
  const found = new Map<string, Node>();
  walk(card, (node) => {
    if (typeof node.type === 'string' && node.type.startsWith('Input.') && typeof node.id === 'string') {
      if (found.has(node.id)) throw new Error(`two inputs share the id ${node.id}`);
      found.set(node.id, node);
    }
  });
  return found;
}

function inputIds(card: unknown): string[] {
  return [...inputs(card).keys()].sort();
}

function input(card: unknown, id: string): Node {
  const found = inputs(card).get(id);
  if (found === undefined) throw new Error(`no input ${id}`);
  return found;
}

/** The attention-coloured TextBlock right after the input, in the same container: "the error beside the field". */
function errorBeside(card: unknown, id: string): string | null {
  let message: string | null = null;
  walk(card, (node, siblings, index) => {
    if (node.id !== id || siblings === null) return;
    const next = siblings[index + 1];
    if (isNode(next) && next.type === 'TextBlock' && String(next.color).toLowerCase() === 'attention') message = String(next.text);
  });
  return message;
}

function allStrings(card: unknown): string[] {
  const out: string[] = [];
  (function go(node: unknown) {
    if (typeof node === 'string') out.push(node);
    else if (Array.isArray(node)) node.forEach(go);
    else if (isNode(node)) Object.values(node).forEach(go);
  })(card);
  return out;
}

function textOf(card: unknown): string {
  return allStrings(card).join('\n');
}

function actions(card: AdaptiveCardJson): Node[] {
  const list = card.actions;
  return Array.isArray(list) ? list.filter(isNode) : [];
}

/** Every verb a card can send: Action.Submit `data.verb`, Action.Execute `verb` (buttons and refresh). */
function verbsIn(card: unknown): string[] {
  const verbs: string[] = [];
  walk(card, (node) => {
    if (node.type === 'Action.Execute' && typeof node.verb === 'string') verbs.push(node.verb);
    if (node.type === 'Action.Submit' && isNode(node.data) && typeof node.data.verb === 'string') verbs.push(node.data.verb);
  });
  return verbs;
}

function expectValidCard(card: AdaptiveCardJson): void {
  expect(cardSchemaErrors(card)).toEqual([]);
  expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
  expect(inputsWithoutId(card)).toEqual([]);
}

/** For cards rendered from ordinary data: nothing was left unbound (templating keeps an unknown `${path}` as text). */
function expectFullyBound(card: AdaptiveCardJson): void {
  expect(JSON.stringify(card)).not.toContain('${');
}

function fieldErrorsOf(value: unknown): Record<string, string> {
  if (!isDomainError(value) || value.kind !== 'invalid_input' || value.fieldErrors === undefined) {
    throw new Error(`expected field errors, got ${JSON.stringify(value)}`);
  }
  return { ...value.fieldErrors };
}

// ---------------------------------------------------------------------------------------------------
// Data: realistic (builders) and worst case (every limit at once).

/** Everything that has bitten a template, a key or a query somewhere: it must come out exactly as typed. */
const NASTY = 'a/b\\c#d?e "double" \'single\' 🚀👩🏽‍💻 ${roundId} ${1+1} ${n} \' or 1 eq 1 -- {{DATE(2025-01-01T00:00:00Z, SHORT)}} $data *bold* [x](y)';

/** `n` characters (as a person counts them) of mixed text with multi-byte characters, markdown and template syntax. */
function longText(n: number, seed = 'Ünïcødé 🚀 ${x} / \\ # ? "q" \' ✓ — '): string {
  const chars = [...seed];
  return Array.from({ length: n }, (_, i) => chars[i % chars.length]).join('').replace(/^\s+|\s+$/g, 'x');
}

/** The most bytes per character (as the domain counts them) JSON can take for text a person types: a 4-byte emoji each. */
function emojiText(n: number): string {
  return '🚀'.repeat(n);
}

/**
 * The most bytes a card input's `maxLength` lets through: hosts count UTF-16 units, and a BMP character
 * such as 政 is 3 bytes of UTF-8 for one unit (an emoji is 4 bytes for two).
 */
function cjkText(n: number): string {
  return '政'.repeat(n);
}

/** Template, query and markdown syntax in the 80 characters a tool name may have. */
const NASTY_NAME = 'a/b\\c#d?e "q" \'s\' 🚀 ${n} ${1+1} \' or 1 eq 1 {{x}} $data';

const submitted: Experiment = anExperiment({ state: 'submitted' });
const SELECTION: Selection = (() => {
  if (submitted.selection === null) throw new Error('builder lost the selection');
  return submitted.selection;
})();
const HYPOTHESIS: Hypothesis = (() => {
  if (submitted.hypothesis === null) throw new Error('builder lost the hypothesis');
  return submitted.hypothesis;
})();
const ROUND = aRound();
const ASSESSMENT = assessFit({ scores: SELECTION.scores, hoursPerWeek: ROUND.hoursPerWeek, weeks: ROUND.window.weeks, supportNamed: true });
/** All five warnings: every score 1, one hour a week, nobody to ask. */
const ALL_WARNINGS: FitAssessment = assessFit({
  scores: { relevance: 1, kpiImpact: 1, learningCurve: 1, interest: 1, riskSupport: 1 }, hoursPerWeek: 1, weeks: 4, supportNamed: false,
});

function worstCatalogue(count = 20): ToolCatalogueEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `tool-${String(i).padStart(2, '0')}-${'x'.repeat(32)}`,
    name: longText(80, `Tool ${i} 🚀 `),
    vendor: longText(80, `Vendor ${i} ✓ `),
    termsUrl: `https://vendor-${i}.example.com/${'legal/terms/'.repeat(200)}`.slice(0, 2000),
    roles: [...ROLES],
    goodFor: longText(200),
  }));
}

function errorsFor(ids: readonly string[], length = 200): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, `${id}: ${longText(length - id.length - 2)}`]));
}

function everyValueKept(card: AdaptiveCardJson, values: Readonly<Record<string, string | undefined>>): void {
  for (const [id, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const shown = input(card, id).value;
    if (input(card, id).type === 'Input.Number') expect({ id, shown }).toEqual({ id, shown: Number(value) });
    else expect({ id, shown }).toEqual({ id, shown: value });
  }
}

// ---------------------------------------------------------------------------------------------------

describe('templating', () => {
  it('inserts user text verbatim: adaptivecards-templating never evaluates ${…} inside data', () => {
    const card = expandTemplate({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Hi ${name}', wrap: true }, { type: 'TextBlock', text: '${name}' }] }, { name: NASTY, n: 7, roundId: 'r' });
    expect(allStrings(card)).toEqual(expect.arrayContaining([`Hi ${NASTY}`, NASTY]));
  });
});

describe('CARD_VERBS', () => {
  it('has no duplicates and lists every verb any card sends', () => {
    expect(new Set(CARD_VERBS).size).toBe(CARD_VERBS.length);
    const cards = [
      renderKickoffCard(kickoffData()), renderAcknowledgementCard(acknowledgementData()), renderSelectionCard(selectionData()),
      renderHypothesisCard(hypothesisData()), renderReviewCard(reviewData()), renderPlanStatusCard({ kind: 'changes_requested', reviewerName: 'Maria', comment: 'More detail', roundId: ROUND_ID }),
      renderRoundSetupCard(roundSetupData()), renderRoundSummaryCard(summaryData()),
      renderRoundSummaryCard(summaryData({ status: 'open', delivery: { queued: 0, sent: 1, failed: 1, uncertain: 1, failures: [] } })),
      renderTimeMovedCard({ roundId: ROUND_ID, moves: [{ from: 'a', to: 'b', week: 1, index: 2, fromStart: '2026-12-08T10:00:00.000Z', fromEnd: '2026-12-08T11:00:00.000Z' }], unplaced: [] }),
      // Step 4: the journal (with the missed-week offer and the inline asset form), a saved asset, the digest, the nudge.
      renderJournalCard({ roundId: ROUND_ID, weekStart: '2026-03-02', entry: null, editable: true, editNote: '', prefillHours: 1, missedWeek: '2026-02-23', pastBlocks: [], assetForm: { roundId: ROUND_ID, submissionId: 's', tool: 'Copilot' } }),
      renderAssetCard({ id: 'a' as never, roundId: ROUND_ID, experimentId: 'e' as never, authorId: PEOPLE.dana, kind: 'prompt', title: 't', content: 'c', url: null, tool: 'Copilot', goodFor: 'g', shared: false, sharedAt: null, createdAt: NOW, updatedAt: NOW, version: 1 }),
      renderDigestCard({ managerName: 'Maria', lines: [{ userId: PEOPLE.dana, displayName: 'Dana', roundId: ROUND_ID, state: 'approved', journals: 1, hoursKept: 1, hoursPlanned: 2, assetsSaved: 0, daysSinceLastEntry: 3, nudgedAt: null }] }),
      renderNudgeCard({ roundId: ROUND_ID, days: 10 }),
      // Steps 5–6: the summary review, the one-click decision after the meeting, "pick a time" for a follow-up.
      renderSummaryReviewCard({ roundId: ROUND_ID, roundName: 'R', meetingDay: 'Thursday', ready: false, summary: draftSummary({ tool: 't', task: 't', useCase: 'u', hypothesis: null, journals: [], assets: [] }) }),
      renderUndecidedCard({ roundId: ROUND_ID, roundName: 'R', participantId: PEOPLE.dana, participantName: 'Dana', tool: 't', expectedVersion: 1, summary: '', refreshUserIds: [PEOPLE.omar], suggestedDueDate: '2026-03-02' }),
      renderFollowUpNeedsTimeCard({ roundId: ROUND_ID, participantId: PEOPLE.dana, participantName: 'Dana', timeZone: 'Europe/London', reason: 'r', suggestedDate: '2026-03-02', dashboardUrl: '' }),
    ];
    // The practice coach: its buttons on the step cards and the summary review, and its own cards.
    const coachAnswer = { by: 'basic' as const, note: 'This is the basic coach.', redactions: 0 };
    cards.push(
      renderSelectionCard({ ...selectionData(), coach: true }), renderHypothesisCard({ ...hypothesisData(), coach: true }),
      renderSummaryReviewCard({ roundId: ROUND_ID, roundName: 'R', meetingDay: 'Thursday', ready: false, coach: true, summary: draftSummary({ tool: 't', task: 't', useCase: 'u', hypothesis: null, journals: [], assets: [] }) }),
      renderPlanAdviceCard({ roundId: ROUND_ID, expectedVersion: 1, step: 'hypothesis', values: {}, answer: { ...coachAnswer, value: { vague: [], suggestedMeasure: 'm', baseline: null, target: null, howYouWillKnow: 'h', riskyAnswers: [] } } }),
      renderSummaryDraftCard({ roundId: ROUND_ID, answer: { ...coachAnswer, value: { worked: 'w', failed: '', keepTesting: '', reuse: '', weeksCited: [] } } }),
    );
    const used = cards.flatMap(verbsIn);
    expect(used.filter((verb) => !isCardVerb(verb))).toEqual([]);
    expect(new Set(used)).toEqual(new Set(CARD_VERBS.filter((verb) => verb !== 'showHelp')));
  });
});

// ---------------------------------------------------------------------------------------------------
// 1. Kickoff

function kickoffData(overrides: Partial<KickoffCardData> = {}): KickoffCardData {
  return {
    roundId: ROUND.id,
    roundName: ROUND.name,
    firstName: 'Dana',
    windowStart: formatDay(ROUND.window.start),
    windowEnd: formatDay('2025-03-30'),
    weeks: ROUND.window.weeks,
    hoursPerWeek: ROUND.hoursPerWeek,
    shareback: formatDateTime(ROUND.shareback.startsAt, 'Asia/Kolkata'),
    ...overrides,
  };
}

describe('renderKickoffCard', () => {
  const card = renderKickoffCard(kickoffData());

  it('is a valid 1.5 card under 28 KB with ids on every input, every binding filled', () => {
    expectValidCard(card);
    expectFullyBound(card);
  });

  it('greets by first name and gives the dates, the protected time and the shareback in the person’s zone', () => {
    const text = textOf(card);
    expect(text).toContain('Hi Dana');
    expect(text).toContain('Monday 10 March 2025 to Sunday 30 March 2025 (3 weeks)');
    expect(text).toContain('2.5 hours a week');
    expect(text).toContain('Monday 31 March 2025 at 18:30 (India time)');
    expect(text).toMatch(/not graded|never graded|is graded/);
  });

  it('says the round is about to start before its window, and that it has started once it has', () => {
    expect(textOf(card)).toContain('Hi Dana, your practice round is about to start');
    const late = textOf(renderKickoffCard(kickoffData({ started: true })));
    expect(late).toContain('Hi Dana, your practice round has started: there is still time to join');
    expect(late).not.toContain('about to start');
  });

  it('says "in case you missed it" when an owner resends it', () => {
    expect(textOf(renderKickoffCard(kickoffData({ resent: true })))).toContain('Hi Dana, in case you missed it: your practice round');
  });

  it('lists what is asked at each step of the loop: pick, plan, agree, practise, journal, share', () => {
    const text = textOf(card);
    for (const step of ['Choose a tool', 'Set the outcome', 'manager’s OK', 'Practise', 'a few lines a week', 'Share back']) expect(text).toContain(step);
  });

  it('has one Start button that submits startExperiment with the round id', () => {
    expect(actions(card)).toEqual([expect.objectContaining({ type: 'Action.Submit', title: 'Start', data: { verb: 'startExperiment', roundId: ROUND.id } })]);
  });

  it('keeps names and round names with quotes, emoji and template syntax as they are', () => {
    const nasty = renderKickoffCard(kickoffData({ firstName: NASTY, roundName: NASTY }));
    expectValidCard(nasty);
    expect(allStrings(nasty)).toContain(NASTY);
    expect(allStrings(nasty)).toContain(`Hi ${NASTY}, your practice round is about to start`);
  });
});

// ---------------------------------------------------------------------------------------------------
// 2. Acknowledgement

function acknowledgementData(overrides: Partial<AcknowledgementCardData> = {}): AcknowledgementCardData {
  const policy = ROUND.policy.versions.at(-1);
  if (policy === undefined) throw new Error('round without a policy');
  return {
    roundId: ROUND.id,
    roundName: ROUND.name,
    policy: { version: policy.version, text: DEFAULT_SAFE_USE_POLICY, publishedOn: formatDay(policy.publishedAt.slice(0, 10)) },
    fullPolicyUrl: 'https://teams.microsoft.com/l/entity/app/dashboard?context=%7B%22subEntityId%22%3A%22policy%22%7D',
    catalogue: ROUND.catalogue,
    ...overrides,
  };
}

describe('renderAcknowledgementCard', () => {
  const card = renderAcknowledgementCard(acknowledgementData());

  it('is a valid 1.5 card under 28 KB with ids on every input, every binding filled', () => {
    expectValidCard(card);
    expectFullyBound(card);
  });

  it('uses the documented input ids', () => {
    expect(inputIds(card)).toEqual([...ACKNOWLEDGEMENT_INPUT_IDS].sort());
  });

  it('shows the policy version, its date and every line of the text', () => {
    const text = textOf(card);
    expect(text).toContain('Safe-use policy, version 1');
    expect(text).toContain('Published Saturday 1 March 2025');
    for (const line of DEFAULT_SAFE_USE_POLICY.split('\n').filter((l) => l.trim() !== '')) expect(allStrings(card)).toContain(line);
  });

  it('offers every role and every catalogue tool (name and vendor) plus Other, each with a terms link', () => {
    expect((input(card, 'role').choices as Node[]).map((c) => c.value)).toEqual([...ROLES]);
    const tools = (input(card, 'toolId').choices as Node[]).map((c) => c.value);
    expect(tools).toEqual([...ROUND.catalogue.map((t) => t.id), 'other']);
    expect((input(card, 'toolId').choices as Node[])[0]?.title).toBe('Microsoft 365 Copilot (Microsoft)');
    for (const tool of ROUND.catalogue) expect(textOf(card)).toContain(`[read the terms](${tool.termsUrl})`);
  });

  it('submits acknowledgePolicy with the round id and the policy version it showed', () => {
    expect(actions(card)).toEqual([expect.objectContaining({ type: 'Action.Submit', data: { verb: 'acknowledgePolicy', roundId: ROUND.id, policyVersion: 1 } })]);
  });

  it('puts each of the domain’s errors beside its input and keeps the values', () => {
    const values = { role: 'sales', toolId: 'other', otherToolName: '', otherToolTermsUrl: 'http://not-https.example', policyAccepted: 'false', toolTermsAccepted: 'false' };
    const submission = readAcknowledgementSubmission({ verb: 'acknowledgePolicy', roundId: ROUND.id, policyVersion: '1', ...values });
    expect(submission).not.toBeNull();
    if (submission === null) return;
    const { input: ackInput } = acknowledgeInputOf(submission, PEOPLE.dana);
    const errors = fieldErrorsOf(acknowledge(ROUND, ackInput, NOW));
    expect(Object.keys(errors).sort()).toEqual(['otherToolName', 'policyAccepted', 'toolTermsAccepted']);
    const again = renderAcknowledgementCard(acknowledgementData({ values: submission.values, errors }));
    expectValidCard(again);
    for (const [id, message] of Object.entries(errors)) expect(errorBeside(again, id)).toBe(message);
    everyValueKept(again, values);
  });

  it('maps a good submission to an acknowledgement the domain accepts', () => {
    const submission = readAcknowledgementSubmission({ roundId: ROUND.id, policyVersion: 1, role: 'sales', toolId: 'gong', policyAccepted: 'true', toolTermsAccepted: 'true' });
    if (submission === null) throw new Error('not read');
    const { input: ackInput, role, roleError } = acknowledgeInputOf(submission, PEOPLE.dana);
    expect({ role, roleError }).toEqual({ role: 'sales', roleError: null });
    expect(unwrap(acknowledge(ROUND, ackInput, NOW))).toMatchObject({ toolId: 'gong', policyVersion: 1 });
  });

  it('reports a missing role under `role`', () => {
    const submission = readAcknowledgementSubmission({ roundId: ROUND.id, policyVersion: 1 });
    if (submission === null) throw new Error('not read');
    expect(acknowledgeInputOf(submission, PEOPLE.dana).roleError).toMatch(/Choose your role/);
  });

  it('explains why a person sees it again after a new policy version', () => {
    expect(textOf(renderAcknowledgementCard(acknowledgementData({ previousVersion: 1, policy: { version: 2, text: DEFAULT_SAFE_USE_POLICY, publishedOn: '4 March 2025' } }))))
      .toContain('since you confirmed version 1. Please read version 2');
  });

  it('with 20 worst-case tools, every field error and long values, stays under 28 KB and keeps the chosen tool’s terms link', () => {
    const catalogue = worstCatalogue();
    const chosen = catalogue[7];
    if (chosen === undefined) throw new Error('catalogue too short');
    const values = { role: 'engineering', toolId: chosen.id, otherToolName: longText(80), otherToolTermsUrl: `https://x.example/${'a'.repeat(1980)}`, policyAccepted: 'true', toolTermsAccepted: 'false' };
    const worst = renderAcknowledgementCard(acknowledgementData({ catalogue, values, errors: errorsFor(ACKNOWLEDGEMENT_INPUT_IDS), formError: longText(300) }));
    expectValidCard(worst);
    expect((input(worst, 'toolId').choices as Node[])).toHaveLength(21);
    expect(textOf(worst)).toContain(chosen.termsUrl);
    everyValueKept(worst, values);
    for (const id of ACKNOWLEDGEMENT_INPUT_IDS) expect(errorBeside(worst, id)).toMatch(new RegExp(`^${id}: `));
  });

  it('cuts a policy that cannot fit at a line or word, says so, and links to the full text', () => {
    const policy = [...Array.from({ length: 400 }, (_, i) => `- Rule ${i}: ${longText(45)}`).join('\n')].slice(0, ROUND_LIMITS.policyCharacters.max).join('');
    expect([...policy]).toHaveLength(ROUND_LIMITS.policyCharacters.max);
    const cut = renderAcknowledgementCard(acknowledgementData({ policy: { version: 3, text: policy, publishedOn: '5 March 2025' }, catalogue: worstCatalogue() }));
    expectValidCard(cut);
    expect(textOf(cut)).toContain('[read the rest](https://teams.microsoft.com/l/entity/app/dashboard?context=%7B%22subEntityId%22%3A%22policy%22%7D)');
    expect(allStrings(cut)).toContain(policy.split('\n')[0]);
    const emojiPolicy = renderAcknowledgementCard(acknowledgementData({ policy: { version: 3, text: emojiText(20_000), publishedOn: '5 March 2025' }, fullPolicyUrl: '' }));
    expectValidCard(emojiPolicy);
    expect(textOf(emojiPolicy)).toContain('open the Practice Loop dashboard and read the rest');
  });

  it('keeps a tool named with quotes, emoji and template syntax as it is', () => {
    const values = { otherToolName: NASTY_NAME, otherToolTermsUrl: NASTY };
    const nasty = renderAcknowledgementCard(acknowledgementData({ values, roundName: NASTY }));
    expectValidCard(nasty);
    everyValueKept(nasty, values);
    expect(allStrings(nasty)).toContain(NASTY);
  });
});

// ---------------------------------------------------------------------------------------------------
// 3. Selection

function selectionData(overrides: Partial<SelectionCardData> = {}): SelectionCardData {
  return { roundId: ROUND.id, expectedVersion: submitted.version, catalogue: ROUND.catalogue, values: selectionValuesOf(SELECTION), ...overrides };
}

describe('renderSelectionCard', () => {
  const card = renderSelectionCard(selectionData({ assessment: ASSESSMENT }));

  it('is a valid 1.5 card under 28 KB with ids on every input, every binding filled', () => {
    expectValidCard(card);
    expectFullyBound(card);
  });

  it('uses the domain’s field paths as input ids', () => {
    expect(inputIds(card)).toEqual([...SELECTION_INPUT_IDS].sort());
  });

  it('turns an empty submission into errors whose keys are all input ids, each shown beside its input', () => {
    const errors = fieldErrorsOf(selectionInputFromValues({}, ROUND.catalogue));
    expect(Object.keys(errors).filter((key) => !(SELECTION_INPUT_IDS as readonly string[]).includes(key))).toEqual([]);
    expect(Object.keys(errors)).toEqual(expect.arrayContaining(['frictionPoint.description', 'frictionPoint.frequency', 'frictionPoint.minutesToday', 'role', 'toolId', 'kpi', 'scores.relevance', 'scores.riskSupport']));
    const again = renderSelectionCard(selectionData({ values: {}, errors }));
    expectValidCard(again);
    for (const [id, message] of Object.entries(errors)) expect({ id, beside: errorBeside(again, id) }).toEqual({ id, beside: message });
  });

  it('round-trips a saved selection: values → card → submission → the same selection', () => {
    const values = selectionValuesOf(SELECTION);
    everyValueKept(card, values);
    const submission = readSelectionSubmission({ verb: 'saveSelection', roundId: ROUND.id, expectedVersion: String(submitted.version), ...values });
    expect(submission).toEqual({ roundId: ROUND.id, expectedVersion: submitted.version, values });
    const back = unwrap(selectionInputFromValues(values, ROUND.catalogue));
    expect(selectionSchema.parse(back)).toEqual(SELECTION);
  });

  it('offers the tools for the chosen role plus Other, and keeps a chosen tool from another role', () => {
    const forSales = (input(card, 'toolId').choices as Node[]).map((c) => c.value);
    expect(forSales).toContain('gong');
    expect(forSales).not.toContain('github-copilot');
    expect(forSales.at(-1)).toBe('other');
    const kept = renderSelectionCard(selectionData({ values: { ...selectionValuesOf(SELECTION), toolId: 'github-copilot' } }));
    expect((input(kept, 'toolId').choices as Node[]).map((c) => c.value)).toContain('github-copilot');
    expect(input(kept, 'toolId').value).toBe('github-copilot');
  });

  it('scores each question 1–5 in a compact choice set with the question and what 1 and 5 mean', () => {
    const relevance = input(card, 'scores.relevance');
    expect(relevance).toMatchObject({ type: 'Input.ChoiceSet', style: 'compact', value: '5' });
    expect((relevance.choices as Node[]).map((c) => c.value)).toEqual(['1', '2', '3', '4', '5']);
    expect(textOf(card)).toContain('Relevance: Does this tackle a real problem you run into often?');
    expect(textOf(card)).toContain('1 = It rarely comes up in my work. · 5 = A problem I hit every day.');
  });

  it('shows the fit at the top, and each warning in the attention colour', () => {
    const warned = renderSelectionCard(selectionData({ assessment: ALL_WARNINGS }));
    expectValidCard(warned);
    expect(ALL_WARNINGS.warnings).toHaveLength(5);
    const warnings: string[] = [];
    walk(warned, (node) => { if (node.type === 'TextBlock' && node.color === 'Attention' && typeof node.text === 'string' && node.text.startsWith('⚠')) warnings.push(node.text); });
    expect(warnings).toEqual(ALL_WARNINGS.warnings.map((w) => `⚠ ${w.message}`));
    expect(textOf(warned)).toContain(`Worth another look · ${ALL_WARNINGS.total} of 25`);
    expect(textOf(warned)).toContain(ALL_WARNINGS.summary);
    expect(textOf(renderSelectionCard(selectionData()))).not.toContain('of 25');
  });

  it('has "Check my fit" (saveSelection) and "Next: my hypothesis" (continueToPlan) with the round and version', () => {
    expect(actions(card).map((a) => [a.title, a.data])).toEqual([
      ['Check my fit', { verb: 'saveSelection', roundId: ROUND.id, expectedVersion: submitted.version }],
      ['Next: my hypothesis', { verb: 'continueToPlan', roundId: ROUND.id, expectedVersion: submitted.version }],
    ]);
  });

  it('reports an unknown tool and a missing other-tool name under toolId and otherToolName', () => {
    expect(Object.keys(fieldErrorsOf(selectionInputFromValues({ ...selectionValuesOf(SELECTION), toolId: 'no-such-tool' }, ROUND.catalogue)))).toEqual(['toolId']);
    expect(Object.keys(fieldErrorsOf(selectionInputFromValues({ ...selectionValuesOf(SELECTION), toolId: 'other', otherToolName: ' ' }, ROUND.catalogue)))).toEqual(['otherToolName']);
    const other = unwrap(selectionInputFromValues({ ...selectionValuesOf(SELECTION), toolId: 'other', otherToolName: NASTY_NAME, otherToolTermsUrl: 'https://example.com/terms?x=1#y' }, ROUND.catalogue));
    expect(other.tool).toEqual({ kind: 'other', name: NASTY_NAME, termsUrl: 'https://example.com/terms?x=1#y' });
  });

  it('shows a tool error the schema reports under tool.* beside toolId', () => {
    const again = renderSelectionCard(selectionData({ errors: { 'tool.entry.id': 'That tool is gone.' } }));
    expect(errorBeside(again, 'toolId')).toBe('That tool is gone.');
  });

  it('worst case: max-length texts, 20 tools, all warnings and all field errors stay under 28 KB with values kept', () => {
    const catalogue = worstCatalogue();
    const values: SelectionValues = {
      'frictionPoint.description': longText(500), 'frictionPoint.frequency': 'daily', 'frictionPoint.minutesToday': '2400',
      role: 'engineering', toolId: 'other', otherToolName: longText(80), otherToolTermsUrl: `https://x.example/${'a'.repeat(1980)}`, kpi: longText(200),
      'scores.relevance': '1', 'scores.kpiImpact': '1', 'scores.learningCurve': '1', 'scores.interest': '1', 'scores.riskSupport': '1', supportNamed: longText(200),
    };
    for (const text of [longText, emojiText]) {
      const big: SelectionValues = { ...values, 'frictionPoint.description': text(500), kpi: text(200), supportNamed: text(200), otherToolName: text(80) };
      const worst = renderSelectionCard(selectionData({ catalogue, values: big, assessment: ALL_WARNINGS, errors: errorsFor(SELECTION_INPUT_IDS), formError: text(300) }));
      expectValidCard(worst);
      everyValueKept(worst, big);
      for (const id of SELECTION_INPUT_IDS) expect(errorBeside(worst, id)).toMatch(new RegExp(`^${id.replace('.', '\\.')}: `));
    }
  });

  it('keeps quotes, emoji, slashes and template or OData syntax in every text field unchanged', () => {
    const values: SelectionValues = { ...selectionValuesOf(SELECTION), 'frictionPoint.description': NASTY, kpi: NASTY, supportNamed: NASTY, otherToolName: NASTY_NAME, toolId: 'other' };
    const nasty = renderSelectionCard(selectionData({ values, formError: NASTY }));
    expectValidCard(nasty);
    everyValueKept(nasty, values);
    const parsed = unwrap(selectionInputFromValues(values, ROUND.catalogue));
    expect(parsed.frictionPoint.description).toBe(NASTY);
    expect(parsed.kpi).toBe(NASTY);
    expect(parsed.supportNamed).toBe(NASTY);
    expect(parsed.tool).toEqual({ kind: 'other', name: NASTY_NAME, termsUrl: null });
  });
});

// ---------------------------------------------------------------------------------------------------
// 4. Hypothesis

function hypothesisData(overrides: Partial<HypothesisCardData> = {}): HypothesisCardData {
  return { roundId: ROUND.id, expectedVersion: submitted.version, assessment: ASSESSMENT, values: hypothesisValuesOf(HYPOTHESIS), ...overrides };
}

describe('renderHypothesisCard', () => {
  const card = renderHypothesisCard(hypothesisData());

  it('is a valid 1.5 card under 28 KB with ids on every input, every binding filled', () => {
    expectValidCard(card);
    expectFullyBound(card);
  });

  it('uses the domain’s field paths as input ids', () => {
    expect(inputIds(card)).toEqual([...HYPOTHESIS_INPUT_IDS].sort());
  });

  it('shows the fit from step 1 at the top, with its warnings', () => {
    expect(textOf(card)).toContain(`From step 1: Strong fit (${ASSESSMENT.total} of 25)`);
    const warned = renderHypothesisCard(hypothesisData({ assessment: ALL_WARNINGS }));
    for (const warning of ALL_WARNINGS.warnings) expect(allStrings(warned)).toContain(`⚠ ${warning.message}`);
    expect(textOf(renderHypothesisCard(hypothesisData({ assessment: null })))).not.toContain('From step 1');
  });

  it('round-trips a saved hypothesis', () => {
    const values = hypothesisValuesOf(HYPOTHESIS);
    everyValueKept(card, values);
    const submission = readHypothesisSubmission({ verb: 'submitPlan', roundId: ROUND.id, expectedVersion: submitted.version, ...values, 'baseline.value': 90 });
    expect(submission?.values['baseline.value']).toBe('90');
    expect(unwrap(hypothesisInputFromValues(values))).toEqual(HYPOTHESIS);
  });

  it('offers units from the suggested list (plus a saved custom one) and block lengths 30–120 in steps of 15', () => {
    expect((input(card, 'baseline.unit').choices as Node[]).map((c) => c.value)).toEqual(['minutes', 'hours', 'count', 'percent', 'score']);
    const custom = renderHypothesisCard(hypothesisData({ values: { ...hypothesisValuesOf(HYPOTHESIS), 'baseline.unit': 'proposals', 'target.unit': 'proposals' } }));
    expect((input(custom, 'target.unit').choices as Node[]).map((c) => c.value)).toContain('proposals');
    expect(input(custom, 'target.unit').value).toBe('proposals');
    expect((input(card, 'blockMinutes').choices as Node[]).map((c) => c.value)).toEqual(BLOCK_MINUTES.map(String));
    for (const minutes of BLOCK_MINUTES) expect(hypothesisSchema.safeParse({ ...HYPOTHESIS, blockMinutes: minutes }).success).toBe(true);
  });

  it('puts every error of an empty submission beside its input', () => {
    const errors = fieldErrorsOf(hypothesisInputFromValues({}));
    expect(Object.keys(errors).filter((key) => !(HYPOTHESIS_INPUT_IDS as readonly string[]).includes(key))).toEqual([]);
    const again = renderHypothesisCard(hypothesisData({ values: {}, errors }));
    expectValidCard(again);
    for (const [id, message] of Object.entries(errors)) expect({ id, beside: errorBeside(again, id) }).toEqual({ id, beside: message });
  });

  it('puts the "same unit" rule beside target.unit and a non-number beside its value', () => {
    const mismatch = fieldErrorsOf(hypothesisInputFromValues({ ...hypothesisValuesOf(HYPOTHESIS), 'target.unit': 'hours' }));
    expect(Object.keys(mismatch)).toEqual(['target.unit']);
    expect(errorBeside(renderHypothesisCard(hypothesisData({ errors: mismatch })), 'target.unit')).toMatch(/same unit/);
    expect(Object.keys(fieldErrorsOf(hypothesisInputFromValues({ ...hypothesisValuesOf(HYPOTHESIS), 'baseline.value': 'lots' })))).toEqual(['baseline.value']);
  });

  it('has "Send to my manager" (submitPlan) and "Back to step 1" (backToSelection)', () => {
    expect(actions(card).map((a) => [a.title, a.data])).toEqual([
      ['Send to my manager', { verb: 'submitPlan', roundId: ROUND.id, expectedVersion: submitted.version }],
      ['Back to step 1', { verb: 'backToSelection', roundId: ROUND.id, expectedVersion: submitted.version }],
    ]);
  });

  it('when changes were requested, shows who asked, when, and their comment at the top', () => {
    const revise = renderHypothesisCard(hypothesisData({ changesRequested: { reviewerName: 'Maria Garcia', on: '3 March at 10:04', comment: NASTY } }));
    expectValidCard(revise);
    expect(textOf(revise)).toContain('Maria Garcia asked for changes on 3 March at 10:04:');
    expect(allStrings(revise)).toContain(NASTY);
  });

  it('worst case: max-length texts, a 1,000-character comment and all errors stay under 28 KB with values kept', () => {
    for (const text of [longText, emojiText]) {
      const values: HypothesisValues = {
        measure: text(200), 'baseline.value': '-1000000000', 'baseline.unit': text(20), 'target.value': '1000000000', 'target.unit': text(20),
        howWeWillKnow: text(500), preferredTimes: 'no-preference', blockMinutes: '120', deadlineConflicts: text(500),
      };
      const worst = renderHypothesisCard(hypothesisData({
        assessment: ALL_WARNINGS, values, errors: errorsFor(HYPOTHESIS_INPUT_IDS), formError: text(300),
        changesRequested: { reviewerName: text(120), on: '3 March at 10:04', comment: text(1000) },
      }));
      expectValidCard(worst);
      everyValueKept(worst, values);
      for (const id of HYPOTHESIS_INPUT_IDS) expect(errorBeside(worst, id)).toMatch(new RegExp(`^${id.replace('.', '\\.')}: `));
    }
  });

  it('keeps quotes, emoji, slashes and template or OData syntax unchanged', () => {
    const values: HypothesisValues = { ...hypothesisValuesOf(HYPOTHESIS), measure: NASTY, howWeWillKnow: NASTY, deadlineConflicts: NASTY };
    const nasty = renderHypothesisCard(hypothesisData({ values }));
    expectValidCard(nasty);
    everyValueKept(nasty, values);
    expect(unwrap(hypothesisInputFromValues(values)).howWeWillKnow).toBe(NASTY);
  });
});

// ---------------------------------------------------------------------------------------------------
// 5. Manager review

const VIEWERS = [PEOPLE.maria, PEOPLE.dana, PEOPLE.omar];

function reviewData(overrides: Partial<ReviewCardData> = {}): ReviewCardData {
  return {
    experimentId: submitted.id,
    expectedVersion: submitted.version,
    state: 'submitted',
    canAct: true,
    participantName: 'Dana Smith',
    roundName: ROUND.name,
    reviewerName: 'Maria Garcia',
    selection: SELECTION,
    assessment: ASSESSMENT,
    hypothesis: HYPOTHESIS,
    windowExtensionDays: 0,
    refreshUserIds: VIEWERS,
    ...overrides,
  };
}

function executeVerbs(card: AdaptiveCardJson): string[] {
  return actions(card).filter((a) => a.type === 'Action.Execute').map((a) => String(a.verb));
}

describe('renderReviewCard', () => {
  const card = renderReviewCard(reviewData());

  it('is a valid 1.5 card under 28 KB with ids on every input, every binding filled', () => {
    expectValidCard(card);
    expectFullyBound(card);
  });

  it('shows who, the round, the friction point, tool, KPI, rubric and hypothesis', () => {
    const text = textOf(card);
    for (const expected of [
      'Plan to review: Dana Smith', `Sales · ${ROUND.name}`, SELECTION.frictionPoint.description, 'Every week', '1 h 30 min each time',
      'Microsoft 365 Copilot (Microsoft)', SELECTION.kpi, `Strong fit · ${ASSESSMENT.total} of 25`, ASSESSMENT.summary,
      HYPOTHESIS.measure, '90 minutes → 45 minutes', HYPOTHESIS.howWeWillKnow, 'Mornings, blocks of 1 h', 'Quarter-end forecast is due on 28 March.',
    ]) expect(text).toContain(expected);
  });

  it('while submitted and the viewer may act: Action.Execute approve / request changes / extend with the experiment and version', () => {
    expect(executeVerbs(card)).toEqual(['approvePlan', 'requestChanges', 'extendWindow']);
    for (const action of actions(card)) expect(action.data).toEqual({ experimentId: submitted.id, expectedVersion: submitted.version });
    expect(inputIds(card)).toEqual([...REVIEW_INPUT_IDS].sort());
    expect((input(card, 'days').choices as Node[]).map((c) => c.value)).toEqual(Array.from({ length: 14 }, (_, i) => String(i + 1)));
  });

  it('always carries a refresh for the people who may see it (at most 60), so everyone sees the current state', () => {
    expect(card.refresh).toEqual({ action: { type: 'Action.Execute', title: 'Refresh', verb: 'refreshReview', data: { experimentId: submitted.id } }, userIds: VIEWERS });
    const many = renderReviewCard(reviewData({ refreshUserIds: Array.from({ length: 75 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`) }));
    expect((many.refresh as { userIds: string[] }).userIds).toHaveLength(60);
    expect(readReviewRefresh({ experimentId: submitted.id })).toEqual({ experimentId: submitted.id });
  });

  it('is read-only for a viewer who may not act: no buttons, no inputs, says whose review it waits for', () => {
    const readOnly = renderReviewCard(reviewData({ canAct: false }));
    expectValidCard(readOnly);
    expect(actions(readOnly)).toEqual([]);
    expect(inputIds(readOnly)).toEqual([]);
    expect(readOnly.refresh).toBeDefined();
    expect(textOf(readOnly)).toContain("Waiting for Maria Garcia's review.");
  });

  it('after approval: "Approved by … on …" and no buttons', () => {
    const approved = anExperiment({ state: 'approved' });
    const decided = renderReviewCard(reviewData({
      state: approved.state, expectedVersion: approved.version,
      lastReview: { decision: 'approved', byName: 'Dana Smith', at: formatShortDateTime('2025-03-03T10:04:00Z', 'Europe/London', NOW), comment: '' },
    }));
    expectValidCard(decided);
    expect(textOf(decided)).toContain('Approved by Dana Smith on 3 March at 10:04');
    expect(actions(decided)).toEqual([]);
    expect(inputIds(decided)).toEqual([]);
    expect(decided.refresh).toBeDefined();
  });

  it('after changes were requested: who, when and the comment exactly as written; withdrawn says so', () => {
    const changes = renderReviewCard(reviewData({ state: 'changes_requested', lastReview: { decision: 'changes_requested', byName: 'Maria Garcia', at: '3 March at 10:04', comment: NASTY } }));
    expectValidCard(changes);
    expect(textOf(changes)).toContain('Changes requested by Maria Garcia on 3 March at 10:04:');
    expect(allStrings(changes)).toContain(NASTY);
    expect(actions(changes)).toEqual([]);
    const withdrawn = renderReviewCard(reviewData({ state: 'withdrawn' }));
    expect(textOf(withdrawn)).toContain('Withdrawn');
    expect(actions(withdrawn)).toEqual([]);
  });

  it('shows "comment needed" beside the comment when changes are asked for with none, keeping the days chosen', () => {
    const submission = readReviewSubmission({ experimentId: submitted.id, expectedVersion: submitted.version, comment: ' ', days: '5' });
    if (submission === null) throw new Error('not read');
    const result = applyCommand(submitted, { kind: 'requestChanges', actor: asReviewer, comment: submission.values.comment ?? '', expectedVersion: submission.expectedVersion, participantName: 'Dana Smith' }, NOW);
    const errors = fieldErrorsOf(result);
    const again = renderReviewCard(reviewData({ values: submission.values, errors }));
    expectValidCard(again);
    expect(errorBeside(again, 'comment')).toBe('Tell Dana Smith what to change, in 5 to 1,000 characters.');
    everyValueKept(again, { comment: ' ', days: '5' });
  });

  it('shows an out-of-range extension beside days, and the remaining days only', () => {
    const submission = readReviewSubmission({ experimentId: submitted.id, expectedVersion: String(submitted.version), days: '15' });
    expect(submission?.days).toBe(15);
    const errors = fieldErrorsOf(applyCommand(submitted, { kind: 'extendWindow', actor: asReviewer, days: submission?.days ?? 0 }, NOW));
    expect(errorBeside(renderReviewCard(reviewData({ errors })), 'days')).toMatch(/1 to 14/);
    const extended = renderReviewCard(reviewData({ windowExtensionDays: 10 }));
    expect((input(extended, 'days').choices as Node[])).toHaveLength(4);
    expect(textOf(extended)).toContain('extended by 10 days');
    expect(executeVerbs(renderReviewCard(reviewData({ windowExtensionDays: 14 })))).toEqual(['approvePlan', 'requestChanges']);
  });

  it('shows an error line at the top when given', () => {
    expect(textOf(renderReviewCard(reviewData({ error: 'This plan changed after the card was sent; here is the current version.' })))).toContain('This plan changed after the card was sent');
  });

  it('worst case: max-length texts, all warnings, a 1,000-character comment and a named tool stay under 28 KB', () => {
    for (const text of [longText, emojiText]) {
      const selection: Selection = {
        ...SELECTION,
        frictionPoint: { description: text(500), frequency: 'daily', minutesToday: 2400 },
        tool: { kind: 'other', name: text(80), termsUrl: `https://x.example/${'a'.repeat(1980)}` },
        kpi: text(200), supportNamed: text(200),
      };
      const hypothesis: Hypothesis = { ...HYPOTHESIS, measure: text(200), baseline: { value: -1e9, unit: text(20) }, target: { value: 1e9, unit: text(20) }, howWeWillKnow: text(500), deadlineConflicts: text(500) };
      const worst = renderReviewCard(reviewData({
        selection, hypothesis, assessment: ALL_WARNINGS, participantName: text(120), roundName: text(120), reviewerName: text(120),
        values: { comment: text(1000), days: '14' }, errors: errorsFor(REVIEW_INPUT_IDS), error: text(300),
        refreshUserIds: Array.from({ length: 60 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
      }));
      expectValidCard(worst);
      everyValueKept(worst, { comment: text(1000), days: '14' });
      const withReview = renderReviewCard(reviewData({ selection, hypothesis, assessment: ALL_WARNINGS, state: 'changes_requested', lastReview: { decision: 'changes_requested', byName: text(120), at: '3 March at 10:04', comment: text(1000) } }));
      expectValidCard(withReview);
    }
  });

  it('keeps every participant-written field exactly as written, template syntax included', () => {
    const selection: Selection = { ...SELECTION, frictionPoint: { ...SELECTION.frictionPoint, description: NASTY }, kpi: NASTY, supportNamed: NASTY, tool: { kind: 'other', name: NASTY, termsUrl: null } };
    const hypothesis: Hypothesis = { ...HYPOTHESIS, measure: NASTY, howWeWillKnow: NASTY, deadlineConflicts: NASTY };
    const nasty = renderReviewCard(reviewData({ selection, hypothesis, participantName: NASTY, values: { comment: NASTY } }));
    expectValidCard(nasty);
    const strings = allStrings(nasty);
    expect(strings.filter((s) => s === NASTY).length).toBeGreaterThanOrEqual(6);
    expect(strings).toContain(`${NASTY} (not on the round's list)`);
    expect(input(nasty, 'comment').value).toBe(NASTY);
  });
});

// ---------------------------------------------------------------------------------------------------
// 6. Plan status

describe('renderPlanStatusCard', () => {
  it('says where a submitted plan went', () => {
    const card = renderPlanStatusCard({ kind: 'submitted', reviewerName: 'Maria Garcia' });
    expectValidCard(card);
    expect(textOf(card)).toContain('sent to Maria Garcia for review');
    expect(actions(card)).toEqual([]);
  });

  it('says who approved it and that practice time gets booked next', () => {
    const card = renderPlanStatusCard({ kind: 'approved', reviewerName: 'Maria Garcia', comment: 'Go for it' });
    expectValidCard(card);
    expect(textOf(card)).toContain('Maria Garcia approved your plan; your practice time gets booked in your calendar next.');
    expect(allStrings(card)).toContain('Go for it');
  });

  it('on changes requested: the comment exactly as written and a reviseExperiment button', () => {
    const card = renderPlanStatusCard({ kind: 'changes_requested', reviewerName: 'Maria Garcia', comment: NASTY, roundId: ROUND.id });
    expectValidCard(card);
    expect(allStrings(card)).toContain(NASTY);
    expect(actions(card)).toEqual([expect.objectContaining({ type: 'Action.Submit', data: { verb: 'reviseExperiment', roundId: ROUND.id } })]);
  });

  it('tells the person about an extension, and stays small with a 1,000-character comment', () => {
    expect(textOf(renderPlanStatusCard({ kind: 'window_extended', reviewerName: 'Maria', days: 3, newEnd: 'Wednesday 2 April 2025' }))).toContain('by 3 days; it now ends on Wednesday 2 April 2025');
    expectValidCard(renderPlanStatusCard({ kind: 'changes_requested', reviewerName: emojiText(120), comment: emojiText(1000), roundId: ROUND.id }));
  });
});

// ---------------------------------------------------------------------------------------------------
// 7. Round setup

const MANAGERS = [
  { id: PEOPLE.maria, name: 'Maria Garcia' },
  { id: PEOPLE.sam, name: 'Sam O’Brien' },
];

function roundSetupData(overrides: Partial<RoundSetupCardData> = {}): RoundSetupCardData {
  return { roundId: 'round-2025-summer', managers: MANAGERS, values: roundSetupDefaults('Europe/London'), ...overrides };
}

const GOOD_SETUP: RoundSetupValues = {
  ...roundSetupDefaults('Europe/London'),
  name: 'Spring AI practice round',
  'window.start': '2025-03-10',
  'shareback.date': '2025-03-31',
  'shareback.time': '14:00',
  managerScopes: `${PEOPLE.maria}`,
};

describe('renderRoundSetupCard', () => {
  const card = renderRoundSetupCard(roundSetupData());

  it('is a valid 1.5 card under 28 KB with ids on every input, every binding filled', () => {
    expectValidCard(card);
    expectFullyBound(card);
  });

  it('uses the documented input ids', () => {
    expect(inputIds(card)).toEqual([...ROUND_SETUP_INPUT_IDS].sort());
  });

  it('starts from the defaults: 3 weeks, 2.5 hours, 90 minutes, the default policy', () => {
    expect(input(card, 'window.weeks').value).toBe('3');
    expect((input(card, 'window.weeks').choices as Node[]).map((c) => c.value)).toEqual(['2', '3', '4']);
    expect(input(card, 'hoursPerWeek').value).toBe('2.5');
    expect((input(card, 'hoursPerWeek').choices as Node[]).map((c) => c.value)).toEqual(['1', '1.5', '2', '2.5', '3', '3.5', '4', '4.5', '5']);
    expect(input(card, 'shareback.durationMinutes').value).toBe(90);
    expect(input(card, 'policyText')).toMatchObject({ isMultiline: true, value: DEFAULT_SAFE_USE_POLICY, maxLength: ROUND_SETUP_POLICY_MAX_CHARACTERS });
    expect(input(card, 'window.start').type).toBe('Input.Date');
    expect(input(card, 'shareback.time').type).toBe('Input.Time');
  });

  it('offers the common zones and the managers as "everyone who reports to …" (multi-select)', () => {
    const zones = (input(card, 'shareback.timeZone').choices as Node[]).map((c) => c.value);
    expect(zones).toEqual(expect.arrayContaining(['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Europe/Berlin', 'America/Los_Angeles', 'Australia/Sydney']));
    expect(input(card, 'managerScopes')).toMatchObject({ isMultiSelect: true });
    expect((input(card, 'managerScopes').choices as Node[]).map((c) => c.title)).toEqual(['Everyone who reports to Maria Garcia', 'Everyone who reports to Sam O’Brien']);
  });

  it('submits createRound with the round id made for this form', () => {
    expect(actions(card)).toEqual([expect.objectContaining({ type: 'Action.Submit', data: { verb: 'createRound', roundId: 'round-2025-summer' } })]);
  });

  it('maps good values to a round the domain creates, the shareback read in the chosen zone', () => {
    const submission = readRoundSetupSubmission({ verb: 'createRound', roundId: ROUND_ID, ...GOOD_SETUP });
    if (submission === null) throw new Error('not read');
    const roundInput = unwrap(roundInputFromValues(submission.values, { roundId: submission.roundId, tenantId: TENANT, ownerIds: [PEOPLE.omar] }));
    expect(roundInput.shareback.startsAt).toBe('2025-03-31T14:00:00.000+01:00');
    const round = unwrap(createRound(roundInput, ownerActor, NOW));
    const expected = unwrap(createRound({ ...aRoundInput(), participantIds: [], policyText: DEFAULT_SAFE_USE_POLICY, shareback: { ...aRoundInput().shareback, startsAt: '2025-03-31T13:00:00Z' } }, ownerActor, NOW));
    expect({ ...round }).toEqual({ ...expected });
  });

  it('puts every error beside its input (a shareback before the window ends beside the time) and keeps the values', () => {
    const values: RoundSetupValues = { ...GOOD_SETUP, name: 'x', 'window.weeks': '6', 'shareback.date': '2025-03-20', policyText: 'short' };
    const built = unwrap(roundInputFromValues(values, { roundId: ROUND_ID, tenantId: TENANT, ownerIds: [PEOPLE.omar] }));
    const errors = fieldErrorsOf(createRound(built, ownerActor, NOW));
    expect(Object.keys(errors).sort()).toEqual(['name', 'policyText', 'window.weeks']);
    const calendar = fieldErrorsOf(createRound({ ...built, name: 'Fine name', policyText: DEFAULT_SAFE_USE_POLICY, window: { ...built.window, weeks: 3 } }, ownerActor, NOW));
    expect(Object.keys(calendar)).toEqual(['shareback.startsAt']);
    const again = renderRoundSetupCard(roundSetupData({ values, errors: { ...errors, ...calendar } }));
    expectValidCard(again);
    expect(errorBeside(again, 'name')).toBe(errors.name);
    expect(errorBeside(again, 'window.weeks')).toBe(errors['window.weeks']);
    expect(errorBeside(again, 'policyText')).toBe(errors.policyText);
    expect(errorBeside(again, 'shareback.time')).toBe(calendar['shareback.startsAt']);
    everyValueKept(again, values);
  });

  it('reports a missing date and time, an unknown zone and a time lost to the DST change beside their inputs, with the other errors', () => {
    const empty = fieldErrorsOf(roundInputFromValues({ 'shareback.timeZone': 'Mars/Olympus' }, { roundId: ROUND_ID, tenantId: TENANT, ownerIds: [PEOPLE.omar] }));
    expect(Object.keys(empty)).toEqual(expect.arrayContaining(['name', 'window.start', 'window.weeks', 'policyText', 'shareback.date', 'shareback.time', 'shareback.timeZone']));
    expect(Object.keys(empty).filter((key) => !(ROUND_SETUP_INPUT_IDS as readonly string[]).includes(key))).toEqual([]);
    const again = renderRoundSetupCard(roundSetupData({ values: {}, errors: empty }));
    for (const [id, message] of Object.entries(empty)) expect({ id, beside: errorBeside(again, id) }).toEqual({ id, beside: message });
    const gap = fieldErrorsOf(roundInputFromValues({ ...GOOD_SETUP, 'shareback.date': '2025-03-30', 'shareback.time': '01:30' }, { roundId: ROUND_ID, tenantId: TENANT, ownerIds: [PEOPLE.omar] }));
    expect(gap).toEqual({ 'shareback.time': 'That date and time does not exist in Europe/London; choose another.' });
  });

  it('worst case: 500 managers, the longest policy the input allows, long names and all errors stay under 28 KB, selected managers kept', () => {
    const managers = Array.from({ length: 500 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: longText(80, `Manager ${i} 🚀 `) }));
    const chosen = [managers[499], managers[250]].map((m) => m?.id ?? '');
    const policies = [longText(ROUND_SETUP_POLICY_MAX_CHARACTERS), cjkText(ROUND_SETUP_POLICY_MAX_CHARACTERS), emojiText(ROUND_SETUP_POLICY_MAX_CHARACTERS / 2)];
    for (const [text, policyText] of [[longText, policies[0]], [emojiText, policies[1]], [emojiText, policies[2]]] as const) {
      const values: RoundSetupValues = { ...GOOD_SETUP, name: text(120), managerScopes: chosen.join(','), policyText };
      const worst = renderRoundSetupCard(roundSetupData({ managers, values, errors: errorsFor(ROUND_SETUP_INPUT_IDS), formError: text(300) }));
      expectValidCard(worst);
      everyValueKept(worst, values);
      const offered = (input(worst, 'managerScopes').choices as Node[]).map((c) => c.value);
      expect(offered.slice(0, 2)).toEqual(chosen);
      expect(textOf(worst)).toMatch(/more managers are not listed here/);
      for (const id of ROUND_SETUP_INPUT_IDS) expect(errorBeside(worst, id)).toMatch(new RegExp(`^${id.replace('.', '\\.')}: `));
    }
  });

  it('keeps a round name with quotes, emoji and template syntax unchanged', () => {
    const values = { ...GOOD_SETUP, name: NASTY, policyText: `${DEFAULT_SAFE_USE_POLICY}\n${NASTY}` };
    const nasty = renderRoundSetupCard(roundSetupData({ values }));
    expectValidCard(nasty);
    everyValueKept(nasty, values);
    expect(unwrap(roundInputFromValues(values, { roundId: ROUND_ID, tenantId: TENANT, ownerIds: [PEOPLE.omar] })).name).toBe(NASTY);
  });
});

// ---------------------------------------------------------------------------------------------------
// 8. Round summary

function summaryData(overrides: Partial<RoundSummaryCardData> = {}): RoundSummaryCardData {
  return {
    roundId: ROUND.id,
    name: ROUND.name,
    status: 'draft',
    windowStart: formatDay('2025-03-10'),
    windowEnd: formatDay('2025-03-30'),
    weeks: 3,
    hoursPerWeek: 2.5,
    shareback: formatDateTime(ROUND.shareback.startsAt, 'Europe/London'),
    participantCount: 2,
    managerScopes: 1,
    delivery: null,
    policy: { version: 1, publishedOn: '1 March 2025' },
    notice: 'Round created.',
    ...overrides,
  };
}

describe('renderRoundSummaryCard', () => {
  it('for a draft: the settings, policy version and an Open button beside Refresh', () => {
    const card = renderRoundSummaryCard(summaryData());
    expectValidCard(card);
    const text = textOf(card);
    for (const expected of ['Draft', 'Monday 10 March 2025 to Sunday 30 March 2025 (3 weeks)', '2.5 hours a week', 'Monday 31 March 2025 at 14:00 (UK time)', '2 people, including everyone in 1 team', 'Version 1, published 1 March 2025', 'Round created.']) {
      expect(text).toContain(expected);
    }
    expect(actions(card).map((a) => a.data)).toEqual([{ verb: 'openRound', roundId: ROUND.id }, { verb: 'refreshRoundSummary', roundId: ROUND.id }]);
  });

  it('once open: delivery counts, up to 10 failures with their reasons, a resend for each kind of problem, and Refresh', () => {
    const failures = Array.from({ length: 25 }, (_, i) => ({ name: `Person ${i} ${NASTY}`, reason: `Bot Connector 403 ${longText(300)}` }));
    const card = renderRoundSummaryCard(summaryData({ status: 'open', participantCount: 2000, delivery: { queued: 1500, sent: 475, failed: 20, uncertain: 5, failures }, notice: undefined }));
    expectValidCard(card);
    const text = textOf(card);
    expect(text).toContain('Not delivered or uncertain (the first 10 of 25; the dashboard lists all):');
    expect(allStrings(card)).toEqual(expect.arrayContaining(['1500', '475', '20', '5']));
    const listed = allStrings(card).filter((s) => s.startsWith('Person '));
    expect(listed[0]).toMatch(/^Person 0 a\/b\\c#d\?e "double" 'single' 🚀👩🏽‍💻 \$\{roundId\} \$\{1\+1\}/);
    expect(listed).toHaveLength(MAX_LISTED_FAILURES);
    expect(actions(card).map((a) => [a.title, a.data])).toEqual([
      ['Resend to 20 failed', { verb: 'resendKickoff', roundId: ROUND.id, who: 'failed' }],
      ['Resend to 5 uncertain', { verb: 'resendKickoff', roundId: ROUND.id, who: 'uncertain' }],
      ['Refresh', { verb: 'refreshRoundSummary', roundId: ROUND.id }],
    ]);
  });

  it('once open with everyone reached: only Refresh', () => {
    const card = renderRoundSummaryCard(summaryData({ status: 'open', delivery: { queued: 0, sent: 2, failed: 0, uncertain: 0, failures: [] }, notice: undefined }));
    expect(actions(card).map((a) => a.data)).toEqual([{ verb: 'refreshRoundSummary', roundId: ROUND.id }]);
  });

  it('without a policy says to publish one first', () => {
    expect(textOf(renderRoundSummaryCard(summaryData({ policy: null })))).toContain('Not published yet');
  });

  it('worst case: long names and reasons stay under 28 KB', () => {
    const failures = Array.from({ length: 10 }, () => ({ name: emojiText(300), reason: emojiText(2000) }));
    expectValidCard(renderRoundSummaryCard(summaryData({ name: emojiText(120), status: 'open', delivery: { queued: 0, sent: 0, failed: 10, uncertain: 0, failures }, error: emojiText(300) })));
  });
});

// ---------------------------------------------------------------------------------------------------
// 9. The default policy

describe('DEFAULT_SAFE_USE_POLICY', () => {
  it('is 150–300 words of plain text within the domain’s policy limits', () => {
    const words = DEFAULT_SAFE_USE_POLICY.split(/\s+/).filter(Boolean).length;
    expect(words).toBeGreaterThanOrEqual(150);
    expect(words).toBeLessThanOrEqual(300);
    expect(DEFAULT_SAFE_USE_POLICY.length).toBeGreaterThanOrEqual(ROUND_LIMITS.policyCharacters.min);
    expect(DEFAULT_SAFE_USE_POLICY.length).toBeLessThanOrEqual(ROUND_SETUP_POLICY_MAX_CHARACTERS);
    expect(DEFAULT_SAFE_USE_POLICY).not.toMatch(/[<>{}$]/);
  });

  it('covers the data rules, checking outputs, saying when AI helped, approved tools, reporting and not being graded', () => {
    for (const topic of [/personal data/, /confidential client material/, /passwords|secret/, /Check every output/, /Say when AI helped/, /tool from this round's list/, /ask your manager/, /tell your manager and the programme owner/, /not graded|is graded/]) {
      expect(DEFAULT_SAFE_USE_POLICY).toMatch(topic);
    }
  });

  it('is accepted by the domain as a round’s policy', () => {
    expect(unwrap(createRound(aRoundInput({ policyText: DEFAULT_SAFE_USE_POLICY }), ownerActor, NOW)).policy.versions[0]?.text).toBe(DEFAULT_SAFE_USE_POLICY);
  });
});
