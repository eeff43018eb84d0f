/** Every verb a card can submit; templates and bot handlers both use this list. */
export const CARD_VERBS = ['showHelp'] as const;
export type CardVerb = (typeof CARD_VERBS)[number];

export function isCardVerb(value: unknown): value is CardVerb {
  return typeof value === 'string' && (CARD_VERBS as readonly string[]).includes(value);
}
