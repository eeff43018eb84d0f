import { GraphError } from '../core/graphResponses';
import { compileFilter, property } from './filter';

// The OData query options the subset describes, applied to in-memory items: $filter, $orderby,
// $top (+ our $skiptoken paging with @odata.nextLink, as Graph pages), $count, $select and $expand.

export interface ProjectionOptions {
  /** Returned whatever $select says (events always carry id and @odata.etag). */
  alwaysSelected?: readonly string[];
  /** Returned when there is no $select (users: Graph's default property set); omitted → everything. */
  defaultProperties?: readonly string[];
  /** Navigation properties present on the item for $filter, returned only when $expand names them. */
  expandable?: readonly string[];
}

export interface CollectionOptions extends ProjectionOptions {
  /** Graph's default page size for this collection (events and calendarView: 10; users: 100). */
  defaultPageSize: number;
}

export interface CollectionRequest {
  query: Record<string, unknown>;
  /** Builds the @odata.nextLink for the page that starts at `offset`. */
  linkForOffset(offset: number): string;
}

export function answerCollection(items: readonly Record<string, unknown>[], request: CollectionRequest, options: CollectionOptions): Record<string, unknown> {
  const { query } = request;
  let selected = typeof query.$filter === 'string' ? items.filter(compileFilter(query.$filter)) : [...items];
  if (Array.isArray(query.$orderby)) selected = sortBy(selected, query.$orderby.map(String));
  const offset = Number(query.$skiptoken ?? 0) || 0;
  const pageSize = typeof query.$top === 'number' ? query.$top : options.defaultPageSize;
  const page = selected.slice(offset, offset + pageSize);
  const answer: Record<string, unknown> = {};
  if (query.$count === true) answer['@odata.count'] = selected.length;
  if (offset + pageSize < selected.length && pageSize > 0) answer['@odata.nextLink'] = request.linkForOffset(offset + pageSize);
  answer.value = page.map((item) => project(item, query, options));
  return answer;
}

/** $select / $expand on one entity (or one item of a collection). */
export function project(item: Record<string, unknown>, query: Record<string, unknown>, options: ProjectionOptions): Record<string, unknown> {
  const expanded = expansions(query, options.expandable ?? []);
  const withoutUnexpanded = Object.fromEntries(Object.entries(item).filter(([key]) => !(options.expandable ?? []).includes(key) || expanded.has(key)));
  const select = Array.isArray(query.$select) ? query.$select.map(String) : undefined;
  const wanted = select ?? options.defaultProperties;
  if (!wanted) return withoutUnexpanded;
  const keep = new Set([...wanted, ...(options.alwaysSelected ?? []), ...expanded].map((k) => k.toLowerCase()));
  return Object.fromEntries(Object.entries(withoutUnexpanded).filter(([key]) => keep.has(key.toLowerCase()) || key === '@odata.type'));
}

function expansions(query: Record<string, unknown>, expandable: readonly string[]): Set<string> {
  const requested = Array.isArray(query.$expand) ? query.$expand.map((e) => String(e).replace(/\(.*$/, '').trim()) : [];
  const known = new Set<string>();
  for (const name of requested) {
    const match = expandable.find((e) => e.toLowerCase() === name.toLowerCase());
    if (!match) throw new GraphError(501, 'NotImplemented', `The Graph sandbox does not support $expand=${name} here${expandable.length ? ` (it supports ${expandable.join(', ')})` : ''}.`);
    known.add(match);
  }
  return known;
}

/** $orderby=start/dateTime desc,subject — strings compare case-insensitively, nulls first (as OData sorts). */
function sortBy(items: Record<string, unknown>[], clauses: string[]): Record<string, unknown>[] {
  const keys = clauses.map((clause) => {
    const [path = '', direction = 'asc'] = clause.trim().split(/\s+/);
    if (!['asc', 'desc'].includes(direction.toLowerCase())) throw new GraphError(400, 'BadRequest', `Invalid $orderby direction "${direction}"`);
    return { path: path.split('/'), sign: direction.toLowerCase() === 'desc' ? -1 : 1 };
  });
  const valueAt = (item: Record<string, unknown>, path: string[]) => {
    let current: unknown = item;
    for (const segment of path) current = current && typeof current === 'object' && !Array.isArray(current) ? property(current as Record<string, unknown>, segment) : undefined; // plain JSON objects
    return typeof current === 'string' ? current.toLowerCase() : current;
  };
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const [x, y] = [valueAt(a, key.path), valueAt(b, key.path)];
      if (x === y) continue;
      if (x === undefined || x === null) return -key.sign;
      if (y === undefined || y === null) return key.sign;
      return (x < y ? -1 : 1) * key.sign;
    }
    return 0;
  });
}
