import { DateTime } from 'luxon';
import template from './roundSetup.json';
import { DEFAULT_SAFE_USE_POLICY } from '../domain/defaultPolicy';
import type { DomainError } from '../domain/errors';
import { createRoundInputSchema, ROUND_LIMITS, type CreateRoundInput } from '../domain/round';
import { isValidTimeZone } from '../domain/time';
import { fieldErrorsOf, invalidInput } from '../domain/validation';
import {
  clip, expandForm, firstThatFits, hiddenId, numberOrNull, placeErrors, readFormValues, readHidden, submittedList, submittedNumber, topError,
  type FieldErrors, type FormValues,
} from './forms';
import { formatHours, zoneName } from './format';
import type { AdaptiveCardJson } from './render';

/**
 * The owner's "new round" form. Input ids are `CreateRoundInput`'s paths where the card has the same
 * field (`name`, `window.start`, `window.weeks`, `hoursPerWeek`, `shareback.timeZone`,
 * `shareback.durationMinutes`, `managerScopes`, `policyText`); the shareback start is two inputs,
 * `shareback.date` + `shareback.time`, that `roundInputFromValues` turns into `shareback.startsAt`
 * in the chosen zone (its errors show beside the time). Participants by name, owners and the tool
 * catalogue are set in the dashboard; the creator is the first owner.
 * Action.Submit data: `{ verb: 'createRound', roundId }` + the inputs. `roundId` is made when the form is
 * first shown and kept on every re-render, so a double click or a retried activity creates one round.
 */
export const ROUND_SETUP_INPUT_IDS = [
  'name', 'window.start', 'window.weeks', 'hoursPerWeek',
  'shareback.date', 'shareback.time', 'shareback.timeZone', 'shareback.durationMinutes',
  'managerScopes', 'policyText',
] as const;
export type RoundSetupInputId = (typeof ROUND_SETUP_INPUT_IDS)[number];
export type RoundSetupValues = FormValues<RoundSetupInputId>;

/** Longer policies (the domain allows 20,000 characters) are edited in the dashboard: a chat card has 28 KB for everything. */
export const ROUND_SETUP_POLICY_MAX_CHARACTERS = 4_000;

/** Zones offered by default; a round's own zone is added when it is not among them. */
export const COMMON_TIME_ZONES = [
  'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Sydney', 'UTC',
] as const;

export interface ManagerOption {
  /** Entra ID object id: the value `managerScopes` holds. */
  readonly id: string;
  readonly name: string;
}

export interface RoundSetupCardData {
  /** The id the new round will get, made when the form is first shown (see above). */
  readonly roundId: string;
  /** Managers whose teams can be invited; as many as fit the card are offered (selected ones always). */
  readonly managers: readonly ManagerOption[];
  /** `roundSetupDefaults()` for a fresh form; the submitted values after an error. `managerScopes` is "id1,id2". */
  readonly values?: RoundSetupValues;
  readonly errors?: FieldErrors;
  readonly formError?: string;
}

/** A fresh form: 3 weeks, the default hours and shareback length, the default policy, the owner's zone. */
export function roundSetupDefaults(timeZone: string = 'Europe/London'): RoundSetupValues {
  return {
    'window.weeks': '3',
    hoursPerWeek: String(ROUND_LIMITS.hoursPerWeek.default),
    'shareback.timeZone': timeZone,
    'shareback.durationMinutes': String(ROUND_LIMITS.sharebackMinutes.default),
    policyText: DEFAULT_SAFE_USE_POLICY,
  };
}

const ERROR_SLOTS: Readonly<Record<string, readonly string[]>> = {
  name: ['name'],
  windowStart: ['window.start', 'window'],
  windowWeeks: ['window.weeks'],
  hoursPerWeek: ['hoursPerWeek'],
  sharebackDate: ['shareback.date', 'shareback'],
  sharebackTime: ['shareback.time', 'shareback.startsAt'],
  sharebackTimeZone: ['shareback.timeZone'],
  sharebackDurationMinutes: ['shareback.durationMinutes'],
  managerScopes: ['managerScopes', 'participantIds'],
  policyText: ['policyText'],
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let value = from; value <= to + 1e-9; value += step) out.push(Math.round(value * 10) / 10);
  return out;
}

function view(data: RoundSetupCardData, managerCount: number, keepPolicy: boolean) {
  const values = data.values ?? {};
  const { beside, rest } = placeErrors(ERROR_SLOTS, data.errors);
  const selected = submittedList(values.managerScopes);
  const known = new Map(data.managers.map((manager) => [manager.id, manager.name]));
  // Selected managers first (so they survive trimming), then the others in the order given.
  const offered = [
    ...selected.map((id) => ({ id, name: known.get(id) ?? 'someone no longer in the list' })),
    ...data.managers.filter((manager) => !selected.includes(manager.id)),
  ].slice(0, Math.max(managerCount, selected.length));
  const hidden = selected.length + data.managers.filter((manager) => !selected.includes(manager.id)).length - offered.length;
  const zone = values['shareback.timeZone'] ?? '';
  const zones: string[] = [...COMMON_TIME_ZONES];
  if (zone !== '' && !zones.includes(zone)) zones.unshift(zone);
  const notices = keepPolicy ? [] : ['Your policy text is too long for a chat card: finish it in the Practice Loop dashboard.'];
  return {
    roundId: data.roundId,
    formError: topError(data.formError, [...rest, ...notices]),
    weekChoices: range(ROUND_LIMITS.weeks.min, ROUND_LIMITS.weeks.max, 1).map((weeks) => ({ title: `${weeks} weeks`, value: String(weeks) })),
    hourChoices: range(ROUND_LIMITS.hoursPerWeek.min, ROUND_LIMITS.hoursPerWeek.max, ROUND_LIMITS.hoursPerWeek.step)
      .map((hours) => ({ title: `${formatHours(hours)} a week`, value: String(hours) })),
    zoneChoices: zones.map((id) => ({ title: zoneName(id) === id ? id : `${id} (${zoneName(id)})`, value: id })),
    managerChoices: offered.map((manager) => ({ title: `Everyone who reports to ${clip(manager.name, 80)}`, value: manager.id })),
    managersNotice: hidden > 0 ? `${hidden} more ${hidden === 1 ? 'manager is' : 'managers are'} not listed here; add their teams in the dashboard.` : '',
    policyMaxLength: ROUND_SETUP_POLICY_MAX_CHARACTERS,
    v: {
      name: values.name ?? '',
      windowStart: values['window.start'] ?? '',
      windowWeeks: values['window.weeks'] ?? '',
      hoursPerWeek: values.hoursPerWeek ?? '',
      sharebackDate: values['shareback.date'] ?? '',
      sharebackTime: values['shareback.time'] ?? '',
      sharebackTimeZone: zone,
      sharebackDurationMinutes: numberOrNull(values['shareback.durationMinutes']),
      managerScopes: selected.join(','),
      policyText: keepPolicy ? values.policyText ?? '' : '',
    },
    e: beside,
  };
}

/** Every manager when they fit; otherwise as many as fit, selected ones first. */
export function renderRoundSetupCard(data: RoundSetupCardData): AdaptiveCardJson {
  const all = data.managers.length;
  const attempts: (() => AdaptiveCardJson)[] = [() => expandForm(template, view(data, all, true))];
  for (const count of [200, 100, 50, 25, 10, 0]) {
    if (count < all) attempts.push(() => expandForm(template, view(data, count, true)));
  }
  attempts.push(() => expandForm(template, view(data, 0, false)));
  return firstThatFits(attempts);
}

export interface RoundSetupSubmission {
  readonly roundId: string;
  readonly values: RoundSetupValues;
}

export function readRoundSetupSubmission(raw: unknown): RoundSetupSubmission | null {
  const hidden = readHidden(raw, { roundId: hiddenId });
  const values = readFormValues(raw, ROUND_SETUP_INPUT_IDS);
  return hidden === null || values === null ? null : { ...hidden, values };
}

/**
 * The card's values as the domain's `CreateRoundInput` (for `createRound`, which checks it again with the
 * calendar rules). Date + time are read in the chosen zone: 2025-03-31 15:00 Europe/London →
 * "2025-03-31T15:00:00.000+01:00". A missing or impossible date or time, or an unknown zone, is reported
 * beside its own input, together with whatever else the domain's schema finds, so every error shows at once.
 */
export function roundInputFromValues(
  values: RoundSetupValues,
  context: { readonly roundId: string; readonly tenantId: string; readonly ownerIds: readonly string[] },
): CreateRoundInput | DomainError {
  const date = (values['shareback.date'] ?? '').trim();
  const time = (values['shareback.time'] ?? '').trim();
  const timeZone = (values['shareback.timeZone'] ?? '').trim();
  const errors: Record<string, string> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) errors['shareback.date'] = 'Choose the date of the shareback.';
  if (!/^\d{2}:\d{2}(:\d{2})?$/.test(time)) errors['shareback.time'] = 'Choose the time the shareback starts.';
  if (!isValidTimeZone(timeZone)) errors['shareback.timeZone'] = 'Choose the time zone the round runs in, such as Europe/London.';
  let startsAt = '';
  if (Object.keys(errors).length === 0) {
    const local = DateTime.fromISO(`${date}T${time}`, { zone: timeZone });
    // A date like 2025-02-30, or a time skipped by a DST change (01:30 on 30 March in London), is not a moment.
    if (!local.isValid || local.toFormat(time.length === 5 ? 'HH:mm' : 'HH:mm:ss') !== time) {
      errors['shareback.time'] = `That date and time does not exist in ${timeZone}; choose another.`;
    } else {
      startsAt = local.toISO() ?? '';
    }
  }
  const weeks = submittedNumber(values['window.weeks']);
  const hoursPerWeek = submittedNumber(values.hoursPerWeek);
  const durationMinutes = submittedNumber(values['shareback.durationMinutes']);
  const input: CreateRoundInput = {
    id: context.roundId,
    tenantId: context.tenantId,
    name: values.name ?? '',
    ownerIds: context.ownerIds,
    managerScopes: submittedList(values.managerScopes),
    window: { start: (values['window.start'] ?? '').trim(), weeks: weeks ?? Number.NaN },
    ...(hoursPerWeek === undefined ? {} : { hoursPerWeek }),
    shareback: { startsAt, timeZone, ...(durationMinutes === undefined ? {} : { durationMinutes }) },
    policyText: values.policyText ?? '',
  };
  if (Object.keys(errors).length === 0) return input;
  // The shareback could not be read: still check the other fields (with a stand-in start) to report them too.
  const others = createRoundInputSchema.safeParse({ ...input, shareback: { ...input.shareback, startsAt: '2000-01-01T00:00:00Z', timeZone: 'UTC' } });
  const otherErrors = others.success ? {} : fieldErrorsOf(others.error.issues);
  return invalidInput({ ...otherErrors, ...errors });
}
