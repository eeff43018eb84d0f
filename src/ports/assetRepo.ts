import type { Asset, AssetId } from '../domain/asset';
import type { UserId } from '../domain/ids';
import type { RoundId } from '../domain/roundIds';
import type { RepoOptions } from './roundRepo';

export interface StoredAsset { readonly asset: Asset; readonly etag: string }

export interface AssetCounts { readonly saved: number; readonly shared: number }

export interface AssetRepo {
  /** The author's assets in the round, newest first. */
  listForAuthor(roundId: RoundId, userId: UserId, options?: RepoOptions): Promise<Asset[]>;
  /** Assets shared with the round, newest first. */
  listShared(roundId: RoundId, options?: RepoOptions): Promise<Asset[]>;
  get(roundId: RoundId, assetId: AssetId, options?: RepoOptions): Promise<StoredAsset | null>;
  /** Fails with EntityAlreadyExistsError when the id is taken (ids come from the client's submission id). */
  create(asset: Asset, options?: RepoOptions): Promise<StoredAsset>;
  /** Conditional on `etag`; a lost race throws ConcurrencyConflictError. */
  update(asset: Asset, etag: string, options?: RepoOptions): Promise<StoredAsset>;
  /** One partition query over the round. */
  countsForRound(roundId: RoundId, options?: RepoOptions): Promise<Map<UserId, AssetCounts>>;
}
