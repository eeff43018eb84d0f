import type { TurnContext } from 'botbuilder';
import { formatDateTime, formatDay } from '../../cards/format';
import { readRoundSetupSubmission, renderRoundSetupCard, roundInputFromValues, roundSetupDefaults } from '../../cards/roundSetup';
import { renderRoundSummaryCard } from '../../cards/roundSummary';
import { isDomainError } from '../../domain/errors';
import { currentPolicyVersion, roundWindow } from '../../domain/round';
import { parseRoundId } from '../../domain/roundIds';
import { createRound, openRound, resendKickoff } from '../../usecases/rounds';
import type { Caller } from '../../usecases/ports';
import { roundSummaryOf, roundSummaryQuery, type RoundSummary } from '../../usecases/queries/roundSummary';
import type { BotDependencies } from '../dependencies';
import { callerOf, replaceCard, sendCard, sendNotice } from '../reply';
import { answerUnknownAction } from './unknownAction';

/**
 * Programme owners in chat: `new round` → the setup card → a summary with "Open round" → the summary
 * with kickoff delivery per person. The same use cases as POST /api/rounds and /open.
 */

// The placeholder the setup card carries; the real id is derived from the request when the round is created.
const NEW_ROUND_ID = 'new-round';

async function managerOptions(deps: BotDependencies) {
  const people = [];
  // Anyone can head a team in the picker; the card keeps as many as fit (a large tenant picks from the dashboard, which searches).
  for await (const person of deps.directory.listPeople()) {
    people.push({ id: person.id, name: `Everyone under ${person.displayName}${person.jobTitle ? ` (${person.jobTitle})` : ''}` });
    if (people.length >= 100) break;
  }
  return people;
}

function summaryCard(summary: RoundSummary, extra: { notice?: string; error?: string } = {}) {
  const { round, kickoff } = summary;
  const window = roundWindow(round);
  const policy = currentPolicyVersion(round);
  return renderRoundSummaryCard({
    roundId: round.id,
    name: round.name,
    status: round.status,
    windowStart: formatDay(window.start),
    windowEnd: formatDay(window.end),
    weeks: round.window.weeks,
    hoursPerWeek: round.hoursPerWeek,
    shareback: formatDateTime(round.shareback.startsAt, round.shareback.timeZone),
    participantCount: summary.people,
    managerScopes: round.managerScopes.length,
    delivery: round.status === 'draft' ? null : {
      queued: kickoff.queued + kickoff.sending,
      sent: kickoff.sent,
      failed: kickoff.failed,
      uncertain: kickoff.uncertain,
      failures: summary.failures.map((f) => ({ name: f.displayName ?? f.userId, reason: f.reason ?? 'Unknown reason' })),
    },
    policy: policy ? { version: policy.version, publishedOn: formatDay(policy.publishedAt.slice(0, 10)) } : null,
    ...extra,
  });
}

function ownerOnly(context: TurnContext, deps: BotDependencies): Caller | null {
  const caller = callerOf(context, deps);
  return caller && (caller.mayCreateRounds || caller.isAdmin) ? caller : null;
}

export async function onNewRoundCommand(context: TurnContext, deps: BotDependencies): Promise<void> {
  if (!ownerOnly(context, deps)) {
    return sendNotice(context, { message: 'Only programme owners can set up a round. If you should be one, ask your Practice Loop admin to add you.' }, 'Rounds are run by programme owners');
  }
  await sendCard(context, renderRoundSetupCard({ roundId: NEW_ROUND_ID, managers: await managerOptions(deps), values: roundSetupDefaults() }));
}

export async function onCreateRound(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = ownerOnly(context, deps);
  if (!caller) return sendNotice(context, { message: 'Only programme owners can set up a round.' });
  const submission = readRoundSetupSubmission(context.activity.value);
  if (!submission) return answerUnknownAction(context, deps);
  const input = roundInputFromValues(submission.values, { roundId: NEW_ROUND_ID, tenantId: caller.tenantId, ownerIds: [caller.userId] });
  const round = isDomainError(input) ? input : await createRound((({ id: _id, tenantId: _tenant, ...rest }) => rest)(input), caller, deps.ports);
  if (isDomainError(round)) {
    const errors = round.kind === 'invalid_input' ? round.fieldErrors : undefined;
    return replaceCard(context, renderRoundSetupCard({ roundId: NEW_ROUND_ID, managers: await managerOptions(deps), values: submission.values, errors, formError: errors && Object.keys(errors).length > 0 ? undefined : round.message }));
  }
  await replaceCard(context, summaryCard(await roundSummaryOf(round, deps.ports), { notice: 'Round created. Check the details, then open it to send everyone their kickoff.' }));
}

export async function onRoundSummaryAction(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  const value = context.activity.value as { verb?: unknown; roundId?: unknown; who?: unknown } | undefined;
  const roundId = parseRoundId(value?.roundId);
  if (!caller || !roundId) return answerUnknownAction(context, deps);
  if (value?.verb === 'resendKickoff') {
    const who = value.who === 'uncertain' ? 'uncertain' : value.who === 'failed' ? 'failed' : null;
    if (!who) return answerUnknownAction(context, deps);
    const resent = await resendKickoff(roundId, who, caller, deps.ports);
    if (isDomainError(resent)) return sendNotice(context, resent);
    const summary = await roundSummaryQuery(roundId, caller, deps.ports);
    if (isDomainError(summary)) return sendNotice(context, summary);
    return replaceCard(context, summaryCard(summary, { notice: resent.requeued === 0 ? 'Nobody was waiting for a resend.' : `Resending the kickoff to ${resent.requeued} ${resent.requeued === 1 ? 'person' : 'people'} (“in case you missed it”).` }));
  }
  if (value?.verb === 'openRound') {
    const opened = await openRound(roundId, caller, deps.ports);
    if (isDomainError(opened)) return sendNotice(context, opened);
    return replaceCard(context, summaryCard(await roundSummaryOf(opened.round, deps.ports), { notice: opened.alreadyOpen ? 'This round was already open.' : `Round opened: ${opened.kickoffsQueued} kickoff messages are on their way.` }));
  }
  const summary = await roundSummaryQuery(roundId, caller, deps.ports);
  if (isDomainError(summary)) return sendNotice(context, summary);
  await replaceCard(context, summaryCard(summary));
}
