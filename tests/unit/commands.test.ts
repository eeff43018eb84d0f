import { matchCommand } from '../../src/domain/commands';
import { firstNameOf } from '../../src/usecases/welcomeMember';

describe('matchCommand', () => {
  it.each(['help', ' Help ', '/help', 'HELP!', 'help?'])('recognises %j as help', (text) => {
    expect(matchCommand(text)?.keyword).toBe('help');
  });
  it.each(['helpful', 'hello', '', 'please help me'])('does not take %j for a command', (text) => {
    expect(matchCommand(text)).toBeNull();
  });
});

describe('firstNameOf', () => {
  it.each([['Dana Smith', 'Dana'], ['  Priya  ', 'Priya'], ['', 'there'], ['李 雷', '李']])('%j → %j', (name, first) => {
    expect(firstNameOf(name)).toBe(first);
  });
});
