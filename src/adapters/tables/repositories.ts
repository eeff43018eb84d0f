import { experimentIdFor, parseExperimentId } from '../../domain/roundIds';
import type { OutboxAddress } from '../../ports/outbox';
import { createTableAssetRepo } from './assetRepo';
import { BOOKING_PLAN_ROW, createTableBookingRepo } from './bookingRepo';
import type { EntityTable } from './entityTable';
import { createTableAcknowledgementRepo, createTableExperimentRepo } from './experimentRepo';
import { createTableJournalRepo } from './journalRepo';
import { createTableMemberRepo } from './memberRepo';
import { createTableOutbox, type OutboxLocation } from './outbox';
import { createTableRoundCounters } from './roundCounters';
import { createTableRoundMemberRepo, createTableRoundRepo, ROUND_ROW } from './roundRepo';
import { createTableDemoClockStore, createTableScheduleStore } from './scheduleStore';
import { createTableSharebackRepo } from './sharebackRepo';
import { createTableSharebackSessionRepo, effectsRowKey, SESSION_ROW, summaryRowKey } from './sharebackSessionRepo';

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
  const experimentTables = { experiments: table('Experiments', 'experiment'), reviewQueue: table('ReviewQueue', 'review queue entry') };
  const experiments = createTableExperimentRepo(experimentTables, roundMembers);
  const acknowledgements = createTableAcknowledgementRepo(table('Acknowledgements', 'acknowledgement'), roundMembers);
  const journals = createTableJournalRepo({ journals: table('Journals', 'journal entry'), reminders: table('JournalReminders', 'journal reminder') }, roundMembers);
  const sharebackTables = { shareback: table('Shareback', 'shareback session'), meetingChats: table('MeetingChats', 'meeting chat link') };
  const sharebackSessions = createTableSharebackSessionRepo(sharebackTables, roundMembers);
  const bookingsByRound = table('BookingsByRound', 'round booking index');
  const bookingTables = { bookings: table('Bookings', 'booking'), bookingsByRound };
  const bookings = createTableBookingRepo(bookingTables);
  // Each outbox beside its record: the row keys here are the ones each repository writes its record under.
  const outboxOf = (address: OutboxAddress): OutboxLocation => {
    switch (address.record) {
      case 'experiment': return { table: experimentTables.experiments, partitionKey: address.roundId, recordRowKey: address.participantId };
      case 'booking': return { table: bookingTables.bookings, partitionKey: experimentIdFor(address.roundId, address.participantId), recordRowKey: BOOKING_PLAN_ROW };
      case 'decisionEffects': return { table: sharebackTables.shareback, partitionKey: address.roundId, recordRowKey: effectsRowKey(address.participantId) };
      case 'summary': return { table: sharebackTables.shareback, partitionKey: address.roundId, recordRowKey: summaryRowKey(address.participantId) };
      case 'round': return { table: roundTables.rounds, partitionKey: address.roundId, recordRowKey: ROUND_ROW };
      case 'sharebackSession': return { table: sharebackTables.shareback, partitionKey: address.roundId, recordRowKey: SESSION_ROW };
    }
  };
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
      { members: roundTables.members, bookingsByRound, shareback: sharebackTables.shareback },
      { experiments, acknowledgements, journals, sharebackSessions },
      async (row) => { const id = parseExperimentId(row.rowKey); return id ? bookings.get(id) : null; },
    ),
    outbox: createTableOutbox(outboxOf),
    schedule: createTableScheduleStore(schedule),
    demoClockStore: createTableDemoClockStore(schedule),
  };
}
