import { GraphError, badRequest } from '../core/graphResponses';

// A small $filter evaluator, enough for what an app asks of these collections, e.g.
//   department eq 'Sales'                      teamsApp/id eq '<guid>'
//   categories/any(c:c eq 'Practice Loop')     startswith(displayName,'Ma') and jobTitle ne null
//   JoinWebUrl eq 'https://teams.microsoft.com/l/meetup-join/…'
// Property names match case-insensitively; string comparisons ignore case (as the directory does).
// Anything it cannot parse is refused (400, or 501 for a known-but-unsupported function) rather
// than ignored, so the sandbox never answers a filtered question with unfiltered data.

type Literal = string | number | boolean | null;
type Expression =
  | { kind: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'not'; operand: Expression }
  | { kind: 'compare'; operator: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; path: string[]; value: Literal }
  | { kind: 'in'; path: string[]; values: Literal[] }
  | { kind: 'function'; name: 'startswith' | 'endswith' | 'contains'; path: string[]; value: string }
  | { kind: 'any'; path: string[]; variable: string; body: Expression };

export type FilterPredicate = (item: Record<string, unknown>) => boolean;

export function compileFilter(text: string): FilterPredicate {
  const parser = new Parser(tokenise(text), text);
  const expression = parser.parseOr();
  parser.expectEnd();
  return (item) => evaluate(expression, item, {});
}

/**
 * The keys of a filter that is exactly `<name> in ('a','b',…)` or `<name> eq 'a'` on a top-level property (name
 * matched case-insensitively), so a collection can answer it from an index; null for any other filter.
 */
export function keysOfLookupFilter(text: string, name: string): string[] | null {
  const parser = new Parser(tokenise(text), text);
  const expression = parser.parseOr();
  parser.expectEnd();
  const isName = (path: string[]) => path.length === 1 && path[0]!.toLowerCase() === name.toLowerCase();
  if (expression.kind === 'in' && isName(expression.path) && expression.values.every((v) => typeof v === 'string')) return expression.values as string[];
  if (expression.kind === 'compare' && expression.operator === 'eq' && isName(expression.path) && typeof expression.value === 'string') return [expression.value];
  return null;
}

type Token = { type: 'word' | 'string' | 'number' | 'punct'; text: string };

function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:('(?:[^']|'')*')|(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)|(-?\d+(?:\.\d+)?)(?![\w-])|([A-Za-z_@$][\w@.$/-]*)|([(),:]))/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) throw badRequest(`Invalid filter clause: cannot read "${text.slice(index).trim()}"`);
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ type: 'string', text: match[1].slice(1, -1).replace(/''/g, "'") });
    else if (match[2] !== undefined) tokens.push({ type: 'string', text: match[2] });
    else if (match[3] !== undefined) tokens.push({ type: 'number', text: match[3] });
    else if (match[4] !== undefined) tokens.push({ type: 'word', text: match[4] });
    else if (match[5] !== undefined) tokens.push({ type: 'punct', text: match[5] });
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[], private readonly source: string) {}

  parseOr(): Expression {
    let left = this.parseAnd();
    while (this.peekWord('or')) { this.position += 1; left = { kind: 'or', left, right: this.parseAnd() }; }
    return left;
  }

  expectEnd(): void {
    if (this.position < this.tokens.length) this.fail(`unexpected "${this.tokens[this.position]?.text}"`);
  }

  private parseAnd(): Expression {
    let left = this.parseUnary();
    while (this.peekWord('and')) { this.position += 1; left = { kind: 'and', left, right: this.parseUnary() }; }
    return left;
  }

  private parseUnary(): Expression {
    if (this.peekWord('not')) { this.position += 1; return { kind: 'not', operand: this.parseUnary() }; }
    if (this.peekPunct('(')) {
      this.position += 1;
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    const word = this.next('word').text;
    const lower = word.toLowerCase();
    if (['startswith', 'endswith', 'contains'].includes(lower) && this.peekPunct('(')) {
      this.position += 1;
      const path = splitPath(this.next('word').text);
      this.expectPunct(',');
      const value = this.next('string').text;
      this.expectPunct(')');
      return { kind: 'function', name: lower as 'startswith' | 'endswith' | 'contains', path, value }; // checked by includes above
    }
    if (this.peekPunct('(')) throw new GraphError(501, 'NotImplemented', `The Graph sandbox does not support the $filter function ${word}() in "${this.source}".`);
    const segments = splitPath(word);
    const last = segments[segments.length - 1]?.toLowerCase();
    if ((last === 'any' || last === 'all') && this.peekPunct('(')) {
      if (last === 'all') throw new GraphError(501, 'NotImplemented', `The Graph sandbox does not support all() in $filter "${this.source}".`);
      this.position += 1;
      const variable = this.next('word').text;
      this.expectPunct(':');
      const body = this.parseOr();
      this.expectPunct(')');
      return { kind: 'any', path: segments.slice(0, -1), variable, body };
    }
    const operator = this.next('word').text.toLowerCase();
    if (operator === 'in') {
      this.expectPunct('(');
      const values: Literal[] = [this.literal()];
      while (this.peekPunct(',')) { this.position += 1; values.push(this.literal()); }
      this.expectPunct(')');
      return { kind: 'in', path: segments, values };
    }
    if (!['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(operator)) this.fail(`unknown operator "${operator}"`);
    return { kind: 'compare', operator: operator as 'eq', path: segments, value: this.literal() }; // checked by includes above
  }

  private literal(): Literal {
    const token = this.tokens[this.position];
    if (!token) this.fail('a value is missing');
    this.position += 1;
    if (token.type === 'string') return token.text;
    if (token.type === 'number') return Number(token.text);
    const word = token.text.toLowerCase();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return this.fail(`"${token.text}" is not a value (quote strings: '${token.text}')`);
  }

  private next(type: Token['type']): Token {
    const token = this.tokens[this.position];
    if (!token || token.type !== type) this.fail(`expected a ${type === 'word' ? 'property name' : type} at "${token?.text ?? 'the end'}"`);
    this.position += 1;
    return token;
  }

  private peekWord(word: string): boolean {
    const token = this.tokens[this.position];
    return token?.type === 'word' && token.text.toLowerCase() === word;
  }

  private peekPunct(text: string): boolean {
    const token = this.tokens[this.position];
    return token?.type === 'punct' && token.text === text;
  }

  private expectPunct(text: string): void {
    if (!this.peekPunct(text)) this.fail(`expected "${text}"`);
    this.position += 1;
  }

  private fail(reason: string): never {
    throw badRequest(`Invalid filter clause: ${reason} in "${this.source}"`);
  }
}

function evaluate(expression: Expression, item: Record<string, unknown>, scope: Record<string, unknown>): boolean {
  switch (expression.kind) {
    case 'and': return evaluate(expression.left, item, scope) && evaluate(expression.right, item, scope);
    case 'or': return evaluate(expression.left, item, scope) || evaluate(expression.right, item, scope);
    case 'not': return !evaluate(expression.operand, item, scope);
    case 'compare': return compare(resolve(item, expression.path, scope), expression.operator, expression.value);
    case 'in': {
      const value = resolve(item, expression.path, scope);
      return expression.values.some((candidate) => compare(value, 'eq', candidate));
    }
    case 'function': {
      const value = resolve(item, expression.path, scope);
      if (typeof value !== 'string') return false;
      const [haystack, needle] = [value.toLowerCase(), expression.value.toLowerCase()];
      if (expression.name === 'startswith') return haystack.startsWith(needle);
      if (expression.name === 'endswith') return haystack.endsWith(needle);
      return haystack.includes(needle);
    }
    case 'any': {
      const collection = resolve(item, expression.path, scope);
      return Array.isArray(collection) && collection.some((element) => evaluate(expression.body, item, { ...scope, [expression.variable]: element }));
    }
  }
}

function compare(actual: unknown, operator: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', expected: Literal): boolean {
  const normalise = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value ?? null);
  const a = normalise(actual);
  const b = normalise(expected);
  if (operator === 'eq') return a === b;
  if (operator === 'ne') return a !== b;
  let order: number;
  if (typeof a === 'string' && typeof b === 'string') order = a < b ? -1 : a > b ? 1 : 0;
  else if (typeof a === 'number' && typeof b === 'number') order = a - b;
  else return false;
  return operator === 'gt' ? order > 0 : operator === 'ge' ? order >= 0 : operator === 'lt' ? order < 0 : order <= 0;
}

/** 'teamsApp/id' on an item, or 'c' / 'c/name' inside any(c: …). */
function resolve(item: Record<string, unknown>, path: string[], scope: Record<string, unknown>): unknown {
  const [first, ...rest] = path;
  if (first === undefined) return undefined;
  let current: unknown = first in scope ? scope[first] : property(item, first);
  for (const segment of rest) current = isRecord(current) ? property(current, segment) : undefined;
  return current;
}

export function property(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function splitPath(text: string): string[] {
  return text.split('/').filter(Boolean);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
