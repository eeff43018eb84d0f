import { renderKickoffCard } from '../../src/cards/kickoff';
import { renderWelcomeCard } from '../../src/cards/welcome';
import { LOOP_STEPS } from '../../src/domain/loop';
import { LOOP_STEPS as TAB_STEPS } from '../../src/tab/app/dashboard/participant/loop';

/** Every FactSet title of a card that reads like "3. Practise". */
function numberedTitles(card: unknown): string[] {
  const titles: string[] = [];
  (function visit(node: unknown) {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.title === 'string' && /^\d\. /.test(record.title)) titles.push(record.title);
    Object.values(record).forEach(visit);
  })(card);
  return titles;
}

describe('the six steps of the loop', () => {
  const expected = LOOP_STEPS.map((step) => `${step.number}. ${step.name}`);

  it('are one list: the welcome card, the kickoff card and the dashboard tab show the same six, in order', () => {
    expect(expected).toHaveLength(6);
    expect(numberedTitles(renderWelcomeCard({ firstName: 'Dana', nextStep: 'Type help.', dashboardUrl: '' }))).toEqual(expected);
    const kickoff = renderKickoffCard({ roundId: 'round-1', roundName: 'Spring', firstName: 'Dana', windowStart: 'Monday 10 March 2025', windowEnd: 'Sunday 30 March 2025', weeks: 3, hoursPerWeek: 2.5, shareback: 'Monday 31 March 2025 at 15:00' });
    expect(numberedTitles(kickoff)).toEqual(expected);
    expect(JSON.stringify(kickoff)).toContain(LOOP_STEPS[0].ask);
    expect([...TAB_STEPS]).toEqual(LOOP_STEPS.map((step) => step.name));
  });
});
