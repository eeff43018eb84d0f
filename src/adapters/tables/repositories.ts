import { parseExperimentId } from '../../domain/roundIds';
import { createTableAssetRepo } from './assetRepo';
import { createTableBookingRepo } from './bookingRepo';
import type { EntityTable } from './entityTable';
import { createTableAcknowledgementRepo, createTableExperimentRepo } from './experimentRepo';
import { createTableJournalRepo } from './journalRepo';
import { createTableMemberRepo } from './memberRepo';
import { createTableRoundCounters } from './roundCounters';
import { createTableRoundMemberRepo, createTableRoundRepo } from './roundRepo';
import { createTableDemoClockStore, createTableScheduleStore } from './scheduleStore';
import { createTableSharebackRepo } from './sharebackRepo';
import { createTableSharebackSessionRepo } from './sharebackSessionRepo';

/** Opens one table by its name (the prefix is the caller's) and the label its errors use. */
export type OpenTable = (name: string, label: string) => EntityTable;

/**
 * Every repository over Table Storage, wired to each other the one way the counters need: each record that owns a
 * funnel fact copies it onto the person's member row, where the round's counters count it. The service wires these
 * over Azure Table Storage (or Azurite), and the in-memory test kit over its fake tables, so both run the same code.
 */
export function createTableRepositories(table: OpenTable) {
  const roundTables = { rounds: table('Rounds', 'round'), roundsByOwner: table('RoundsByOwner', 'owner index'), members: table('RoundMembers', 'round member'), memberships: table('Memberships', 'membership'), roundsByStatus: table('RoundsByStatus', 'round status index') };
  const roundMembers = createTableRoundMemberRepo(roundTables);
  const experiments = createTableExperimentRepo({ experiments: table('Experiments', 'experiment'), reviewQueue: table('ReviewQueue', 'review queue entry') }, roundMembers);
  const acknowledgements = createTableAcknowledgementRepo(table('Acknowledgements', 'acknowledgement'), roundMembers);
  const journals = createTableJournalRepo({ journals: table('Journals', 'journal entry'), reminders: table('JournalReminders', 'journal reminder') }, roundMembers);
  const shareback = table('Shareback', 'shareback session');
  const sharebackSessions = createTableSharebackSessionRepo({ shareback, meetingChats: table('MeetingChats', 'meeting chat link') }, roundMembers);
  const bookingsByRound = table('BookingsByRound', 'round booking index');
  const bookings = createTableBookingRepo({ bookings: table('Bookings', 'booking'), bookingsByRound });
  const schedule = table('Schedule', 'schedule');
  return {
    rounds: createTableRoundRepo(roundTables),
    roundMembers,
    experiments,
    acknowledgements,
    journals,
    sharebackSessions,
    bookings,
    members: createTableMemberRepo(table('Members', 'member')),
    sharebacks: createTableSharebackRepo(roundTables.rounds),
    assets: createTableAssetRepo(table('Assets', 'asset')),
    roundCounters: createTableRoundCounters(
      { members: roundTables.members, bookingsByRound, shareback },
      { experiments, acknowledgements, journals, sharebackSessions },
      async (row) => { const id = parseExperimentId(row.rowKey); return id ? bookings.get(id) : null; },
    ),
    schedule: createTableScheduleStore(schedule),
    demoClockStore: createTableDemoClockStore(schedule),
  };
}
