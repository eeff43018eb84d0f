import { isDomainError, type DomainError } from '../../domain/errors';
import type { UserId } from '../../domain/ids';
import { JOURNAL_LIMITS } from '../../domain/journal';
import type { RoundId } from '../../domain/roundIds';
import type { Assets, CheckInDigest, JournalEntries } from '../../contracts/journals';
import { assetsOf, listMyAssets, searchSharedAssets, type AssetSearch } from '../assets';
import { managerDigest } from '../checkIns';
import { journalsOf, listMyJournals } from '../journal';
import type { Caller, UseCasePorts } from '../ports';

/**
 * Step 4 as the tabs show it: journal entries (with how long an entry stays editable), assets, the shared library
 * and a manager's digest. Who may read each is decided by the journal and asset use cases these call.
 */

const withEditableDays = (entries: JournalEntries['value'] | DomainError): JournalEntries | DomainError =>
  (isDomainError(entries) ? entries : { value: entries, editableDays: JOURNAL_LIMITS.editableDays });
const asList = (assets: Assets['value'] | DomainError): Assets | DomainError => (isDomainError(assets) ? assets : { value: assets });

/** The caller's own journal entries in a round. */
export async function myJournalsQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<JournalEntries | DomainError> {
  return withEditableDays(await listMyJournals(roundId, caller, ports));
}

/** A person's journal entries, for them, their manager or the round's owners. */
export async function journalsOfQuery(roundId: RoundId, userId: UserId, caller: Caller, ports: UseCasePorts): Promise<JournalEntries | DomainError> {
  return withEditableDays(await journalsOf(roundId, userId, caller, ports));
}

/** The caller's own saved assets in a round, shared or not. */
export async function myAssetsQuery(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<Assets | DomainError> {
  return asList(await listMyAssets(roundId, caller, ports));
}

/** A person's assets, shared or not, for them, their manager or the round's owners. */
export async function assetsOfQuery(roundId: RoundId, userId: UserId, caller: Caller, ports: UseCasePorts): Promise<Assets | DomainError> {
  return asList(await assetsOf(roundId, userId, caller, ports));
}

/** The round's shared library, filtered by tool, kind and words. */
export async function sharedLibraryQuery(roundId: RoundId, search: AssetSearch, caller: Caller, ports: UseCasePorts): Promise<Assets | DomainError> {
  return asList(await searchSharedAssets(roundId, search, caller, ports));
}

/** The caller's digest of their practising reports (empty for someone with none). */
export async function checkInDigestQuery(caller: Caller, ports: UseCasePorts): Promise<CheckInDigest> {
  return { value: await managerDigest(caller.userId, ports) };
}
