import template from './selection.json';
import { isDomainError, type DomainError } from '../domain/errors';
import { FREQUENCIES, selectionSchema, type Selection, type SelectionInput } from '../domain/experimentPlan';
import { RUBRIC_QUESTIONS, type FitAssessment } from '../domain/rubric';
import { OTHER_TOOL_ID, ROLE_LABELS, ROLES, resolveToolChoice, roleSchema, toolsForRole, type ToolCatalogueEntry } from '../domain/toolCatalogue';
import { fieldErrorsOf, invalidInput } from '../domain/validation';
import {
  clip, expandForm, firstThatFits, hiddenId, hiddenInt, numberOrNull, placeErrors, readFormValues, readHidden, submittedNumber, topError,
  type FieldErrors, type FormValues,
} from './forms';
import { FIT_LABELS, FIT_STYLES, FREQUENCY_LABELS } from './labels';
import type { AdaptiveCardJson } from './render';

/**
 * Step 1: the friction point, role, tool, KPI and the five rubric scores.
 *
 * Input ids are the domain's field paths (`selectionSchema`): `frictionPoint.description`,
 * `frictionPoint.frequency`, `frictionPoint.minutesToday`, `role`, `kpi`, `scores.<question id>`,
 * `supportNamed`. The tool is three inputs named like the domain's `ToolChoiceInput` (and the keys
 * `resolveToolChoice` reports errors under): `toolId` (a catalogue id or "other"), `otherToolName`,
 * `otherToolTermsUrl`. `selectionInputFromValues` turns them into the domain's `tool`; an error the
 * schema reports under `tool.*` shows beside `toolId`.
 * Action.Submit data: `{ verb: 'saveSelection' | 'continueToPlan', roundId, expectedVersion }` + the inputs.
 */
export const SELECTION_INPUT_IDS = [
  'frictionPoint.description', 'frictionPoint.frequency', 'frictionPoint.minutesToday',
  'role', 'toolId', 'otherToolName', 'otherToolTermsUrl', 'kpi',
  'scores.relevance', 'scores.kpiImpact', 'scores.learningCurve', 'scores.interest', 'scores.riskSupport',
  'supportNamed',
] as const;
export type SelectionInputId = (typeof SELECTION_INPUT_IDS)[number];
export type SelectionValues = FormValues<SelectionInputId>;

export interface SelectionCardData {
  readonly roundId: string;
  /** The experiment's `version` this card shows; it comes back so a stale card is caught. */
  readonly expectedVersion: number;
  /** The round's catalogue; the card offers the tools for the chosen role (and keeps a chosen tool from another role). */
  readonly catalogue: readonly ToolCatalogueEntry[];
  /** The person's values, as the card holds them (`selectionValuesOf` for a saved selection). */
  readonly values?: SelectionValues;
  /** Shown at the top after "Check my fit": band, summary and each warning. */
  readonly assessment?: FitAssessment | null;
  /** The domain's `fieldErrors`; keys no input here claims are shown at the top. */
  readonly errors?: FieldErrors;
  readonly formError?: string;
  /** Offer the practice coach ("Help me sharpen this"); off when the round's owners switched it off. */
  readonly coach?: boolean;
}

const ERROR_SLOTS: Readonly<Record<string, readonly string[]>> = {
  description: ['frictionPoint.description', 'frictionPoint'],
  frequency: ['frictionPoint.frequency'],
  minutesToday: ['frictionPoint.minutesToday'],
  role: ['role'],
  toolId: ['toolId', 'tool'],
  otherToolName: ['otherToolName'],
  otherToolTermsUrl: ['otherToolTermsUrl'],
  kpi: ['kpi'],
  ...Object.fromEntries(RUBRIC_QUESTIONS.map((q) => [`score_${q.id}`, [`scores.${q.id}`]])),
  scores: ['scores'],
  supportNamed: ['supportNamed'],
};

function toolsOffered(catalogue: readonly ToolCatalogueEntry[], role: string, selectedId: string): ToolCatalogueEntry[] {
  const parsedRole = roleSchema.safeParse(role);
  if (!parsedRole.success) return [...catalogue];
  const forRole = toolsForRole(catalogue, parsedRole.data);
  const selected = catalogue.find((tool) => tool.id === selectedId);
  return selected !== undefined && !forRole.includes(selected) ? [selected, ...forRole] : forRole;
}

function view(data: SelectionCardData, withNotes: boolean) {
  const values = data.values ?? {};
  const { beside, rest } = placeErrors(ERROR_SLOTS, data.errors);
  const role = values.role ?? '';
  const toolId = values.toolId ?? '';
  const tools = toolsOffered(data.catalogue, role, toolId);
  const assessment = data.assessment ?? null;
  // A general "scores" error (none of the five named) shows at the top with the rest.
  const top = topError(data.formError, beside.scores ? [...rest, beside.scores] : rest);
  return {
    roundId: data.roundId,
    expectedVersion: data.expectedVersion,
    coach: data.coach === true,
    formError: top,
    fit: {
      shown: assessment !== null,
      label: assessment === null ? '' : FIT_LABELS[assessment.fit],
      style: assessment === null ? 'default' : FIT_STYLES[assessment.fit],
      total: assessment?.total ?? 0,
      summary: assessment?.summary ?? '',
      warnings: (assessment?.warnings ?? []).map((warning) => ({ message: warning.message })),
    },
    frequencies: FREQUENCIES.map((frequency) => ({ title: FREQUENCY_LABELS[frequency], value: frequency })),
    roles: ROLES.map((r) => ({ title: ROLE_LABELS[r], value: r })),
    toolChoices: [
      ...tools.map((tool) => ({ title: `${clip(tool.name, 80)} (${clip(tool.vendor, 80)})`, value: tool.id })),
      { title: 'Other: a tool not on this list', value: OTHER_TOOL_ID },
    ],
    toolNotes: withNotes ? tools.map((tool) => ({ name: tool.name, goodFor: tool.goodFor })) : [],
    questions: RUBRIC_QUESTIONS.map((q) => ({
      id: `scores.${q.id}`,
      label: q.label,
      question: q.question,
      low: q.low,
      high: q.high,
      value: values[`scores.${q.id}`] ?? '',
      error: beside[`score_${q.id}`] ?? '',
    })),
    v: {
      description: values['frictionPoint.description'] ?? '',
      frequency: values['frictionPoint.frequency'] ?? '',
      minutesToday: numberOrNull(values['frictionPoint.minutesToday']),
      role,
      toolId,
      otherToolName: values.otherToolName ?? '',
      otherToolTermsUrl: values.otherToolTermsUrl ?? '',
      kpi: values.kpi ?? '',
      supportNamed: values.supportNamed ?? '',
    },
    e: beside,
  };
}

/** With a note on what each offered tool is good for when it fits; without them otherwise. */
export function renderSelectionCard(data: SelectionCardData): AdaptiveCardJson {
  return firstThatFits([
    () => expandForm(template, view(data, true)),
    () => expandForm(template, view(data, false)),
  ]);
}

/** A saved selection as card values (to show the card again with what was saved). */
export function selectionValuesOf(selection: Selection): SelectionValues {
  return {
    'frictionPoint.description': selection.frictionPoint.description,
    'frictionPoint.frequency': selection.frictionPoint.frequency,
    'frictionPoint.minutesToday': String(selection.frictionPoint.minutesToday),
    role: selection.role,
    toolId: selection.tool.kind === 'catalogue' ? selection.tool.entry.id : OTHER_TOOL_ID,
    otherToolName: selection.tool.kind === 'other' ? selection.tool.name : '',
    otherToolTermsUrl: selection.tool.kind === 'other' ? selection.tool.termsUrl ?? '' : '',
    kpi: selection.kpi,
    'scores.relevance': String(selection.scores.relevance),
    'scores.kpiImpact': String(selection.scores.kpiImpact),
    'scores.learningCurve': String(selection.scores.learningCurve),
    'scores.interest': String(selection.scores.interest),
    'scores.riskSupport': String(selection.scores.riskSupport),
    supportNamed: selection.supportNamed ?? '',
  };
}

export interface SelectionSubmission {
  readonly roundId: string;
  readonly expectedVersion: number;
  readonly values: SelectionValues;
}

/** Reads `activity.value` of a `saveSelection` / `continueToPlan` submit; null when it is not this card's payload. */
export function readSelectionSubmission(raw: unknown): SelectionSubmission | null {
  const hidden = readHidden(raw, { roundId: hiddenId, expectedVersion: hiddenInt });
  const values = readFormValues(raw, SELECTION_INPUT_IDS);
  return hidden === null || values === null ? null : { ...hidden, values };
}

/**
 * The card's values as the domain's `SelectionInput` (for `saveSelection`): numbers parsed (empty →
 * missing, text → NaN, so the schema says what is wrong), the tool resolved against the round's
 * catalogue. When the tool is wrong, the other fields are checked too, so every error shows at once.
 */
export function selectionInputFromValues(values: SelectionValues, catalogue: readonly ToolCatalogueEntry[]): SelectionInput | DomainError {
  const score = (id: SelectionInputId) => submittedNumber(values[id]);
  const rest = {
    frictionPoint: {
      description: values['frictionPoint.description'] ?? '',
      frequency: values['frictionPoint.frequency'] ?? '',
      minutesToday: submittedNumber(values['frictionPoint.minutesToday']),
    },
    role: values.role ?? '',
    kpi: values.kpi ?? '',
    scores: {
      relevance: score('scores.relevance'),
      kpiImpact: score('scores.kpiImpact'),
      learningCurve: score('scores.learningCurve'),
      interest: score('scores.interest'),
      riskSupport: score('scores.riskSupport'),
    },
    supportNamed: values.supportNamed ?? '',
  };
  const tool = resolveToolChoice(catalogue, {
    toolId: values.toolId ?? '',
    otherToolName: values.otherToolName ?? '',
    otherToolTermsUrl: values.otherToolTermsUrl ?? '',
  });
  const others = selectionSchema.omit({ tool: true }).safeParse(rest);
  if (isDomainError(tool)) {
    const toolErrors = tool.kind === 'invalid_input' && tool.fieldErrors ? tool.fieldErrors : { toolId: tool.message };
    return invalidInput({ ...(others.success ? {} : fieldErrorsOf(others.error.issues)), ...toolErrors });
  }
  if (!others.success) return invalidInput(fieldErrorsOf(others.error.issues));
  return { ...others.data, tool };
}
