/**
 * What a person can type in personal chat. Pure, so the bot's routing and the help card read one list;
 * each feature adds its command here when it ships, so `help` never promises what does not work.
 * Anything else typed is read by the practice coach and mapped to one of these, or answered with the help card.
 */
export interface ChatCommand {
  readonly keyword: string;
  readonly description: string;
}

export const CHAT_COMMANDS: readonly ChatCommand[] = [
  { keyword: 'help', description: 'Show what Practice Loop does and the commands you can type.' },
  { keyword: 'new round', description: 'Programme owners: set up a practice round (dates, protected time, shareback, policy).' },
  { keyword: 'journal', description: 'Write or edit this week\'s practice journal (what improved, broke, surprised, taught).' },
  { keyword: 'save asset', description: 'Save a prompt, context file, reference link or workflow from your practice.' },
  { keyword: 'ask', description: 'Ask the library what colleagues shared, e.g. "ask what prompts did people use for call notes?" Or just type what you want to do.' },
];

/** Normalises a typed message: trims, lower-cases, drops a leading slash and trailing punctuation. */
export function normaliseCommandText(text: string): string {
  return text.trim().toLowerCase().replace(/^\//, '').replace(/[.!?]+$/, '').replace(/\s+/g, ' ');
}

export function matchCommand(text: string): ChatCommand | null {
  const normalised = normaliseCommandText(text);
  return CHAT_COMMANDS.find((command) => command.keyword === normalised) ?? null;
}
