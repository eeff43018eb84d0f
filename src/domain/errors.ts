/**
 * Domain errors are values, not exceptions: each has a `kind` the edges map to a status or a card,
 * and a sentence the person can act on. Later features add their kinds to this union.
 */
export type DomainError =
  | { readonly kind: 'not_found'; readonly message: string }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'invalid_input'; readonly message: string; readonly fieldErrors?: Readonly<Record<string, string>> }
  | { readonly kind: 'conflict'; readonly message: string; readonly confirmPolicy?: PolicyToConfirm };

/** What a refusal asks the person to confirm first (the edges turn it into a link or a button to it). */
export interface PolicyToConfirm {
  readonly roundId: string;
  readonly policyVersion: number;
}

export function domainError<K extends DomainError['kind']>(kind: K, message: string, extra: Omit<Extract<DomainError, { kind: K }>, 'kind' | 'message'> = {} as never): DomainError {
  return { kind, message, ...extra } as DomainError;
}

export function isDomainError(value: unknown): value is DomainError {
  return typeof value === 'object' && value !== null && 'kind' in value && 'message' in value &&
    ['not_found', 'forbidden', 'invalid_input', 'conflict'].includes((value as { kind: string }).kind);
}
