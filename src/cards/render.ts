import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as JSON after templating; what the bot sends and the tests validate. */
export interface AdaptiveCardJson {
  readonly type: 'AdaptiveCard';
  readonly version: string;
  readonly [key: string]: unknown;
}

/**
 * Expands a card template with its typed data. Templates are JSON files next to their `.ts` module;
 * the module owns the data type, so a template can only be rendered with the data it expects.
 */
export function expandTemplate(template: object, data: object): AdaptiveCardJson {
  const expanded: unknown = new ACData.Template(template).expand({ $root: data });
  if (typeof expanded !== 'object' || expanded === null || (expanded as { type?: unknown }).type !== 'AdaptiveCard') {
    throw new Error('a card template did not expand to an AdaptiveCard');
  }
  // Checked just above: an object whose `type` is AdaptiveCard.
  return expanded as AdaptiveCardJson;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
