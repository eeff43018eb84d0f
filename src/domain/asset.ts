import type { UserId } from './ids';
import type { ExperimentId, RoundId } from './roundIds';
import type { IsoInstant } from './time';

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
