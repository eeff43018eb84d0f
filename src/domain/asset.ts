import { domainError, type DomainError } from './errors';
import type { UserId } from './ids';
import { cleanText, overLimitMessage } from './journal';
import type { ExperimentId, RoundId } from './roundIds';
import { stamp, type IsoInstant } from './time';
import { characterCount, invalidInput } from './validation';
import { isStaleVersion } from './version';

/**
 * Something others could reuse, saved during practice: a prompt, a context file, a reference link or
 * workflow steps. Private to the author (and their manager) until the author shares it with the round.
 */
export const ASSET_KINDS = ['prompt', 'context_file', 'reference', 'workflow'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export type AssetId = string & { readonly __brand: 'AssetId' };

export interface Asset {
  readonly id: AssetId;
  readonly roundId: RoundId;
  readonly experimentId: ExperimentId;
  readonly authorId: UserId;
  readonly kind: AssetKind;
  readonly title: string;
  /** The text itself; '' for a link. */
  readonly content: string;
  /** An http(s) URL, or null when the asset is text. */
  readonly url: string | null;
  /** Display name of the tool the experiment practised. */
  readonly tool: string;
  readonly goodFor: string;
  readonly shared: boolean;
  readonly sharedAt: IsoInstant | null;
  readonly createdAt: IsoInstant;
  readonly updatedAt: IsoInstant;
  readonly version: number;
}

/**
 * Documented limits: content up to 16,000 characters (a long prompt or a context file; well under Table
 * Storage's 32,768 per property), a title of 3–120, "good for" of 3–300, a URL of at most 2,000.
 */
export const ASSET_LIMITS = {
  contentCharacters: 16_000,
  title: { min: 3, max: 120 },
  goodFor: { min: 3, max: 300 },
  urlCharacters: 2_000,
} as const;

export const ASSET_KIND_LABELS: Readonly<Record<AssetKind, string>> = {
  prompt: 'Prompt',
  context_file: 'Context file',
  reference: 'Reference link',
  workflow: 'Workflow steps',
};

const SUBMISSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The client makes a uuid per form; the asset's id is that uuid, so sending the same form twice is one asset. */
export function parseAssetId(value: unknown): AssetId | null {
  return typeof value === 'string' && SUBMISSION_ID.test(value) ? (value.toLowerCase() as AssetId) : null;
}

export interface AssetInput {
  readonly kind?: string;
  readonly title?: string;
  readonly content?: string;
  readonly url?: string | null;
  readonly goodFor?: string;
}

export interface AssetChanges extends AssetInput {
  readonly shared?: boolean;
  readonly expectedVersion?: number;
}

/** Only http and https: a javascript:, data: or file: link in a shared library is a trap for the next reader. */
export function checkUrl(raw: string): string | null {
  if (characterCount(raw) > ASSET_LIMITS.urlCharacters) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function assetFields(input: AssetInput, base: Pick<Asset, 'kind' | 'title' | 'content' | 'url' | 'goodFor'> | null): Pick<Asset, 'kind' | 'title' | 'content' | 'url' | 'goodFor'> | DomainError {
  const errors: Record<string, string> = {};
  const kindRaw = input.kind ?? base?.kind;
  const kind = (ASSET_KINDS as readonly string[]).includes(kindRaw ?? '') ? (kindRaw as AssetKind) : null;
  if (!kind) errors.kind = 'Choose what it is: a prompt, a context file, a reference link or workflow steps.';
  const title = cleanText(input.title ?? base?.title);
  if (characterCount(title) < ASSET_LIMITS.title.min || characterCount(title) > ASSET_LIMITS.title.max) {
    errors.title = `Give it a title of ${ASSET_LIMITS.title.min} to ${ASSET_LIMITS.title.max} characters.`;
  }
  const goodFor = cleanText(input.goodFor ?? base?.goodFor);
  if (characterCount(goodFor) < ASSET_LIMITS.goodFor.min || characterCount(goodFor) > ASSET_LIMITS.goodFor.max) {
    errors.goodFor = `Say in a line what it is good for (${ASSET_LIMITS.goodFor.min} to ${ASSET_LIMITS.goodFor.max} characters).`;
  }
  // Tabs and line breaks matter in prompts and workflows; other control characters are dropped.
  const content = cleanText(input.content ?? base?.content);
  const over = characterCount(content) - ASSET_LIMITS.contentCharacters;
  if (over > 0) errors.content = overLimitMessage('The content', ASSET_LIMITS.contentCharacters, over);
  const urlRaw = (input.url === undefined ? base?.url ?? '' : input.url ?? '').trim();
  let url: string | null = null;
  if (urlRaw !== '') {
    url = checkUrl(urlRaw);
    if (!url) errors.url = 'A link must start with http:// or https:// (and be at most 2,000 characters).';
  }
  if (kind === 'reference' && urlRaw === '') errors.url = 'A reference link needs its address (http:// or https://).';
  if (kind && kind !== 'reference' && content === '' && !errors.content) errors.content = 'Paste the text itself (up to 16,000 characters).';
  if (Object.keys(errors).length > 0) return invalidInput(errors);
  return { kind: kind!, title, content: kind === 'reference' ? content : content, url, goodFor };
}

export interface NewAssetContext {
  readonly id: AssetId;
  readonly roundId: RoundId;
  readonly experimentId: ExperimentId;
  readonly authorId: UserId;
  readonly tool: string;
  readonly now: IsoInstant;
}

export function createAsset(input: AssetInput, context: NewAssetContext): Asset | DomainError {
  const fields = assetFields(input, null);
  if ('message' in fields) return fields;
  const now = stamp(context.now);
  return {
    id: context.id, roundId: context.roundId, experimentId: context.experimentId, authorId: context.authorId, tool: context.tool,
    ...fields, shared: false, sharedAt: null, createdAt: now, updatedAt: now, version: 1,
  };
}

/** Edits and sharing: the author only. Unsharing is allowed (the library shows it no more). Nothing different → the same asset. */
export function changeAsset(asset: Asset, changes: AssetChanges, actorId: UserId, now: IsoInstant): Asset | DomainError {
  if (asset.authorId !== actorId) return domainError('forbidden', 'Only the person who saved this asset can change or share it.');
  if (isStaleVersion(changes.expectedVersion, asset.version)) {
    return domainError('conflict', 'This asset changed since you opened it. Reload it to see the latest, then make your change again.');
  }
  const fields = assetFields(changes, asset);
  if ('message' in fields) return fields;
  const shared = changes.shared ?? asset.shared;
  const same = shared === asset.shared && (Object.keys(fields) as (keyof typeof fields)[]).every((key) => fields[key] === asset[key]);
  if (same) return asset;
  const at = stamp(now);
  return { ...asset, ...fields, shared, sharedAt: shared ? asset.sharedAt ?? at : null, updatedAt: at, version: asset.version + 1 };
}

/** Library search: tool and kind exactly (case-insensitive tool), `q` anywhere in title, good-for or content. */
export function matchesSearch(asset: Asset, search: { tool?: string; kind?: string; q?: string }): boolean {
  if (search.tool && asset.tool.toLowerCase() !== search.tool.trim().toLowerCase()) return false;
  if (search.kind && asset.kind !== search.kind) return false;
  const q = search.q?.trim().toLowerCase();
  if (q && ![asset.title, asset.goodFor, asset.content, asset.url ?? ''].some((text) => text.toLowerCase().includes(q))) return false;
  return true;
}
