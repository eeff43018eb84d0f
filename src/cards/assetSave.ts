import template from './assetSave.json';
import sharedTemplate from './assetShared.json';
import { ASSET_KIND_LABELS, ASSET_KINDS, ASSET_LIMITS, type Asset } from '../domain/asset';
import type { SensitiveFinding } from '../domain/sensitiveData';
import { expandForm, placeErrors, readFormValues, topError, type FieldErrors, type FormValues } from './forms';
import { formatDay } from './format';
import type { AdaptiveCardJson } from './render';
import { findingLines } from './sensitiveFindings';

/**
 * The asset form: from the `save asset` command (standalone) or inside the journal card ("Save an asset").
 * `submissionId` is a uuid made when the form is rendered and carried in the action's data, so a double
 * click or a retried submit is the same asset. Ids: `kind`, `title`, `content`, `url`, `goodFor`.
 */
export const ASSET_INPUT_IDS = ['kind', 'title', 'content', 'url', 'goodFor'] as const;
export type AssetInputId = (typeof ASSET_INPUT_IDS)[number];
export type AssetValues = FormValues<AssetInputId>;

export interface AssetFormData {
  readonly roundId: string;
  readonly submissionId: string;
  readonly tool: string;
  readonly standalone?: boolean;
  readonly values?: AssetValues;
  readonly errors?: FieldErrors;
  readonly formError?: string;
  readonly sensitiveFindings?: readonly SensitiveFinding[];
  readonly sensitiveMessage?: string;
}

const SLOTS = { kind: ['kind'], title: ['title'], content: ['content'], url: ['url'], goodFor: ['goodFor'] } as const;

export function renderAssetFormCard(data: AssetFormData): AdaptiveCardJson {
  const { beside, rest } = placeErrors(SLOTS, data.errors);
  return expandForm(template, {
    standalone: data.standalone ?? true,
    roundId: data.roundId,
    submissionId: data.submissionId,
    // The tool may be an "other" tool the participant named: it goes in a TextRun, where Markdown does not render.
    intro: `From your ${data.tool} practice. Only you and your manager see it until you share it with the round. Text up to ${ASSET_LIMITS.contentCharacters.toLocaleString('en-GB')} characters, or a link.`,
    formError: topError(data.formError, rest),
    sensitive: { shown: (data.sensitiveFindings ?? []).length > 0, message: data.sensitiveMessage ?? '', findings: findingLines(data.sensitiveFindings) },
    kinds: ASSET_KINDS.map((kind) => ({ title: ASSET_KIND_LABELS[kind], value: kind })),
    v: { kind: 'prompt', title: '', content: '', url: '', goodFor: '', ...data.values },
    e: beside,
  });
}

export function readAssetSubmission(raw: unknown): { roundId: string; submissionId: string; sensitiveData: 'redact' | 'confirm' | undefined; values: AssetValues } | null {
  const values = readFormValues(raw, ASSET_INPUT_IDS);
  const hidden = readFormValues(raw, ['roundId', 'submissionId', 'sensitiveData'] as const);
  if (!values || !hidden?.roundId || !hidden.submissionId) return null;
  return { roundId: hidden.roundId, submissionId: hidden.submissionId, sensitiveData: hidden.sensitiveData === 'redact' || hidden.sensitiveData === 'confirm' ? hidden.sensitiveData : undefined, values };
}

/** The saved asset, with "Share with the round" (or "Stop sharing"). */
export function renderAssetCard(asset: Asset, heading?: string): AdaptiveCardJson {
  const content = [...asset.content];
  return expandForm(sharedTemplate, {
    heading: heading ?? (asset.shared ? 'Shared with the round' : 'Saved to your library'),
    title: asset.title, kindLabel: ASSET_KIND_LABELS[asset.kind], tool: asset.tool, savedOn: formatDay(asset.createdAt.slice(0, 10)),
    goodFor: asset.goodFor, url: asset.url ?? '',
    // A chat card holds a preview; the library (dashboard) shows the whole text.
    content: content.length > 3000 ? `${content.slice(0, 3000).join('')}…` : asset.content,
    visibility: asset.shared ? 'Everyone in the round can find this in the library.' : 'Only you and your manager can see this until you share it.',
    shared: asset.shared, roundId: asset.roundId, assetId: asset.id, version: asset.version,
  });
}
