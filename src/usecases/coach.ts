import {
  keepCatalogueTools, keepJournalWeeks, keepOfferedSources, keywordsOf,
  type CoachAnswer, type LibraryAnswer, type LibrarySource, type PlanAdvice, type PlanCoachInput, type SummaryDraft, type ToolSuggestions,
} from '../domain/coach';
import { domainError, isDomainError, type DomainError } from '../domain/errors';
import type { Experiment } from '../domain/experiment';
import { canManageRound, type Round } from '../domain/round';
import type { RoundId } from '../domain/roundIds';
import type { UserId } from '../domain/ids';
import { rubricScoresSchema, type RubricScores } from '../domain/rubric';
import { redactFields } from '../domain/sensitiveData';
import { effectiveSummary, type SummaryFacts } from '../domain/summary';
import { roleSchema, type Role } from '../domain/toolCatalogue';
import { mayReadLibrary } from './assets';
import type { Caller, UseCasePorts } from './ports';
import { isPresenting, summaryFactsOf } from './sharebackSession';

/**
 * The coach's use cases: load what the feature needs, check it may be used (the caller's own plan, a round
 * whose owners have not switched the coach off, a library the caller may read), pass every piece of text
 * through the sensitive-data check and redact what it finds, ask the coach, and apply the checks every
 * answer gets. Nothing is saved here: a suggestion is only used when the person chooses "Use this", through
 * the existing commands, and the coach's text is never stored where a manager would read it.
 */

export interface CoachView<T> extends CoachAnswer<T> {
  /** How many sensitive findings were replaced by placeholders before the text left the app. */
  readonly redactions: number;
}

const COACH_OFF = 'The coach is switched off for this round by its owners. Your plan and everything else work as before.';

export function coachIsOn(round: Pick<Round, 'coachOff'>): boolean {
  return round.coachOff !== true;
}

async function redact<T extends Record<string, string>>(fields: T, round: Round | null, ports: UseCasePorts): Promise<{ fields: T; redactions: number }> {
  const findings = await ports.sensitiveData.scan(fields, round?.sensitiveTerms ?? []);
  return { fields: findings.length === 0 ? fields : redactFields(fields, findings), redactions: findings.length };
}

/* ---------- steps 1–2: sharpen the plan, suggest tools ---------- */

/** What the card or the tab's editor holds now (possibly unsaved); anything missing comes from the saved plan. */
export interface PlanCoachRequest {
  readonly frictionPoint?: string;
  readonly kpi?: string;
  readonly minutesToday?: number | null;
  readonly scores?: Partial<Record<keyof RubricScores, number | null>>;
  readonly supportNamed?: string;
  readonly measure?: string;
  readonly baseline?: { readonly value: number | null; readonly unit: string } | null;
  readonly target?: { readonly value: number | null; readonly unit: string } | null;
  readonly howWeWillKnow?: string;
}

async function ownPlan(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<{ round: Round; experiment: Experiment } | DomainError> {
  // Three point reads at once (a card action waits on them): the round, the caller's membership, their experiment.
  const [stored, member, own] = await Promise.all([ports.rounds.get(roundId), ports.roundMembers.get(roundId, caller.userId), ports.experiments.get(roundId, caller.userId)]);
  if (!stored) return domainError('not_found', 'That round does not exist any more.');
  const round = stored.round;
  if (round.status === 'draft') return domainError('conflict', "This round hasn't opened yet.");
  if (!member) return domainError('forbidden', `You are not part of “${round.name}”. Ask its programme owner if you would like to join.`);
  if (!coachIsOn(round)) return domainError('conflict', COACH_OFF);
  if (!own) return domainError('conflict', 'Confirm the safe-use policy first; then the coach can help with your plan.');
  return { round, experiment: own.experiment };
}

const measurementOf = (m: PlanCoachRequest['baseline'], saved: { value: number; unit: string } | undefined) =>
  m === undefined ? saved ?? null : m !== null && m.value !== null && Number.isFinite(m.value) && m.unit.trim() !== '' ? { value: m.value, unit: m.unit.trim() } : null;

export async function sharpenPlan(roundId: RoundId, request: PlanCoachRequest, caller: Caller, ports: UseCasePorts): Promise<CoachView<PlanAdvice> | DomainError> {
  const own = await ownPlan(roundId, caller, ports);
  if (isDomainError(own)) return own;
  const { round, experiment } = own;
  const selection = experiment.selection;
  const hypothesis = experiment.hypothesis;
  const scores = rubricScoresSchema.safeParse({ ...selection?.scores, ...Object.fromEntries(Object.entries(request.scores ?? {}).filter(([, v]) => v !== null && v !== undefined)) });
  const texts = await redact({
    frictionPoint: request.frictionPoint ?? selection?.frictionPoint.description ?? '',
    kpi: request.kpi ?? selection?.kpi ?? '',
    measure: request.measure ?? hypothesis?.measure ?? '',
    howWeWillKnow: request.howWeWillKnow ?? hypothesis?.howWeWillKnow ?? '',
  }, round, ports);
  if (texts.fields.frictionPoint.trim() === '') return domainError('invalid_input', 'Describe your friction point first; the coach sharpens what you have written.', { fieldErrors: { 'frictionPoint.description': 'Describe your friction point first.' } });
  const input: PlanCoachInput = {
    frictionPoint: texts.fields.frictionPoint,
    kpi: texts.fields.kpi,
    minutesToday: request.minutesToday ?? selection?.frictionPoint.minutesToday ?? null,
    scores: scores.success ? scores.data : null,
    hoursPerWeek: round.hoursPerWeek,
    weeks: round.window.weeks,
    supportNamed: Boolean((request.supportNamed ?? selection?.supportNamed ?? '').trim()),
    draft: {
      measure: texts.fields.measure,
      baseline: measurementOf(request.baseline, hypothesis?.baseline),
      target: measurementOf(request.target, hypothesis?.target),
      howWeWillKnow: texts.fields.howWeWillKnow,
    },
  };
  const answer = await ports.coach.sharpenPlan(input);
  return { ...answer, redactions: texts.redactions };
}

export interface ToolCoachRequest {
  readonly frictionPoint?: string;
  readonly role?: string;
  readonly otherToolName?: string;
}

export async function suggestTools(roundId: RoundId, request: ToolCoachRequest, caller: Caller, ports: UseCasePorts): Promise<CoachView<ToolSuggestions> | DomainError> {
  const own = await ownPlan(roundId, caller, ports);
  if (isDomainError(own)) return own;
  const { round, experiment } = own;
  const role = roleSchema.safeParse(request.role ?? experiment.selection?.role);
  if (!role.success) return domainError('invalid_input', 'Choose your role first: the coach suggests tools from this round’s list for it.', { fieldErrors: { role: 'Choose your role first.' } });
  const texts = await redact({ frictionPoint: request.frictionPoint ?? experiment.selection?.frictionPoint.description ?? '', otherToolName: request.otherToolName ?? '' }, round, ports);
  const input = { frictionPoint: texts.fields.frictionPoint, role: role.data as Role, catalogue: round.catalogue, otherToolName: texts.fields.otherToolName || undefined };
  const answer = await ports.coach.suggestTools(input);
  return { ...answer, value: keepCatalogueTools(answer.value, round.catalogue, input.otherToolName), redactions: texts.redactions };
}

/* ---------- step 5: draft the shareback summary ---------- */

/** The coach's draft of the caller's own summary from their journal and shared assets; nothing is saved. */
export async function draftSummaryWithCoach(roundId: RoundId, caller: Caller, ports: UseCasePorts): Promise<CoachView<SummaryDraft> | DomainError> {
  const storedRound = await ports.rounds.get(roundId);
  if (!storedRound) return domainError('not_found', 'That round does not exist any more.');
  const round = storedRound.round;
  if (!coachIsOn(round)) return domainError('conflict', COACH_OFF);
  const stored = await ports.experiments.get(roundId, caller.userId);
  if (!stored || !isPresenting(stored.experiment)) return domainError('not_found', 'There is no summary to draft yet: it is drafted once your plan is approved.');
  const facts = await summaryFactsOf(stored.experiment, ports);
  const fields: Record<string, string> = {};
  facts.journals.forEach((entry, i) => {
    for (const key of ['improved', 'broke', 'surprised', 'taught'] as const) fields[`j${i}.${key}`] = entry[key];
  });
  facts.assets.forEach((asset, i) => { fields[`a${i}.title`] = asset.title; });
  fields.task = facts.task;
  const texts = await redact(fields, round, ports);
  const safe: SummaryFacts = {
    ...facts,
    task: texts.fields.task ?? '',
    journals: facts.journals.map((entry, i) => ({
      weekStart: entry.weekStart, hoursPractised: entry.hoursPractised,
      improved: texts.fields[`j${i}.improved`] ?? '', broke: texts.fields[`j${i}.broke`] ?? '',
      surprised: texts.fields[`j${i}.surprised`] ?? '', taught: texts.fields[`j${i}.taught`] ?? '',
    })),
    assets: facts.assets.map((asset, i) => ({ ...asset, title: texts.fields[`a${i}.title`] ?? '' })),
  };
  const answer = await ports.coach.draftSummary(safe);
  return { ...answer, value: keepJournalWeeks(answer.value, facts), redactions: texts.redactions };
}

/* ---------- ask the library ---------- */

export interface LibraryView extends CoachView<LibraryAnswer> {
  readonly sources: readonly { readonly id: string; readonly kind: LibrarySource['kind']; readonly title: string; readonly tool: string; readonly url: string | null }[];
}

/** At most this many sources go to a coach: the best keyword matches, so the prompt stays small as a round grows. */
export const LIBRARY_CANDIDATES = 8;

/**
 * Sources the caller may see: assets shared with the round (never one only its author can see), and the
 * shareback summaries the caller may read anyway — their own, their direct reports', every one for an owner.
 */
async function librarySources(round: Round, caller: Caller, ports: UseCasePorts): Promise<LibrarySource[]> {
  const [assets, summaries, reports] = await Promise.all([
    ports.assets.listShared(round.id),
    ports.sharebackSessions.listSummaries(round.id),
    ports.directory.listDirectReports(caller.userId),
  ]);
  const owner = canManageRound(round, caller);
  const reportIds = new Set(reports.map((report) => report.id));
  const visible = summaries.filter((s) => owner || s.participantId === caller.userId || reportIds.has(s.participantId));
  return [
    ...assets.filter((asset) => asset.shared).map((asset) => ({
      id: asset.id, kind: 'asset' as const, title: asset.title, tool: asset.tool, url: asset.url,
      text: [asset.goodFor, asset.content].filter(Boolean).join('\n'),
    })),
    ...visible.map((s) => {
      const content = effectiveSummary(s.draft, s.edits);
      return {
        id: `summary:${s.participantId}`, kind: 'summary' as const, title: `Shareback summary: ${content.task}`.slice(0, 200), tool: content.tool, url: null,
        text: [content.worked, content.failed, content.keepTesting].filter(Boolean).join('\n'),
      };
    }),
  ];
}

/** The round a library question in chat is about: the latest of the person's rounds that has opened, an open one first, or one they own. */
export async function libraryRoundOf(caller: Caller, ports: Pick<UseCasePorts, 'rounds' | 'roundMembers'>): Promise<RoundId | null> {
  const [memberOf, owned] = await Promise.all([ports.roundMembers.roundsOf(caller.userId), ports.rounds.listForOwner(caller.userId)]);
  let best: { id: RoundId; start: string } | null = null;
  for (const id of new Set([...memberOf, ...owned.map((r) => r.roundId)])) {
    const stored = await ports.rounds.get(id);
    if (!stored || stored.round.status === 'draft') continue;
    const start = `${stored.round.status === 'open' ? '1' : '0'}${stored.round.window.start}`;
    if (!best || start > best.start) best = { id, start };
  }
  return best?.id ?? null;
}

export async function askLibrary(roundId: RoundId, question: string, caller: Caller, ports: UseCasePorts): Promise<LibraryView | DomainError> {
  const stored = await ports.rounds.get(roundId);
  if (!stored) return domainError('not_found', 'That round does not exist any more.');
  const round = stored.round;
  if (!(await mayReadLibrary(round, caller, ports))) return domainError('forbidden', 'The library of a round is open to its participants, their managers and its owners.');
  if (!coachIsOn(round)) return domainError('conflict', COACH_OFF);
  const asked = question.trim();
  if (asked.length < 3 || asked.length > 500) return domainError('invalid_input', 'Ask a question of 3 to 500 characters.', { fieldErrors: { question: 'Ask a question of 3 to 500 characters.' } });

  const words = keywordsOf(asked);
  const all = await librarySources(round, caller, ports);
  const candidates = all
    .map((source) => ({ source, hits: words.filter((w) => `${source.title} ${source.tool} ${source.text}`.toLowerCase().includes(w.replace(/s$/, ''))).length }))
    .filter((c) => c.hits > 0)
    .sort((a, b) => b.hits - a.hits)
    .slice(0, LIBRARY_CANDIDATES)
    .map((c) => c.source);
  const fields: Record<string, string> = { question: asked };
  candidates.forEach((source, i) => { fields[`s${i}.title`] = source.title; fields[`s${i}.text`] = source.text; });
  const texts = await redact(fields, round, ports);
  const safeSources = candidates.map((source, i) => ({ ...source, title: texts.fields[`s${i}.title`] ?? '', text: texts.fields[`s${i}.text`] ?? '' }));
  const answer = await ports.coach.askLibrary({ question: texts.fields.question ?? '', sources: safeSources });
  const value = keepOfferedSources(answer.value, safeSources);
  const byId = new Map(candidates.map((source) => [source.id, source]));
  return {
    ...answer,
    value,
    redactions: texts.redactions,
    sources: value.sourceIds.flatMap((id) => {
      const source = byId.get(id);
      return source ? [{ id: source.id, kind: source.kind, title: source.title, tool: source.tool, url: source.url }] : [];
    }),
  };
}

/* ---------- natural chat ---------- */

/**
 * Whether a person's chat text may go to the model: not while an open round they are in has the coach switched off
 * by its owners (their choice holds for everything the round's people type; the basic rules answer instead).
 */
export async function chatMayUseModel(userId: UserId, ports: UseCasePorts): Promise<boolean> {
  const roundIds = await ports.roundMembers.roundsOf(userId);
  const rounds = await Promise.all(roundIds.map((id) => ports.rounds.get(id)));
  return !rounds.some((stored) => stored !== null && stored.round.status === 'open' && !coachIsOn(stored.round));
}

/**
 * Free text typed in personal chat, as it may leave the app for the model that maps it to a command: through the
 * sensitive-data check, with what it finds replaced by placeholders.
 */
export async function redactChatText(message: string, ports: UseCasePorts): Promise<{ readonly message: string; readonly redactions: number }> {
  const texts = await redact({ message: message.slice(0, 1000) }, null, ports);
  return { message: texts.fields.message, redactions: texts.redactions };
}
