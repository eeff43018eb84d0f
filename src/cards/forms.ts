import { z } from 'zod';
import { expandTemplate, type AdaptiveCardJson } from './render';

/**
 * Shared plumbing for the form cards (acknowledgement, selection, hypothesis, review, round setup).
 *
 * - Input ids are the domain's dotted field paths ("frictionPoint.description"), so a DomainError's
 *   `fieldErrors` key names the input it belongs to. A host sends the values back FLAT, keyed by id:
 *   `{ "frictionPoint.description": "…", "scores.relevance": "4", verb, roundId, … }`.
 * - Values travel as the strings a card sends (Teams sends Input.Number, Input.Toggle and multi-select
 *   ChoiceSets as strings too), so "keep the person's values" is: hand back what came in.
 * - User text is data, never template: adaptivecards-templating 2.3 expands `${…}` in the TEMPLATE only
 *   and inserts bound strings verbatim (a value "${n}" or "' or 1 eq 1" comes out as typed; tested in
 *   cards-steps.test.ts), so no escaping is needed. Every bound value must be defined: an unknown
 *   path is left as the literal "${…}", so view models are built completely in TypeScript.
 */

export type FieldErrors = Readonly<Record<string, string>>;

/** What a form card shows and sends back: input id → the value as the card holds it. */
export type FormValues<Id extends string> = Partial<Readonly<Record<Id, string>>>;

/** Teams limits a message to about 28 KB including the activity around the card; we keep 2 KB for that. */
export const CARD_BYTE_BUDGET = 26 * 1024;

export function cardByteLength(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * Removes properties that templating left `null` (a `$when` on an object-valued property, or a bound
 * value such as an empty number): the 1.5 schema allows none of them. Arrays drop null entries.
 */
export function withoutNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.filter((child) => child !== null).map((child: unknown) => withoutNulls(child));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (value !== null) out[key] = withoutNulls(value);
  }
  return out;
}

export function expandForm(template: object, data: object): AdaptiveCardJson {
  const card = expandTemplate(template, data);
  const cleaned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(card)) {
    if (value !== null) cleaned[key] = withoutNulls(value);
  }
  return { ...cleaned, type: 'AdaptiveCard', version: card.version };
}

/**
 * The first attempt whose card fits the budget. Cards that can grow with data (a 20-tool catalogue,
 * a 20,000-character policy) list cheaper renderings after the full one; an attempt returns null when
 * it does not apply. Throws when nothing fits: that is a bug in the card, not something a person can fix.
 */
export function firstThatFits(attempts: readonly (() => AdaptiveCardJson | null)[], budget = CARD_BYTE_BUDGET): AdaptiveCardJson {
  let smallest: number | undefined;
  for (const attempt of attempts) {
    const card = attempt();
    if (card === null) continue; // this rendering does not apply (e.g. nothing to shorten)
    const bytes = cardByteLength(card);
    if (bytes <= budget) return card;
    smallest = smallest === undefined ? bytes : Math.min(smallest, bytes);
  }
  throw new Error(`no rendering of this card fits in ${budget} bytes (smallest was ${smallest ?? 'none'})`);
}

/** The longest prefix of `text` (in characters, cut at a line or word end when it can) for which `fits` holds. */
export function longestFittingPrefix(text: string, fits: (prefix: string) => boolean): string {
  const chars = [...text];
  if (fits(text)) return text;
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(chars.slice(0, mid).join(''))) low = mid;
    else high = mid - 1;
  }
  const prefix = chars.slice(0, low).join('');
  const cut = Math.max(prefix.lastIndexOf('\n'), prefix.lastIndexOf(' '));
  return cut > prefix.length * 0.8 ? prefix.slice(0, cut) : prefix;
}

/**
 * Which of the domain's error keys show beside which input. A slot lists keys; a key matches one exactly,
 * or else as a prefix of a dotted path (`tool` catches `tool.entry.id`). Keys no slot claims are returned in
 * `rest` and shown at the top of the card, so no error is ever dropped.
 */
export function placeErrors(
  slots: Readonly<Record<string, readonly string[]>>,
  errors: FieldErrors | undefined,
): { beside: Record<string, string>; rest: string[] } {
  const entries = Object.entries(slots);
  const beside: Record<string, string> = Object.fromEntries(entries.map(([slot]) => [slot, '']));
  const rest: string[] = [];
  for (const [key, message] of Object.entries(errors ?? {})) {
    const slot = entries.find(([, claimed]) => claimed.includes(key))?.[0]
      ?? entries.find(([, claimed]) => claimed.some((prefix) => key.startsWith(`${prefix}.`)))?.[0];
    if (slot === undefined) rest.push(message);
    else beside[slot] = beside[slot] ? `${beside[slot]} ${message}` : message;
  }
  return { beside, rest };
}

/** The line at the top of a form: the handler's own message, then any error that has no field here. */
export function topError(formError: string | undefined, rest: readonly string[]): string {
  return [formError ?? '', ...rest].filter((line) => line.trim() !== '').join(' ');
}

/** A value for an Input.Number: the number the text holds, or null (dropped) when it holds none. */
export function numberOrNull(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * The number a submitted text holds, for the domain: undefined when empty (the schema says "required"),
 * NaN when it is not a number (the schema says "give a number"). Never a guess.
 */
export function submittedNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  return Number(text.trim());
}

export function submittedFlag(text: string | undefined): boolean {
  return text === 'true';
}

/** A multi-select ChoiceSet sends "a,b,c". */
export function submittedList(text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

const submissionSchema = z.record(z.unknown());

/**
 * Reads a card's submitted data (`activity.value` for Action.Submit, `activity.value.action.data` for
 * Action.Execute) into the string values of the given ids; anything else the client sends is ignored.
 * Returns null when the payload is not an object at all.
 */
export function readFormValues<Id extends string>(raw: unknown, ids: readonly Id[]): FormValues<Id> | null {
  const parsed = submissionSchema.safeParse(raw);
  if (!parsed.success) return null;
  const values: Partial<Record<Id, string>> = {};
  for (const id of ids) {
    const value = parsed.data[id];
    if (typeof value === 'string') values[id] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) values[id] = String(value);
    else if (typeof value === 'boolean') values[id] = value ? 'true' : 'false';
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) values[id] = value.join(',');
  }
  return values;
}

/** Hidden data a card action carries besides its inputs: ids as non-empty strings, versions as whole numbers (some hosts stringify them). */
export const hiddenId = z.string().trim().min(1).max(200);
export const hiddenInt = z.union([z.number(), z.string().trim().regex(/^-?\d+$/).transform(Number)]).pipe(z.number().int());

export function readHidden<T extends z.ZodRawShape>(raw: unknown, shape: T): z.infer<z.ZodObject<T>> | null {
  const parsed = z.object(shape).safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** A string a person typed or an owner configured, shortened for a choice title (never for a value). */
export function clip(text: string, maxCharacters: number): string {
  const chars = [...text];
  return chars.length <= maxCharacters ? text : `${chars.slice(0, maxCharacters - 1).join('')}…`;
}

/** Markdown link targets break on spaces and parentheses; percent-encode just those. */
export function markdownUrl(url: string): string {
  return url.replace(/[ ()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
