import template from './acknowledgement.json';
import type { AcknowledgeInput } from '../domain/acknowledgement';
import type { UserId } from '../domain/ids';
import { OTHER_TOOL_ID, ROLE_LABELS, ROLES, roleSchema, type Role, type ToolCatalogueEntry } from '../domain/toolCatalogue';
import {
  cardByteLength, CARD_BYTE_BUDGET, clip, expandForm, firstThatFits, hiddenId, hiddenInt, longestFittingPrefix, markdownUrl, placeErrors,
  readFormValues, readHidden, submittedFlag, topError, type FieldErrors, type FormValues,
} from './forms';
import { formatDay } from './format';
import { policyLines } from './policyText';
import type { AdaptiveCardJson } from './render';

/**
 * The safe-use acknowledgement, before the selection form. Input ids are the domain's names:
 * `AcknowledgeInput.policyAccepted` / `toolTermsAccepted` and `ToolChoiceInput.toolId` /
 * `otherToolName` / `otherToolTermsUrl` (the keys `acknowledge()` and `resolveToolChoice()` report
 * errors under), plus `role` (checked with the domain's `roleSchema`; it filters the selection card's tools).
 * Action.Submit data: `{ verb: 'acknowledgePolicy', roundId, policyVersion }` + the inputs.
 */
export const ACKNOWLEDGEMENT_INPUT_IDS = ['policyAccepted', 'role', 'toolId', 'otherToolName', 'otherToolTermsUrl', 'toolTermsAccepted'] as const;
export type AcknowledgementInputId = (typeof ACKNOWLEDGEMENT_INPUT_IDS)[number];
export type AcknowledgementValues = FormValues<AcknowledgementInputId>;

export interface AcknowledgementCardData {
  readonly roundId: string;
  readonly roundName: string;
  /** The round's current policy version; `publishedOn` formatted, e.g. "3 March 2025". */
  readonly policy: { readonly version: number; readonly text: string; readonly publishedOn: string };
  /** Where the whole policy can be read (the dashboard); '' when there is none. Used only if the text is too long for a card. */
  readonly fullPolicyUrl: string;
  /** The round's catalogue (up to 20 tools fit with every terms link; more, or very long links, fall back to the chosen tool's link). */
  readonly catalogue: readonly ToolCatalogueEntry[];
  /** The person's values: toggles are "true" / "false"; `toolId` is a catalogue id or "other". */
  readonly values?: AcknowledgementValues;
  /** The domain's `fieldErrors`; keys no input here claims are shown at the top. */
  readonly errors?: FieldErrors;
  readonly formError?: string;
  /** The version this person acknowledged before, when a newer one is why they see this card again. */
  readonly previousVersion?: number;
}

const ERROR_SLOTS: Readonly<Record<AcknowledgementInputId, readonly string[]>> = {
  policyAccepted: ['policyAccepted', 'policyVersion'],
  role: ['role'],
  toolId: ['toolId', 'tool'],
  otherToolName: ['otherToolName'],
  otherToolTermsUrl: ['otherToolTermsUrl'],
  toolTermsAccepted: ['toolTermsAccepted'],
};

/** Below this many characters of policy, dropping the other tools' links is the better trade. */
const MIN_POLICY_EXCERPT = 1_500;

interface Shape {
  readonly policyText: string;
  readonly truncated: boolean;
  readonly allLinks: boolean;
}

function view(data: AcknowledgementCardData, shape: Shape) {
  const values = data.values ?? {};
  const { beside, rest } = placeErrors(ERROR_SLOTS, data.errors);
  const selected = values.toolId ?? '';
  const linked = shape.allLinks ? data.catalogue : data.catalogue.filter((tool) => tool.id === selected);
  const readFull = data.fullPolicyUrl === ''
    ? 'The policy is longer than a chat card can hold: open the Practice Loop dashboard and read the rest before you confirm.'
    : `The policy is longer than a chat card can hold: [read the rest](${markdownUrl(data.fullPolicyUrl)}) before you confirm.`;
  return {
    roundId: data.roundId,
    roundName: data.roundName,
    policyVersion: data.policy.version,
    publishedOn: data.policy.publishedOn,
    previousNotice: data.previousVersion === undefined
      ? ''
      : `The policy has changed since you confirmed version ${data.previousVersion}. Please read version ${data.policy.version} and confirm again; practice actions wait until you do.`,
    formError: topError(data.formError, rest),
    policyLines: policyLines(shape.policyText),
    truncatedNotice: shape.truncated ? readFull : '',
    roles: ROLES.map((role) => ({ title: ROLE_LABELS[role], value: role })),
    toolChoices: [
      ...data.catalogue.map((tool) => ({ title: `${clip(tool.name, 80)} (${clip(tool.vendor, 80)})`, value: tool.id })),
      { title: 'Other: a tool not on this list', value: OTHER_TOOL_ID },
    ],
    termsLinks: linked.map((tool) => ({ name: tool.name, vendor: tool.vendor, url: markdownUrl(tool.termsUrl) })),
    termsNotice: shape.allLinks
      ? 'For a tool you name yourself, read its terms on the vendor’s site.'
      : 'The links to every tool’s terms are on the Tools page of the Practice Loop dashboard.',
    v: {
      policyAccepted: values.policyAccepted === 'true' ? 'true' : 'false',
      role: values.role ?? '',
      toolId: selected,
      otherToolName: values.otherToolName ?? '',
      otherToolTermsUrl: values.otherToolTermsUrl ?? '',
      toolTermsAccepted: values.toolTermsAccepted === 'true' ? 'true' : 'false',
    },
    e: beside,
  };
}

function render(data: AcknowledgementCardData, shape: Shape): AdaptiveCardJson {
  return expandForm(template, view(data, shape));
}

/** The policy cut to fit (at a line or word end), or null when fewer than `minimum` characters would remain. */
function truncatedRender(data: AcknowledgementCardData, allLinks: boolean, minimum: number): AdaptiveCardJson | null {
  const fits = (prefix: string) => cardByteLength(render(data, { policyText: prefix, truncated: true, allLinks })) <= CARD_BYTE_BUDGET;
  const prefix = longestFittingPrefix(data.policy.text, fits);
  if ([...prefix].length < minimum) return null;
  return render(data, { policyText: prefix, truncated: true, allLinks });
}

/**
 * Full policy and every tool's terms link when they fit (they do for any realistic round). Otherwise,
 * in order: the policy cut at a line or word with a pointer to the rest (keeping at least 1,500
 * characters); the full policy with only the chosen tool's link; both cut. Always within `CARD_BYTE_BUDGET`.
 */
export function renderAcknowledgementCard(data: AcknowledgementCardData): AdaptiveCardJson {
  const full = data.policy.text;
  return firstThatFits([
    () => render(data, { policyText: full, truncated: false, allLinks: true }),
    () => truncatedRender(data, true, Math.min(MIN_POLICY_EXCERPT, [...full].length)),
    () => render(data, { policyText: full, truncated: false, allLinks: false }),
    () => truncatedRender(data, false, 0),
  ]);
}

/** "Please confirm the new policy": the acknowledgement card again, with the version's publication instant (formatted here). */
export type AcknowledgeAgainCardData = Omit<AcknowledgementCardData, 'policy'> & {
  readonly policy: { readonly version: number; readonly text: string; readonly publishedAt: string };
};

export function renderAcknowledgeAgainCard(data: AcknowledgeAgainCardData): AdaptiveCardJson {
  const { version, text, publishedAt } = data.policy;
  return renderAcknowledgementCard({ ...data, policy: { version, text, publishedOn: formatDay(publishedAt.slice(0, 10)) } });
}

export interface AcknowledgementSubmission {
  readonly roundId: string;
  readonly policyVersion: number;
  /** As the card holds them; hand them back as `values` to re-render with an error. */
  readonly values: AcknowledgementValues;
}

/** Reads `activity.value` of an `acknowledgePolicy` submit; null when it is not this card's payload. */
export function readAcknowledgementSubmission(raw: unknown): AcknowledgementSubmission | null {
  const hidden = readHidden(raw, { roundId: hiddenId, policyVersion: hiddenInt });
  const values = readFormValues(raw, ACKNOWLEDGEMENT_INPUT_IDS);
  return hidden === null || values === null ? null : { ...hidden, values };
}

/**
 * The submission as the domain's `AcknowledgeInput` (the person's id comes from the activity, never the
 * form), and the role checked with the domain's `roleSchema`. Merge `roleError` into the domain's
 * field errors (key `role`) so every error shows at once.
 */
export function acknowledgeInputOf(submission: AcknowledgementSubmission, userId: UserId): { input: AcknowledgeInput; role: Role | null; roleError: string | null } {
  const { values } = submission;
  const role = roleSchema.safeParse(values.role ?? '');
  return {
    input: {
      userId,
      policyVersion: submission.policyVersion,
      policyAccepted: submittedFlag(values.policyAccepted),
      toolTermsAccepted: submittedFlag(values.toolTermsAccepted),
      tool: { toolId: values.toolId ?? '', otherToolName: values.otherToolName ?? '', otherToolTermsUrl: values.otherToolTermsUrl ?? '' },
    },
    role: role.success ? role.data : null,
    roleError: role.success ? null : role.error.issues[0]?.message ?? 'Choose your role.',
  };
}
