import { z } from 'zod';
import { ASSET_KINDS, parseAssetId, type Asset } from '../../domain/asset';
import { parseUserId, type UserId } from '../../domain/ids';
import { parseExperimentId, parseRoundId } from '../../domain/roundIds';
import type { AssetCounts, AssetRepo } from '../../ports/assetRepo';
import type { RepoOptions } from '../../ports/roundRepo';
import type { EntityTable, StoredEntity } from './entityTable';

/*
 * Key map:
 *   <prefix>Assets  PK = roundId  RK = assetId (the client's submission uuid)   kind, title, content (≤ 16,000 characters), url, tool, goodFor, shared
 * One partition per round: the library (shared), an author's own list and the round's counts are each one query.
 */
const assetSchema = z.object({
  experimentId: z.string(), authorId: z.string(), kind: z.enum(ASSET_KINDS), title: z.string(), content: z.string(), url: z.string().nullable().optional(),
  tool: z.string(), goodFor: z.string(), shared: z.boolean(), sharedAt: z.string().nullable().optional(), createdAt: z.string(), updatedAt: z.string(), version: z.number().int(),
});

function toAsset(row: StoredEntity): Asset {
  const data = assetSchema.parse(row.properties);
  const id = parseAssetId(row.rowKey);
  const roundId = parseRoundId(row.partitionKey);
  const experimentId = parseExperimentId(data.experimentId);
  const authorId = parseUserId(data.authorId);
  if (!id || !roundId || !experimentId || !authorId) throw new Error(`asset ${row.rowKey} holds invalid ids`);
  return { ...data, id, roundId, experimentId, authorId, url: data.url ?? null, sharedAt: data.sharedAt ?? null };
}

function columnsOf(asset: Asset) {
  const { id: _id, roundId: _roundId, ...columns } = asset;
  return columns;
}

const newestFirst = (a: Asset, b: Asset) => b.createdAt.localeCompare(a.createdAt);

export function createTableAssetRepo(table: EntityTable): AssetRepo {
  const ensure = (options?: RepoOptions) => table.ensureCreated(options);
  async function all(roundId: Asset['roundId'], options?: RepoOptions): Promise<Asset[]> {
    await ensure(options);
    const out: Asset[] = [];
    for await (const row of table.listPartition(roundId, options)) out.push(toAsset(row));
    return out;
  }

  return {
    async listForAuthor(roundId, userId, options) {
      return (await all(roundId, options)).filter((a) => a.authorId === userId).sort(newestFirst);
    },
    async listShared(roundId, options) {
      return (await all(roundId, options)).filter((a) => a.shared).sort(newestFirst);
    },
    async get(roundId, assetId, options) {
      await ensure(options);
      const row = await table.get(roundId, assetId, options);
      return row ? { asset: toAsset(row), etag: row.etag } : null;
    },
    async create(asset, options) {
      await ensure(options);
      return { asset, etag: await table.create(asset.roundId, asset.id, columnsOf(asset), options) };
    },
    async update(asset, etag, options) {
      await ensure(options);
      return { asset, etag: await table.update(asset.roundId, asset.id, columnsOf(asset), etag, options) };
    },
    async countsForRound(roundId, options) {
      const counts = new Map<UserId, AssetCounts>();
      for (const asset of await all(roundId, options)) {
        const before = counts.get(asset.authorId) ?? { saved: 0, shared: 0 };
        counts.set(asset.authorId, { saved: before.saved + 1, shared: before.shared + (asset.shared ? 1 : 0) });
      }
      return counts;
    },
  };
}
