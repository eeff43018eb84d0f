import { practiceWaitsForPolicy } from '../domain/acknowledgement';
import { ASSET_KIND_LABELS, changeAsset, createAsset, matchesSearch, parseAssetId, type Asset, type AssetChanges, type AssetId, type AssetInput } from '../domain/asset';
import { domainError, isDomainError, type DomainError } from '../domain/errors';
import type { Experiment } from '../domain/experiment';
import type { UserId } from '../domain/ids';
import { canManageRound, type Round } from '../domain/round';
import type { RoundId } from '../domain/roundIds';
import { redactFields, sensitiveDataFound, type SensitiveChoice, type SensitiveDataFound } from '../domain/sensitiveData';
import { toolName } from '../domain/toolCatalogue';
import { ConcurrencyConflictError, EntityAlreadyExistsError } from '../ports/storageErrors';
import { relationTo, requireRoundMember, type StaleWrite } from './journal';
import { loadRound } from './access';
import type { Caller, UseCasePorts } from './ports';

/** Assets can be saved once the plan is approved (practice, sharing, and after the decision). */
const SAVING_STATES: readonly Experiment['state'][] = ['approved', 'practising', 'sharing', 'decided'];

export interface SaveAssetInput extends AssetInput {
  /** A uuid the form makes once: the same submission twice is one asset. */
  readonly submissionId?: string;
  readonly sensitiveData?: SensitiveChoice;
}

export interface SavedAsset { readonly asset: Asset; readonly created: boolean }

const textFields = (asset: Pick<Asset, 'title' | 'content' | 'goodFor'> & { url: string | null }) => ({ title: asset.title, content: asset.content, goodFor: asset.goodFor, url: asset.url ?? '' });


/** Saves an asset from the journal card, the `save asset` command's card or the dashboard. */
export async function saveAsset(roundId: RoundId, caller: Caller, input: SaveAssetInput, ports: UseCasePorts): Promise<SavedAsset | DomainError | SensitiveDataFound> {
  const id = parseAssetId(input.submissionId);
  if (!id) return domainError('invalid_input', 'The form is missing its submission id; reload it and try again.', { fieldErrors: { submissionId: 'A submission id is a uuid made by the form.' } });
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  const existing = await ports.assets.get(roundId, id);
  if (existing) {
    if (existing.asset.authorId !== caller.userId) return domainError('conflict', 'That submission id is already used; reload the form and save again.');
    return { asset: existing.asset, created: false };
  }
  const stored = await ports.experiments.get(roundId, caller.userId);
  if (!stored || !SAVING_STATES.includes(stored.experiment.state) || !stored.experiment.selection) {
    return domainError('conflict', 'Assets are saved from an experiment: once your plan is approved you can save prompts, files, links and workflows here.');
  }
  const experiment = stored.experiment;
  const waits = practiceWaitsForPolicy(round, await ports.acknowledgements.latest(roundId, caller.userId), 'saveAsset', { tool: experiment.selection!.tool });
  if (waits) return waits;
  const context = { id, roundId, experimentId: experiment.id, authorId: caller.userId, tool: toolName(experiment.selection!.tool), now: ports.clock.now().toISOString() };
  let asset = createAsset(input, context);
  if (isDomainError(asset)) return asset;
  const findings = await ports.sensitiveData.scan(textFields(asset), round.sensitiveTerms ?? []);
  if (findings.length > 0) {
    if (!input.sensitiveData) return sensitiveDataFound(findings);
    if (input.sensitiveData === 'redact') {
      const redacted = redactFields(textFields(asset), findings);
      // A link with a token in it cannot be "redacted" into a working link: it is dropped and the person told by the result.
      asset = createAsset({ ...input, ...redacted, url: findings.some((f) => f.field === 'url') ? '' : input.url }, context);
      if (isDomainError(asset)) return asset;
    }
  }
  try {
    return { asset: (await ports.assets.create(asset)).asset, created: true };
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsError)) throw error;
    // The same submission raced itself (a double click): the first one won; this one answers with it.
    const winner = await ports.assets.get(roundId, id);
    if (winner && winner.asset.authorId === caller.userId) return { asset: winner.asset, created: false };
    throw error;
  }
}

/** Edits and sharing (author only). New text is checked like a new asset. */
export async function changeMyAsset(roundId: RoundId, assetId: string, caller: Caller, changes: AssetChanges & { sensitiveData?: SensitiveChoice }, ports: UseCasePorts): Promise<Asset | DomainError | SensitiveDataFound | StaleWrite<Asset>> {
  const id = parseAssetId(assetId);
  const stored = id ? await ports.assets.get(roundId, id) : null;
  if (!stored) return domainError('not_found', 'That asset does not exist (any more).');
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  // Stopping sharing is always allowed (it only takes something back); saving and sharing wait for the current policy.
  const onlyUnsharing = Object.entries(changes).every(([key, value]) => value === undefined || key === 'expectedVersion' || key === 'sensitiveData' || (key === 'shared' && value === false));
  if (!onlyUnsharing && stored.asset.authorId === caller.userId) {
    const experiment = await ports.experiments.get(roundId, caller.userId);
    const tool = experiment?.experiment.selection?.tool;
    const waits = practiceWaitsForPolicy(round, await ports.acknowledgements.latest(roundId, caller.userId), changes.shared === true && !stored.asset.shared ? 'shareAsset' : 'saveAsset', tool ? { tool } : {});
    if (waits) return waits;
  }
  let next = changeAsset(stored.asset, changes, caller.userId, ports.clock.now().toISOString());
  if (isDomainError(next)) {
    if (next.kind === 'conflict' && changes.expectedVersion !== undefined) return { kind: 'stale', message: next.message, current: stored.asset };
    return next;
  }
  if (next === stored.asset) return next;
  const before = textFields(stored.asset);
  const after = textFields(next);
  const changed = Object.fromEntries(Object.entries(after).filter(([key, value]) => before[key as keyof typeof before] !== value));
  const findings = await ports.sensitiveData.scan(changed, round.sensitiveTerms ?? []);
  if (findings.length > 0) {
    if (!changes.sensitiveData) return sensitiveDataFound(findings);
    if (changes.sensitiveData === 'redact') {
      const redacted = redactFields(changed, findings);
      next = changeAsset(stored.asset, { ...changes, ...redacted, url: findings.some((f) => f.field === 'url') ? '' : changes.url }, caller.userId, ports.clock.now().toISOString());
      if (isDomainError(next)) return next;
    }
  }
  try {
    return (await ports.assets.update(next, stored.etag)).asset;
  } catch (error) {
    if (!(error instanceof ConcurrencyConflictError)) throw error;
    const current = await ports.assets.get(roundId, stored.asset.id);
    return { kind: 'stale', message: 'This asset changed since you opened it. Reload it to see the latest, then make your change again.', current: current?.asset ?? stored.asset };
  }
}

export async function listMyAssets(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<Asset[] | DomainError> {
  const notMember = await requireRoundMember(roundId, caller, ports);
  if (notMember) return notMember;
  return ports.assets.listForAuthor(roundId, caller.userId);
}

/** A person's assets (shared or not) for themselves, their manager or an owner. */
export async function assetsOf(roundId: RoundId, userId: UserId, caller: Caller, ports: UseCasePorts): Promise<Asset[] | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  if (!(await relationTo(round, userId, caller, ports))) return domainError('forbidden', 'Only this person, their manager or the round\'s owners can see assets they have not shared.');
  return ports.assets.listForAuthor(roundId, userId);
}

/** Members, owners, and managers of a member may read the round's shared library. */
export async function mayReadLibrary(round: Round, caller: Caller, ports: UseCasePorts): Promise<boolean> {
  if (canManageRound(round, caller)) return true;
  if (await ports.roundMembers.get(round.id, caller.userId)) return true;
  const reports = await ports.directory.listDirectReports(caller.userId);
  for (const report of reports) if (await ports.roundMembers.get(round.id, report.id)) return true;
  return false;
}

export interface AssetSearch { readonly tool?: string; readonly kind?: string; readonly q?: string }

export async function searchSharedAssets(roundId: RoundId, search: AssetSearch, caller: Caller, ports: UseCasePorts): Promise<Asset[] | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  if (!(await mayReadLibrary(round, caller, ports))) return domainError('forbidden', 'The library of a round is open to its participants, their managers and its owners.');
  return (await ports.assets.listShared(roundId)).filter((asset) => matchesSearch(asset, search));
}

export interface AssetExport { readonly contentType: string; readonly fileName: string; readonly body: string }

/** Owner only: every shared asset with its provenance (author, tool, experiment, when saved and shared). */
export async function exportSharedAssets(roundId: RoundId, format: 'md' | 'json', caller: Caller, ports: UseCasePorts): Promise<AssetExport | DomainError> {
  const round = await loadRound(roundId, ports);
  if (isDomainError(round)) return round;
  if (!canManageRound(round, caller)) return domainError('forbidden', 'Only the round\'s owners (or an app admin) can export its library.');
  const assets = await ports.assets.listShared(roundId);
  const names = new Map<string, string>();
  for (const id of new Set(assets.map((a) => a.authorId))) names.set(id, (await ports.directory.getPerson(id))?.displayName ?? id);
  const exportedAt = ports.clock.now().toISOString();
  const items = assets.map((a) => ({
    id: a.id, kind: a.kind, title: a.title, content: a.content, url: a.url, goodFor: a.goodFor, tool: a.tool,
    provenance: { roundId, roundName: round.name, experimentId: a.experimentId, authorId: a.authorId, authorName: names.get(a.authorId) ?? a.authorId, savedAt: a.createdAt, sharedAt: a.sharedAt, updatedAt: a.updatedAt },
  }));
  if (format === 'json') return { contentType: 'application/json', fileName: `${roundId}-assets.json`, body: JSON.stringify({ round: { id: roundId, name: round.name }, exportedAt, assets: items }, null, 2) };
  // Markdown: user text goes inside fenced blocks (a fence longer than any backtick run in it), so it cannot become headings or links.
  const fence = (text: string) => '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const line = (text: string) => text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&').replace(/\s+/g, ' ');
  const parts = [`# Shared assets: ${line(round.name)}`, '', `Exported ${exportedAt} · ${items.length} asset${items.length === 1 ? '' : 's'}`, ''];
  for (const item of items) {
    parts.push(`## ${line(item.title)}`, '', `- Kind: ${ASSET_KIND_LABELS[item.kind]}`, `- Tool: ${line(item.tool)}`, `- Good for: ${line(item.goodFor)}`,
      `- By ${line(item.provenance.authorName)} (${item.provenance.authorId}), experiment ${item.provenance.experimentId}`, `- Saved ${item.provenance.savedAt}, shared ${item.provenance.sharedAt ?? '—'}`);
    if (item.url) parts.push(`- Link: <${encodeURI(item.url)}>`);
    if (item.content) parts.push('', fence(item.content), item.content, fence(item.content));
    parts.push('');
  }
  return { contentType: 'text/markdown; charset=utf-8', fileName: `${roundId}-assets.md`, body: parts.join('\n') };
}

export type { AssetId };

/** The name of the tool the caller's experiment in this round practises: what their asset form is about (null: no tool chosen yet). */
export async function myPractisedToolName(roundId: RoundId, caller: Caller, ports: Pick<UseCasePorts, 'experiments'>): Promise<string | null> {
  const selection = (await ports.experiments.get(roundId, caller.userId))?.experiment.selection;
  return selection ? toolName(selection.tool) : null;
}
