import { randomUUID } from 'node:crypto';
import { editableUntil, isEditable, JOURNAL_LIMITS } from '../domain/journal';
import { toolName } from '../domain/toolCatalogue';
import type { JournalView } from '../usecases/journal';
import { formatDateTime } from './format';
import { renderJournalCard, type JournalCardData } from './journal';
import type { AdaptiveCardJson } from './render';

/** The journal card for one week as the participant should see it now (editable or read-only, prefilled). */
export function journalCardFor(view: JournalView, now: string, extra: Partial<Pick<JournalCardData, 'values' | 'errors' | 'formError' | 'sensitiveFindings' | 'sensitiveMessage' | 'prompted'>> = {}): AdaptiveCardJson {
  const entry = view.entry;
  const editable = entry === null || isEditable(entry, now);
  const editNote = entry === null
    ? ''
    : editable
      ? `Saved. You can change it until ${formatDateTime(editableUntil(entry), view.zone)}.`
      : `Written more than ${JOURNAL_LIMITS.editableDays} days ago, so it is read-only now.`;
  return renderJournalCard({
    roundId: view.round.id,
    weekStart: view.weekStart,
    entry,
    editable,
    editNote,
    prefillHours: view.prefillHours,
    missedWeek: view.missedWeek,
    pastBlocks: view.pastBlocks.map((block) => ({ title: formatDateTime(block.start, view.zone), value: `${block.week}:${block.index}` })),
    assetForm: { roundId: view.round.id, submissionId: randomUUID(), tool: view.experiment.selection ? toolName(view.experiment.selection.tool) : 'your tool' },
    ...extra,
  });
}
