import { randomUUID } from 'node:crypto';
import type { Experiment } from '../domain/experiment';
import { editableUntil, isEditable, JOURNAL_LIMITS, type JournalEntry } from '../domain/journal';
import type { RoundId } from '../domain/roundIds';
import { toolName } from '../domain/toolCatalogue';
import { formatDateTime } from './format';
import { renderJournalCard, type JournalCardData } from './journal';
import type { AdaptiveCardJson } from './render';

/** What the card shows of one week (the journal use case's view has this shape); cards depend on the domain only. */
export interface JournalWeek {
  readonly round: { readonly id: RoundId };
  readonly experiment: Pick<Experiment, 'selection'>;
  readonly zone: string;
  readonly weekStart: string;
  readonly entry: JournalEntry | null;
  readonly missedWeek: string | null;
  readonly prefillHours: number;
  readonly pastBlocks: readonly { readonly start: string; readonly week: number; readonly index: number }[];
}

/** The journal card for one week as the participant should see it now (editable or read-only, prefilled). */
export function journalCardFor(view: JournalWeek, now: string, extra: Partial<Pick<JournalCardData, 'values' | 'errors' | 'formError' | 'sensitiveFindings' | 'sensitiveMessage' | 'prompted'>> = {}): AdaptiveCardJson {
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

/** The weekly prompt: this week's journal card, marked as the app's reminder. */
export function renderJournalPromptCard(data: { readonly week: JournalWeek; readonly now: string }): AdaptiveCardJson {
  return journalCardFor(data.week, data.now, { prompted: true });
}
