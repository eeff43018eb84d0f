import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import schemaFile from '../../tools/adaptive-cards/adaptive-card-1.5.schema.json';

/**
 * Validates a card against Microsoft's Adaptive Card 1.5 schema (the project's copy; see its NOTICE).
 * The schema's element types are an `anyOf` without a discriminator, so Ajv's own first error usually
 * comes from the wrong branch; we also validate each typed element against its own definition to
 * report something a person can read (the loading recipe from the schema's README).
 */
let validators: { card: ValidateFunction; ajv: Ajv } | undefined;

function load() {
  if (validators) return validators;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addMetaSchema(draft06);
  const { id: _legacyId, ...schema } = schemaFile as Record<string, unknown>;
  ajv.addSchema({ ...schema, $id: 'adaptive-card-1.5' });
  const card = ajv.getSchema('adaptive-card-1.5');
  if (!card) throw new Error('could not compile the Adaptive Card schema');
  validators = { card, ajv };
  return validators;
}

function describe(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).map((e) => `${where}${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

export function cardSchemaErrors(card: unknown): string[] {
  const { card: validateCard, ajv } = load();
  if (validateCard(card)) return [];
  const precise: string[] = [];
  (function visit(node: unknown, path: string) {
    if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${path}/${i}`));
    if (!node || typeof node !== 'object') return;
    const type = (node as { type?: unknown }).type;
    if (typeof type === 'string' && path !== '') {
      const validateElement = ajv.getSchema(`adaptive-card-1.5#/definitions/${type}`);
      if (!validateElement) precise.push(`${path} unknown element type "${type}"`);
      else if (!validateElement(node)) precise.push(...describe(validateElement.errors, path));
    }
    for (const [key, value] of Object.entries(node)) visit(value, `${path}/${key}`);
  })(card, '');
  return precise.length > 0 ? precise : describe(validateCard.errors, '');
}

/** Every Input has an id (a submit carries only inputs that have one, so an id-less input is silently lost). */
export function inputsWithoutId(card: unknown): string[] {
  const missing: string[] = [];
  (function visit(node: unknown, path: string) {
    if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${path}/${i}`));
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && !record.id) missing.push(path);
    for (const [key, value] of Object.entries(record)) visit(value, `${path}/${key}`);
  })(card, '');
  return missing;
}

export const MAX_CARD_BYTES = 28 * 1024;

export function cardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
