import template from './journal.json';
import { JOURNAL_ANSWER_FIELDS, JOURNAL_FIELD_LABELS, JOURNAL_LIMITS, type JournalEntry } from '../domain/journal';
import type { SensitiveFinding } from '../domain/sensitiveData';
import { renderAssetFormCard, type AssetFormData } from './assetSave';
import { expandForm, firstThatFits, numberOrNull, placeErrors, readFormValues, submittedList, submittedNumber, topError, type FieldErrors, type FormValues } from './forms';
import { formatDay, formatHours } from './format';
import type { AdaptiveCardJson } from './render';
import { findingLines } from './sensitiveFindings';

/**
 * The weekly journal (step 4). Input ids are the domain's fields (`improved`, `broke`, `surprised`, `taught`,
 * `hoursPractised`, `missedBlocks`, `missedReason`) plus `missedBlockRefs` ("<week>:<index>" of blocks that
 * did not happen, fed to the booking). "Save an asset" opens the asset form inline (Action.ShowCard; its ids
 * differ from these). No `maxLength` on the answers: a longer text is kept and the card says how far over.
 * User text is shown only in Input values and TextRuns (RichTextBlock), which render no Markdown, and is
 * bound as template data, which adaptivecards-templating never expands: "${…}" and "[x](y)" stay literal.
 * Action.Submit data: `{ verb: 'saveJournal', roundId, weekStart, expectedVersion, sensitiveData? }` + inputs.
 */
export const JOURNAL_INPUT_IDS = ['improved', 'broke', 'surprised', 'taught', 'hoursPractised', 'missedBlocks', 'missedReason', 'missedBlockRefs'] as const;
export type JournalInputId = (typeof JOURNAL_INPUT_IDS)[number];
export type JournalValues = FormValues<JournalInputId>;

export interface JournalCardData {
  readonly roundId: string;
  readonly weekStart: string;
  readonly entry: JournalEntry | null;
  readonly editable: boolean;
  /** "editable until Friday 13 March" or why it is read-only. */
  readonly editNote: string;
  readonly prefillHours: number;
  readonly missedWeek: string | null;
  readonly pastBlocks: readonly { readonly title: string; readonly value: string }[];
  readonly values?: JournalValues;
  readonly errors?: FieldErrors;
  readonly formError?: string;
  readonly sensitiveFindings?: readonly SensitiveFinding[];
  readonly sensitiveMessage?: string;
  /** Sent proactively by the weekly prompt (a friendlier heading). */
  readonly prompted?: boolean;
  readonly assetForm: AssetFormData;
}

const SLOTS: Readonly<Record<string, readonly string[]>> = {
  improved: ['improved'], broke: ['broke'], surprised: ['surprised'], taught: ['taught'],
  hoursPractised: ['hoursPractised'], missedBlocks: ['missedBlocks'], missedReason: ['missedReason'],
};

export function journalValuesOf(entry: JournalEntry | null, prefillHours: number): JournalValues {
  return {
    improved: entry?.improved ?? '', broke: entry?.broke ?? '', surprised: entry?.surprised ?? '', taught: entry?.taught ?? '',
    hoursPractised: String(entry?.hoursPractised ?? prefillHours), missedBlocks: String(entry?.missedBlocks ?? 0), missedReason: entry?.missedReason ?? '',
  };
}

function render(data: JournalCardData, values: JournalValues, assetForm: AdaptiveCardJson): AdaptiveCardJson {
  const { beside, rest } = placeErrors(SLOTS, data.errors);
  const entry = data.entry;
  const week = formatDay(data.weekStart);
  return expandForm(template, {
    roundId: data.roundId,
    weekStart: data.weekStart,
    expectedVersion: entry?.version ?? 0,
    heading: data.prompted ? `How did practice go this week? (week of ${week})` : `Your practice journal: week of ${week}`,
    intro: entry ? data.editNote : 'A few lines each week are how you, your manager and the round learn from this. Nobody grades it.',
    missed: data.missedWeek
      ? { shown: true, weekStart: data.missedWeek, action: `Log the week of ${formatDay(data.missedWeek)}`, line: `There is no entry for the week of ${formatDay(data.missedWeek)}. That is fine, weeks get busy. If you remember how it went, you can log it too; both count.` }
      : { shown: false, weekStart: '', action: '', line: '' },
    formError: topError(data.formError, rest),
    sensitive: { shown: (data.sensitiveFindings ?? []).length > 0, message: data.sensitiveMessage ?? '', findings: findingLines(data.sensitiveFindings) },
    readOnly: {
      shown: !data.editable && entry !== null,
      note: data.editNote,
      answers: entry ? JOURNAL_ANSWER_FIELDS.filter((f) => entry[f] !== '').map((f) => ({ label: JOURNAL_FIELD_LABELS[f], text: entry[f] })) : [],
      hoursLine: entry ? `Practised ${formatHours(entry.hoursPractised)}; ${entry.missedBlocks} block${entry.missedBlocks === 1 ? '' : 's'} missed.` : '',
    },
    editable: data.editable,
    hoursLabel: `Hours practised this week${data.prefillHours > 0 ? ` (your kept blocks add up to ${formatHours(data.prefillHours)})` : ''}`,
    hasPastBlocks: data.pastBlocks.length > 0,
    pastBlocks: data.pastBlocks,
    limitsNote: `Up to ${JOURNAL_LIMITS.answerCharacters.toLocaleString('en-GB')} characters per answer. You can edit an entry for ${JOURNAL_LIMITS.editableDays} days.`,
    saveTitle: entry ? 'Save changes' : 'Save this week',
    // Input.Number takes a number (or nothing): what is not a number is dropped, and its error says so.
    v: { improved: '', broke: '', surprised: '', taught: '', missedReason: '', missedBlockRefs: '', ...values, hoursPractised: numberOrNull(values.hoursPractised), missedBlocks: numberOrNull(values.missedBlocks) },
    e: beside,
    assetForm,
  });
}

export function renderJournalCard(data: JournalCardData): AdaptiveCardJson {
  const values = data.values ?? journalValuesOf(data.entry, data.prefillHours);
  const assetForm = renderAssetFormCard({ ...data.assetForm, standalone: false });
  // Four answers of 4,000 characters (more when over the limit) can pass the chat card budget: then the card
  // keeps the person's text in a shorter form and points to the dashboard, which has no such limit.
  return firstThatFits([
    () => render(data, values, assetForm),
    () => render({ ...data, formError: 'This entry is too long for a chat card; open the dashboard to see and edit all of it.' }, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [...(v ?? '')].slice(0, 1500).join('')])), renderAssetFormCard({ ...data.assetForm, standalone: false, values: {} })),
  ]);
}

export interface JournalSubmission {
  readonly roundId: string;
  readonly weekStart: string;
  readonly expectedVersion: number | undefined;
  readonly sensitiveData: 'redact' | 'confirm' | undefined;
  readonly values: JournalValues;
}

export function readJournalSubmission(raw: unknown): JournalSubmission | null {
  const values = readFormValues(raw, JOURNAL_INPUT_IDS);
  const hidden = readFormValues(raw, ['roundId', 'weekStart', 'expectedVersion', 'sensitiveData'] as const);
  if (!values || !hidden?.roundId || !hidden.weekStart) return null;
  const version = submittedNumber(hidden.expectedVersion);
  return {
    roundId: hidden.roundId, weekStart: hidden.weekStart,
    // 0 = the card was showing no entry yet.
    expectedVersion: version === undefined || !Number.isInteger(version) || version === 0 ? undefined : version,
    sensitiveData: hidden.sensitiveData === 'redact' || hidden.sensitiveData === 'confirm' ? hidden.sensitiveData : undefined,
    values,
  };
}

export function journalInputFromValues(values: JournalValues) {
  return {
    improved: values.improved ?? '', broke: values.broke ?? '', surprised: values.surprised ?? '', taught: values.taught ?? '',
    hoursPractised: submittedNumber(values.hoursPractised), missedBlocks: submittedNumber(values.missedBlocks), missedReason: values.missedReason ?? '',
    missedBlockRefs: submittedList(values.missedBlockRefs),
  };
}
