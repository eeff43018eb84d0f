import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { isDomainError, type DomainError } from '../domain/errors';
import type { ExportTable } from '../usecases/queries/exports';

const STATUS: Record<DomainError['kind'], number> = { not_found: 404, forbidden: 403, invalid_input: 422, conflict: 409 };

/**
 * A domain error as HTTP: the status from its kind, the sentence as `error`, field errors when there are some.
 * A conflict may carry the record as it now stands (`current`), so a form can say "this changed since you
 * opened it" and show the latest without losing what the person typed.
 */
export function sendDomainError(res: Response, error: DomainError, current?: unknown): void {
  res.status(STATUS[error.kind]).json({
    error: error.message, kind: error.kind,
    ...(error.kind === 'invalid_input' && error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
    ...(error.kind === 'conflict' && current !== undefined ? { current } : {}),
    // "Confirm version 2 first": where to do it, in the participant's view of the tab (served at /tab/).
    ...(error.kind === 'conflict' && error.confirmPolicy ? {
      confirm: { policyVersion: error.confirmPolicy.policyVersion, href: `/tab/#/me/${encodeURIComponent(error.confirmPolicy.roundId)}`, label: `Confirm version ${error.confirmPolicy.policyVersion} of the safe-use policy` },
    } : {}),
  });
}

/** A query's answer as JSON, or its refusal as the status its kind maps to. */
export function sendAnswer(res: Response, answer: unknown): void {
  if (isDomainError(answer)) return sendDomainError(res, answer);
  res.json(answer);
}

/** A table as a CSV download (header row first), or its refusal. */
export function sendCsv(res: Response, table: ExportTable | DomainError): void {
  if (isDomainError(table)) return sendDomainError(res, table);
  res.type('text/csv').attachment(table.fileName).send(stringify(table.rows.map((row) => [...row]), { header: true, columns: [...table.columns] }));
}
