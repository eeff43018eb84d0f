import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as JSON after templating; what the bot sends and the tests validate. */
export interface AdaptiveCardJson {
  readonly type: 'AdaptiveCard';
  readonly version: string;
  readonly [key: string]: unknown;
}

// Parsing a template (every `${…}` through adaptive-expressions' ANTLR parser) costs more than expanding it, so each
// template is parsed once per process: a Template can be expanded with different data again and again (expand is
// synchronous, so turns never interleave inside one).
const parsedTemplates = new WeakMap<object, ACData.Template>();

function parsedTemplateOf(template: object): ACData.Template {
  let parsed = parsedTemplates.get(template);
  if (!parsed) {
    parsed = new ACData.Template(template);
    parsedTemplates.set(template, parsed);
  }
  return parsed;
}

/**
 * Cards rendered lately, by template and data: the same data (the help card, a person's welcome, a notice) gives the
 * same card, so it is not expanded again. Bounded; the least recently used goes first. Each caller gets its own copy.
 */
const RENDERED_CARDS_KEPT = 256;
const renderedCards = new WeakMap<object, Map<string, AdaptiveCardJson>>();

function expandUncached(template: object, data: object): AdaptiveCardJson {
  const expanded: unknown = parsedTemplateOf(template).expand({ $root: data });
  if (typeof expanded !== 'object' || expanded === null || (expanded as { type?: unknown }).type !== 'AdaptiveCard') {
    throw new Error('a card template did not expand to an AdaptiveCard');
  }
  // Checked just above: an object whose `type` is AdaptiveCard.
  return expanded as AdaptiveCardJson;
}

/**
 * Expands a card template with its typed data. Templates are JSON files next to their `.ts` module;
 * the module owns the data type, so a template can only be rendered with the data it expects.
 */
export function expandTemplate(template: object, data: object): AdaptiveCardJson {
  let cards = renderedCards.get(template);
  if (!cards) {
    cards = new Map();
    renderedCards.set(template, cards);
  }
  const key = JSON.stringify(data);
  const known = cards.get(key);
  if (known) {
    cards.delete(key);
    cards.set(key, known);
    return structuredClone(known);
  }
  const card = expandUncached(template, data);
  cards.set(key, structuredClone(card));
  if (cards.size > RENDERED_CARDS_KEPT) cards.delete(cards.keys().next().value!);
  return card;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
