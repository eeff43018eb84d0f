import { managesRound } from './access';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { domainError, isDomainError, type DomainError } from './errors';
import type { TenantId, UserId } from './ids';
import { tenantIdSchema, uniqueIds, userIdSchema } from './idSchemas';
import { roundIdSchema, type RoundId } from './roundIds';
import { SENSITIVE_TERMS_LIMITS } from './sensitiveData';
import { instantOrThrow, instantSchema, isoDateSchema, parseInstant, stamp, timeZoneSchema, type IsoDate, type IsoInstant } from './time';
import { DEFAULT_TOOL_CATALOGUE, toolCatalogueSchema, type ToolCatalogueEntry } from './toolCatalogue';
import { boundedText, fieldErrorsOf, invalidInput } from './validation';
import { isStaleVersion } from './version';

/**
 * A round: who takes part, the practice window, the protected hours, the shareback on the calendar
 * from day one, the safe-use policy (versioned) and the tool list. Owners and app admins run it.
 */
export type RoundStatus = 'draft' | 'open' | 'closed';

export interface PolicyVersion {
  readonly version: number;
  readonly text: string;
  readonly publishedAt: IsoInstant;
  readonly publishedBy: UserId;
}

export interface Round {
  readonly id: RoundId;
  readonly tenantId: TenantId;
  readonly name: string;
  readonly ownerIds: readonly UserId[];
  /** Managers whose direct reports join the round (resolved from the directory at kickoff). */
  readonly managerScopes: readonly UserId[];
  /** `start` is a calendar date in the shareback's time zone (the round's zone); the window runs whole weeks. */
  readonly window: { readonly start: IsoDate; readonly weeks: number };
  readonly hoursPerWeek: number;
  readonly shareback: { readonly startsAt: IsoInstant; readonly durationMinutes: number; readonly timeZone: string };
  readonly policy: { readonly versions: readonly PolicyVersion[] };
  readonly catalogue: readonly ToolCatalogueEntry[];
  /** Words the safe-use check flags in journals and assets (client names, code names); the owners edit it. Absent on rounds made before step 4. */
  readonly sensitiveTerms?: readonly string[];
  /** True when the owners switched the practice coach off for this round (absent: on). */
  readonly coachOff?: boolean;
  readonly status: RoundStatus;
  readonly createdAt: IsoInstant;
  readonly updatedAt: IsoInstant;
  /** Bumped by every change; a card or form sends it back as `expectedVersion` so a stale one is caught. */
  readonly version: number;
}

/**
 * A round with the people named in it. Loading them reads every member row, so only the commands that change who
 * takes part (create, edit, open) and the owner's screens load this; every per-person path works on `Round`
 * (a round loads without its members, so a per-person path costs the same in a round of 10 or 10,000).
 */
export interface RoundWithParticipants extends Round {
  readonly participantIds: readonly UserId[];
}

export interface RoundActor {
  readonly userId: UserId;
  readonly isAdmin: boolean;
}

export const ROUND_LIMITS = {
  nameCharacters: { min: 3, max: 120 },
  weeks: { min: 2, max: 4 },
  hoursPerWeek: { min: 1, max: 5, step: 0.5, default: 2.5 },
  sharebackMinutes: { min: 30, max: 240, default: 90 },
  policyCharacters: { min: 20, max: 20_000 },
  owners: { min: 1, max: 20 },
  // A list of people is stored as rows, not one property: 2,000 GUIDs would pass Table Storage's 64 KiB per property.
  participants: { max: 5_000 },
  managerScopes: { max: 500 },
} as const;

const L = ROUND_LIMITS;

function peopleSchema(what: string, max: number, min = 0) {
  const each = userIdSchema(`Each ${what} must be a person from your organisation's directory.`);
  const listMessage = `Choose the ${what}s from your organisation's directory.`;
  return z.array(each, { required_error: listMessage, invalid_type_error: listMessage })
    .transform((ids) => uniqueIds(ids))
    .refine((ids) => ids.length >= min, { message: `A round needs at least ${min === 1 ? 'one' : min} ${what}${min === 1 ? '' : 's'}.` })
    .refine((ids) => ids.length <= max, { message: `A round can have up to ${max.toLocaleString('en-GB')} ${what}s.` });
}

const weeksMessage = `A practice window runs ${L.weeks.min} to ${L.weeks.max} whole weeks.`;
const hoursMessage = `Protected time is ${L.hoursPerWeek.min} to ${L.hoursPerWeek.max} hours a week, in half hours.`;
const durationMessage = `A shareback lasts ${L.sharebackMinutes.min} to ${L.sharebackMinutes.max} minutes.`;
const termsMessage = `List up to ${SENSITIVE_TERMS_LIMITS.max} words to flag (client names, code names), each ${SENSITIVE_TERMS_LIMITS.minCharacters} to ${SENSITIVE_TERMS_LIMITS.maxCharacters} characters.`;
const policyMessage = `Write the policy in ${L.policyCharacters.min} to ${L.policyCharacters.max.toLocaleString('en-GB')} characters.`;

const roundSettingsSchema = z.object({
  name: boundedText(L.nameCharacters.min, L.nameCharacters.max, `Give the round a name of ${L.nameCharacters.min} to ${L.nameCharacters.max} characters.`),
  ownerIds: peopleSchema('owner', L.owners.max, L.owners.min),
  participantIds: peopleSchema('participant', L.participants.max).default([]),
  managerScopes: peopleSchema('manager', L.managerScopes.max).default([]),
  window: z.object({
    start: isoDateSchema('Give the first day of practice as a date (YYYY-MM-DD).'),
    weeks: z.number({ required_error: weeksMessage, invalid_type_error: weeksMessage }).int({ message: weeksMessage })
      .min(L.weeks.min, { message: weeksMessage }).max(L.weeks.max, { message: weeksMessage }),
  }, { required_error: 'Set the practice window: a first day and a number of weeks.' }),
  hoursPerWeek: z.number({ invalid_type_error: hoursMessage })
    .min(L.hoursPerWeek.min, { message: hoursMessage }).max(L.hoursPerWeek.max, { message: hoursMessage })
    .multipleOf(L.hoursPerWeek.step, { message: hoursMessage })
    .default(L.hoursPerWeek.default),
  shareback: z.object({
    startsAt: instantSchema('Give the shareback start as a date and time with its offset, e.g. 2025-03-24T15:00:00Z.'),
    durationMinutes: z.number({ invalid_type_error: durationMessage }).int({ message: durationMessage })
      .min(L.sharebackMinutes.min, { message: durationMessage }).max(L.sharebackMinutes.max, { message: durationMessage })
      .default(L.sharebackMinutes.default),
    timeZone: timeZoneSchema('Choose the time zone the round runs in, such as Europe/London.'),
  }, { required_error: 'Put the shareback on the calendar: a start time and a time zone.' }),
  catalogue: toolCatalogueSchema.default(() => [...DEFAULT_TOOL_CATALOGUE]),
  sensitiveTerms: z.array(z.string({ invalid_type_error: termsMessage }).trim(), { invalid_type_error: termsMessage })
    .transform((terms) => [...new Set(terms.filter((term) => term !== ''))])
    .refine((terms) => terms.length <= SENSITIVE_TERMS_LIMITS.max && terms.every((t) => t.length >= SENSITIVE_TERMS_LIMITS.minCharacters && t.length <= SENSITIVE_TERMS_LIMITS.maxCharacters), { message: termsMessage })
    .default([]),
  coachOff: z.boolean({ invalid_type_error: 'Switch the coach on or off with true or false.' }).optional(),
});
type RoundSettings = z.output<typeof roundSettingsSchema>;

export const createRoundInputSchema = roundSettingsSchema.extend({
  id: roundIdSchema(),
  tenantId: tenantIdSchema('The round must belong to your organisation (a tenant id).'),
  /** Optional: publishes policy version 1 with the round. */
  policyText: boundedText(L.policyCharacters.min, L.policyCharacters.max, policyMessage).optional(),
});

/** What a form or the API sends to create a round; ids as plain strings, checked here. */
export interface CreateRoundInput {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly ownerIds: readonly string[];
  readonly participantIds?: readonly string[];
  readonly managerScopes?: readonly string[];
  readonly window: { readonly start: string; readonly weeks: number };
  readonly hoursPerWeek?: number;
  readonly shareback: { readonly startsAt: string; readonly durationMinutes?: number; readonly timeZone: string };
  readonly catalogue?: readonly ToolCatalogueEntry[];
  readonly sensitiveTerms?: readonly string[];
  readonly coachOff?: boolean;
  readonly policyText?: string;
}

/** Partial edits; `window` and `shareback` may change one field at a time. */
export interface RoundChanges {
  readonly name?: string;
  readonly ownerIds?: readonly string[];
  readonly participantIds?: readonly string[];
  readonly managerScopes?: readonly string[];
  readonly window?: { readonly start?: string; readonly weeks?: number };
  readonly hoursPerWeek?: number;
  readonly shareback?: { readonly startsAt?: string; readonly durationMinutes?: number; readonly timeZone?: string };
  readonly catalogue?: readonly ToolCatalogueEntry[];
  readonly sensitiveTerms?: readonly string[];
  readonly coachOff?: boolean;
  /** The `version` the form was showing; a different current version is a conflict. */
  readonly expectedVersion?: number;
}

/** Owner or admin of the round: the access policy's rule (src/domain/access.ts), named here for the round's own commands. */
export const canManageRound: (round: Pick<Round, 'ownerIds'>, actor: RoundActor) => boolean = managesRound;

const notAnOwner = (): DomainError =>
  domainError('forbidden', "Only this round's owners (or an app admin) can change it. Ask an owner to add you if you help run it.");

const closedRound = (what: string): DomainError =>
  domainError('conflict', `This round is closed, so ${what}. Start a new round instead.`);

function staleRound(current: number): DomainError {
  return domainError('conflict', `This round changed after you opened it (it is now at version ${current}). Reload it to see the latest, then make your change again.`);
}

function humanDate(date: DateTime): string {
  return date.setLocale('en-GB').toFormat('cccc d LLLL yyyy');
}

/** The last day of practice, as a local date in the round's zone: start 2025-03-03 + 3 weeks → Sunday 2025-03-23. */
function lastPracticeDay(window: { start: IsoDate; weeks: number }, timeZone: string): DateTime {
  return DateTime.fromISO(window.start, { zone: timeZone }).startOf('day').plus({ weeks: window.weeks }).minus({ days: 1 });
}

/**
 * Calendar rules across fields. The shareback falls on or after the last day of practice, compared as local
 * dates in the round's zone (window 2025-03-03 for 3 weeks: the 23rd at 16:00 is fine, the 22nd is not).
 * "Not in the past" is checked when the shareback time is being set, so renaming a running round whose
 * shareback has passed still works.
 */
function scheduleErrors(settings: RoundSettings, now: DateTime, checkPast: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  const { startsAt, timeZone } = settings.shareback;
  const starts = parseInstant(startsAt);
  if (starts === null) return errors; // already reported by the schema
  const lastDay = lastPracticeDay(settings.window, timeZone);
  if (starts.setZone(timeZone).startOf('day') < lastDay) {
    errors['shareback.startsAt'] = `Set the shareback on or after the last day of practice, ${humanDate(lastDay)}.`;
  } else if (checkPast && starts <= now) {
    errors['shareback.startsAt'] = 'That shareback time has already passed; choose a time in the future.';
  }
  return errors;
}

function parseSettings(raw: unknown, now: DateTime, checkPast: (settings: RoundSettings) => boolean): RoundSettings | DomainError {
  const parsed = roundSettingsSchema.safeParse(raw);
  if (!parsed.success) return invalidInput(fieldErrorsOf(parsed.error.issues));
  const errors = scheduleErrors(parsed.data, now, checkPast(parsed.data));
  return Object.keys(errors).length > 0 ? invalidInput(errors) : parsed.data;
}

export function createRound(input: CreateRoundInput, actor: RoundActor, now: IsoInstant): RoundWithParticipants | DomainError {
  const at = instantOrThrow(now);
  const parsed = createRoundInputSchema.safeParse(input);
  if (!parsed.success) return invalidInput(fieldErrorsOf(parsed.error.issues));
  const errors = scheduleErrors(parsed.data, at, true);
  if (Object.keys(errors).length > 0) return invalidInput(errors);
  const data = parsed.data;
  if (!canManageRound(data, actor)) {
    return domainError('forbidden', 'You can create a round only as one of its owners: add yourself as an owner, or ask an app admin.');
  }
  const createdAt = stamp(now);
  const { policyText, ...rest } = data;
  return {
    ...rest,
    policy: { versions: policyText === undefined ? [] : [{ version: 1, text: policyText, publishedAt: createdAt, publishedBy: actor.userId }] },
    status: 'draft',
    createdAt,
    updatedAt: createdAt,
    version: 1,
  };
}

function settingsOf(round: RoundWithParticipants): RoundSettings {
  return {
    name: round.name,
    ownerIds: [...round.ownerIds],
    participantIds: [...round.participantIds],
    managerScopes: [...round.managerScopes],
    window: { ...round.window },
    hoursPerWeek: round.hoursPerWeek,
    shareback: { ...round.shareback },
    catalogue: [...round.catalogue],
    sensitiveTerms: [...(round.sensitiveTerms ?? [])],
    ...(round.coachOff !== undefined ? { coachOff: round.coachOff } : {}),
  };
}

/**
 * Whether two rounds were set up alike: the same request sent twice makes the same round, but the same name
 * and first day with other settings is a different request that must not be answered with the first round.
 */
export function sameSettings(a: RoundWithParticipants, b: RoundWithParticipants): boolean {
  const policyOf = (round: RoundWithParticipants) => round.policy.versions[0]?.text ?? null;
  return JSON.stringify(settingsOf(a)) === JSON.stringify(settingsOf(b)) && policyOf(a) === policyOf(b);
}

/** Everyone a round names, by the field that names them (each must be a person in the directory). */
export function peopleNamedBy(round: Pick<RoundWithParticipants, 'ownerIds' | 'participantIds' | 'managerScopes'>): ReadonlyArray<{ readonly field: 'ownerIds' | 'participantIds' | 'managerScopes'; readonly id: UserId }> {
  return [
    ...round.ownerIds.map((id) => ({ field: 'ownerIds' as const, id })),
    ...round.participantIds.map((id) => ({ field: 'participantIds' as const, id })),
    ...round.managerScopes.map((id) => ({ field: 'managerScopes' as const, id })),
  ];
}

/**
 * Applies partial changes and checks the whole round again. Nothing different → the same round back,
 * version unchanged (a second click of Save is harmless). A closed round cannot change.
 */
export function editRound(round: RoundWithParticipants, changes: RoundChanges, actor: RoundActor, now: IsoInstant): RoundWithParticipants | DomainError {
  const at = instantOrThrow(now);
  if (!canManageRound(round, actor)) return notAnOwner();
  if (isStaleVersion(changes.expectedVersion, round.version)) return staleRound(round.version);
  if (round.status === 'closed') return closedRound('its settings can no longer change');

  const current = settingsOf(round);
  const merged = {
    name: changes.name ?? current.name,
    ownerIds: changes.ownerIds ?? current.ownerIds,
    participantIds: changes.participantIds ?? current.participantIds,
    managerScopes: changes.managerScopes ?? current.managerScopes,
    // Field by field, so `{ weeks: undefined }` from a form means "unchanged", not "remove".
    window: { start: changes.window?.start ?? current.window.start, weeks: changes.window?.weeks ?? current.window.weeks },
    hoursPerWeek: changes.hoursPerWeek ?? current.hoursPerWeek,
    shareback: {
      startsAt: changes.shareback?.startsAt ?? current.shareback.startsAt,
      durationMinutes: changes.shareback?.durationMinutes ?? current.shareback.durationMinutes,
      timeZone: changes.shareback?.timeZone ?? current.shareback.timeZone,
    },
    catalogue: changes.catalogue ?? current.catalogue,
    sensitiveTerms: changes.sensitiveTerms ?? current.sensitiveTerms,
    coachOff: changes.coachOff ?? current.coachOff,
  };
  const next = parseSettings(merged, at, (settings) => settings.shareback.startsAt !== round.shareback.startsAt);
  if (isDomainError(next)) return next;
  if (JSON.stringify(next) === JSON.stringify(current)) return round;
  return { ...round, ...next, updatedAt: stamp(now), version: round.version + 1 };
}

export function currentPolicyVersion(round: Round): PolicyVersion | null {
  return round.policy.versions.at(-1) ?? null;
}

export interface PublishPolicyResult<R extends Round = Round> {
  readonly round: R;
  readonly policyVersion: PolicyVersion;
  /** False when the text equals the current version: publishing it again is a no-op, not version N+1. */
  readonly changed: boolean;
}

/**
 * Appends version N+1; earlier versions stay exactly as published (acknowledgements point at them).
 * Publishing while the round is open is allowed: everyone's acknowledgement becomes out of date and
 * `needsAcknowledgement` asks them to read the new version.
 */
export function publishPolicyVersion<R extends Round>(round: R, text: string, actor: RoundActor, now: IsoInstant): PublishPolicyResult<R> | DomainError {
  instantOrThrow(now);
  if (!canManageRound(round, actor)) return notAnOwner();
  if (round.status === 'closed') return closedRound('its policy can no longer change');
  const parsed = boundedText(L.policyCharacters.min, L.policyCharacters.max, policyMessage).safeParse(text);
  if (!parsed.success) return invalidInput({ policyText: policyMessage });

  const current = currentPolicyVersion(round);
  if (current !== null && current.text === parsed.data) return { round, policyVersion: current, changed: false };
  const at = stamp(now);
  const policyVersion: PolicyVersion = { version: (current?.version ?? 0) + 1, text: parsed.data, publishedAt: at, publishedBy: actor.userId };
  return {
    round: { ...round, policy: { versions: [...round.policy.versions, policyVersion] }, updatedAt: at, version: round.version + 1 },
    policyVersion,
    changed: true,
  };
}

export interface OpenRoundResult {
  readonly round: RoundWithParticipants;
  /** True when the round was already open: the same round comes back unchanged, so a retry is harmless. */
  readonly alreadyOpen: boolean;
}

/** draft → open, once there is a policy to acknowledge, someone invited and a shareback still ahead. */
export function openRound(round: RoundWithParticipants, actor: RoundActor, now: IsoInstant): OpenRoundResult | DomainError {
  const at = instantOrThrow(now);
  if (!canManageRound(round, actor)) return notAnOwner();
  if (round.status === 'open') return { round, alreadyOpen: true };
  if (round.status === 'closed') return closedRound('it cannot be opened again');
  if (currentPolicyVersion(round) === null) {
    return domainError('conflict', 'Publish a safe-use policy before you open the round: everyone acknowledges it before they practise.');
  }
  if (round.participantIds.length === 0 && round.managerScopes.length === 0) {
    return domainError('conflict', 'Invite people before you open the round: add participants, or a manager whose team takes part.');
  }
  const starts = parseInstant(round.shareback.startsAt);
  if (starts === null || starts <= at) {
    return domainError('conflict', 'The shareback time has already passed: move it to a future time before you open the round.');
  }
  return { round: { ...round, status: 'open', updatedAt: stamp(now), version: round.version + 1 }, alreadyOpen: false };
}

export interface CloseRoundResult<R extends Round = Round> {
  readonly round: R;
  readonly alreadyClosed: boolean;
}

/** draft or open → closed (after the decisions, or to cancel a draft); closing twice is harmless. */
export function closeRound<R extends Round>(round: R, actor: RoundActor, now: IsoInstant): CloseRoundResult<R> | DomainError {
  instantOrThrow(now);
  if (!canManageRound(round, actor)) return notAnOwner();
  if (round.status === 'closed') return { round, alreadyClosed: true };
  return { round: { ...round, status: 'closed', updatedAt: stamp(now), version: round.version + 1 }, alreadyClosed: false };
}

export interface RoundWindow {
  /** First day of practice (local date in `timeZone`). */
  readonly start: IsoDate;
  /** Last day of practice, inclusive. */
  readonly end: IsoDate;
  /** Local midnight at the start, as a UTC instant. */
  readonly startsAt: IsoInstant;
  /** Local midnight after the last day, as a UTC instant (exclusive). */
  readonly endsAt: IsoInstant;
  readonly timeZone: string;
}

/**
 * Whole local days in the round's zone, so DST does not shift the edges:
 *   Europe/London, 2025-03-17 for 3 weeks → 2025-03-17 … 2025-04-06;
 *   startsAt 2025-03-17T00:00:00.000Z (GMT), endsAt 2025-04-06T23:00:00.000Z (midnight BST).
 */
export function roundWindow(round: Pick<Round, 'window' | 'shareback'>): RoundWindow {
  const { timeZone } = round.shareback;
  const start = DateTime.fromISO(round.window.start, { zone: timeZone }).startOf('day');
  const endExclusive = start.plus({ weeks: round.window.weeks });
  if (!start.isValid || !endExclusive.isValid) throw new Error(`round window ${round.window.start} in ${timeZone} is not a valid date`);
  return {
    start: start.toISODate(),
    end: endExclusive.minus({ days: 1 }).toISODate(),
    startsAt: start.toUTC().toISO(),
    endsAt: endExclusive.toUTC().toISO(),
    timeZone,
  };
}
