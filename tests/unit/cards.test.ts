import * as ACData from 'adaptivecards-templating';
import { CHAT_COMMANDS } from '../../src/domain/commands';
import { expandTemplate } from '../../src/cards/render';
import welcomeTemplate from '../../src/cards/welcome.json';
import { renderHelpCard } from '../../src/cards/help';
import { renderNoticeCard } from '../../src/cards/notice';
import { renderWelcomeCard } from '../../src/cards/welcome';
import { renderTimeMovedCard } from '../../src/cards/timeMoved';
import { cardBytes, cardSchemaErrors, inputsWithoutId, MAX_CARD_BYTES } from '../support/cardSchema';

const cards = {
  'welcome (with dashboard link)': renderWelcomeCard({ firstName: 'Priya', nextStep: 'Your programme owner will open a round soon.', dashboardUrl: 'https://teams.microsoft.com/l/entity/app/dashboard' }),
  'welcome (Playground, no link)': renderWelcomeCard({ firstName: 'Zoë "Z" O’Neil', nextStep: 'x', dashboardUrl: '' }),
  help: renderHelpCard({ commands: CHAT_COMMANDS }),
  notice: renderNoticeCard({ title: 'That button has expired', message: 'Type help to see what you can do.' }),
  'notice (waiting for a policy confirmation)': renderNoticeCard({ title: 'Confirm the safe-use policy first', message: 'Version 2 of the safe-use policy was published.', confirmPolicy: { roundId: 'r-0123456789abcdef0123', policyVersion: 2 } }),
  'time moved (a move and a week without room)': renderTimeMovedCard({ roundId: 'r-0123456789abcdef0123', moves: [{ from: 'Tue 10:00', to: 'Wed 14:00', week: 2, index: 3, fromStart: '2026-12-08T10:00:00.000Z', fromEnd: '2026-12-08T11:00:00.000Z' }], unplaced: [{ when: 'Thu 9:00' }] }),
  'time moved (only a week without room)': renderTimeMovedCard({ roundId: 'r-0123456789abcdef0123', moves: [], unplaced: [{ when: 'Thu 9:00' }] }),
};

describe.each(Object.entries(cards))('the %s card', (_name, card) => {
  it('validates against the Adaptive Card 1.5 schema', () => {
    expect(cardSchemaErrors(card)).toEqual([]);
  });
  it('stays under 28 KB', () => {
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  });
  it('gives every input an id', () => {
    expect(inputsWithoutId(card)).toEqual([]);
  });
});

describe('the card schema check', () => {
  it('rejects a misspelt element type', () => {
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlok', text: 'x' }] };
    expect(cardSchemaErrors(card).join('\n')).toMatch(/TextBlok/);
  });
  it('rejects a string where a boolean belongs', () => {
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x', wrap: 'yes' }] };
    expect(cardSchemaErrors(card).join('\n')).toMatch(/wrap/);
  });
});

describe('renderTimeMovedCard', () => {
  it('puts the round id in each "Put it back" button', () => {
    expect(JSON.stringify(cards['time moved (a move and a week without room)'])).toContain('"roundId":"r-0123456789abcdef0123"');
  });
});

describe('renderNoticeCard', () => {
  const actionsOf = (card: unknown) => (card as { actions: { title: string; data: unknown }[] }).actions.map((a) => ({ title: a.title, data: a.data }));

  it('offers only the commands on a plain notice', () => {
    expect(actionsOf(cards.notice)).toEqual([{ title: 'Show commands', data: { verb: 'showHelp' } }]);
  });

  it('links a refusal that waits for the policy to its confirmation card', () => {
    expect(actionsOf(cards['notice (waiting for a policy confirmation)'])[0]).toEqual({ title: 'Confirm version 2 of the policy', data: { verb: 'startExperiment', roundId: 'r-0123456789abcdef0123' } });
  });
});

describe('renderWelcomeCard', () => {
  it('greets the person by name and shows the dashboard link only when there is one', () => {
    const withLink = JSON.stringify(cards['welcome (with dashboard link)']);
    expect(withLink).toContain('Hi Priya');
    expect(withLink).toContain('Open my dashboard');
    expect(JSON.stringify(cards['welcome (Playground, no link)'])).not.toContain('Open my dashboard');
  });
  it('keeps a name with quotes intact', () => {
    expect(JSON.stringify(cards['welcome (Playground, no link)'])).toContain('Zoë \\"Z\\" O’Neil');
  });
});

describe('expanding a template', () => {
  const fresh = (data: object) => new ACData.Template(welcomeTemplate).expand({ $root: { ...data, steps: [] } }) as unknown;
  const dana = { firstName: 'Dana', nextStep: 'Wait for the round.', dashboardUrl: '' };
  const omar = { firstName: 'Omar', nextStep: 'Pick a friction point.', dashboardUrl: 'https://teams.microsoft.com/l/entity/app/dashboard' };

  it('gives the same card as a freshly parsed template, whatever was rendered from it before', () => {
    const first = expandTemplate(welcomeTemplate, { ...dana, steps: [] });
    const second = expandTemplate(welcomeTemplate, { ...omar, steps: [] });
    const again = expandTemplate(welcomeTemplate, { ...dana, steps: [] });
    expect(first).toEqual(fresh(dana));
    expect(second).toEqual(fresh(omar));
    expect(again).toEqual(first);
    expect(JSON.stringify(second)).toContain('Omar');
    expect(JSON.stringify(again)).not.toContain('Omar');
  });

  it('hands each caller its own copy of a card rendered before', () => {
    const mine = expandTemplate(welcomeTemplate, { ...dana, steps: [] }) as { body?: unknown[] };
    mine.body?.splice(0);
    expect(expandTemplate(welcomeTemplate, { ...dana, steps: [] })).toEqual(fresh(dana));
  });
});
