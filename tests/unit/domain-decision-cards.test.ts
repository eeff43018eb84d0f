import { renderDecisionNoticeCard } from '../../src/cards/decisionNotice';
import { renderFollowUpNeedsTimeCard } from '../../src/cards/followUpNeedsTime';
import { renderRoundReportCard } from '../../src/cards/roundReport';
import { renderSummariesFlaggedCard } from '../../src/cards/summariesFlagged';
import { renderSummaryReviewCard } from '../../src/cards/summaryReview';
import { decisionFromCard, readUndecidedSubmission, renderUndecidedCard } from '../../src/cards/undecided';
import { roundReport } from '../../src/domain/roundReport';
import { draftSummary } from '../../src/domain/summary';
import { cardBytes, cardSchemaErrors, inputsWithoutId, MAX_CARD_BYTES } from '../support/cardSchema';
import { cardText, inputValue } from '../support/activities';

// Every card of steps 5–6: Adaptive Card 1.5 schema, under 28 KB, every input with an id; values and errors kept.
const summary = draftSummary({
  tool: 'Microsoft 365 Copilot', task: 'Weekly pipeline summary “Q2” / EMEA', useCase: 'Sales — hours on reports',
  hypothesis: { measure: 'Minutes per summary', baseline: { value: 90, unit: 'minutes' }, target: { value: 45, unit: 'minutes' } },
  journals: [{ weekStart: '2025-03-17', improved: 'x'.repeat(1500), broke: '${injected}', surprised: '', taught: '', hoursPractised: 2 }],
  assets: Array.from({ length: 20 }, (_, i) => ({ title: `Prompt ${i}`, url: null, kind: 'prompt', shared: true })),
});
const report = roundReport({ roundName: 'Spring', generatedAt: '2025-04-11T10:00:00.000Z', funnel: [], experiments: [], capabilityBefore: [], nameOf: (id) => id }, () => '');

const cards = {
  decisionNotice: renderDecisionNoticeCard({ roundName: 'Spring', tool: 'Copilot', revised: true, decision: 'Stop; owner Omar, due 1 May 2025.', note: 'Thanks', dashboardUrl: 'https://example.test/tab/' }),
  followUpNeedsTime: renderFollowUpNeedsTimeCard({ roundId: 'r-1', participantId: 'p', participantName: 'Dana', timeZone: 'Europe/London', reason: 'No common free time.', suggestedDate: '2025-05-01', dashboardUrl: '', errorStart: 'Pick a time in the future.' }),
  undecidedOpen: renderUndecidedCard({ roundId: 'r-1', roundName: 'Spring', participantId: 'p', participantName: 'Dana', tool: 'Copilot', expectedVersion: 7, summary: '', refreshUserIds: ['o'], suggestedDueDate: '2025-05-01', values: { outcome: 'paid-licence', seats: '3', approver: 'Finance' }, errors: { approver: 'Say who approves the licence.', ownerId: 'Name the person who owns this decision.' } }),
  undecidedDone: renderUndecidedCard({ roundId: 'r-1', roundName: 'Spring', participantId: 'p', participantName: 'Dana', tool: 'Copilot', expectedVersion: 8, summary: 'Stop; owner Omar.', refreshUserIds: ['o'], suggestedDueDate: '2025-05-01' }),
  summaryReview: renderSummaryReviewCard({ roundId: 'r-1', roundName: 'Spring', meetingDay: 'Thursday 10 April', summary, ready: false, errors: { resultValue: 'Give what you see now as a number, or leave it empty.' }, values: { resultValue: 'about half' } }),
  summariesFlagged: renderSummariesFlaggedCard({ roundName: 'Spring', people: [{ name: 'Dana' }, { name: 'Lee' }] }),
  roundReport: renderRoundReportCard({ report, reportUrl: 'https://example.test/tab/' }),
};

describe('steps 5–6 cards', () => {
  it.each(Object.entries(cards))('%s is a valid 1.5 card under 28 KB with every input named', (_name, card) => {
    expect(cardSchemaErrors(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(inputsWithoutId(card)).toEqual([]);
  });

  it('keeps the owner’s values and puts each error beside its field on the undecided card', () => {
    const text = cardText(cards.undecidedOpen);
    expect(text).toContain('Say who approves the licence.');
    expect(text).toContain('Name the person who owns this decision.');
    expect(inputValue(cards.undecidedOpen, 'approver')).toBe('Finance');
    expect(inputValue(cards.undecidedOpen, 'seats')).toBe(3);
    expect(JSON.stringify(cards.undecidedDone)).not.toContain('decideExperiment');
  });

  it('reads the card’s submission into the decision the domain validates', () => {
    const submission = readUndecidedSubmission({ roundId: 'r-1', participantId: 'p', expectedVersion: '7', outcome: 'internal-owner', dueDate: '2025-05-01', seats: '' });
    expect(submission).toMatchObject({ expectedVersion: 7, values: { outcome: 'internal-owner' } });
    expect(decisionFromCard(submission!.values, 'owner', 'p', 'Copilot')).toMatchObject({ outcome: 'internal-owner', ownerId: 'owner', internalOwnerId: 'p', seats: undefined });
  });

  it('shows the person’s text as typed (templating never runs it) and keeps a bad number', () => {
    expect(inputValue(cards.summaryReview, 'failed')).toContain('${injected}');
    expect(cardText(cards.summaryReview)).toContain('Give what you see now as a number');
  });
});
