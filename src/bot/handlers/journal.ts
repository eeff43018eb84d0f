import type { TurnContext } from 'botbuilder';
import { journalCardFor } from '../../cards/journalView';
import { journalInputFromValues, readJournalSubmission } from '../../cards/journal';
import { isDomainError } from '../../domain/errors';
import { parseRoundId } from '../../domain/roundIds';
import { isSensitiveDataFound } from '../../domain/sensitiveData';
import { currentPracticeRound, isStaleWrite, journalView, saveJournal } from '../../usecases/journal';
import type { BotDependencies } from '../dependencies';
import { callerOf, replaceCard, sendCard, sendNotice } from '../reply';
import { answerUnknownAction } from './unknownAction';

const NO_PRACTICE = 'The journal opens once your practice has started. Type help to see where you are in the loop.';

/** `journal` typed in chat, or "Log the week of …" / "Write this week's journal" on a card. */
export async function onOpenJournal(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  if (!caller) return answerUnknownAction(context, deps);
  const value = (context.activity.value ?? {}) as { roundId?: unknown; weekStart?: unknown };
  const roundId = parseRoundId(value.roundId) ?? await currentPracticeRound(caller.userId, deps.ports);
  if (!roundId) return sendNotice(context, { message: NO_PRACTICE }, 'No journal yet');
  const weekStart = typeof value.weekStart === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.weekStart) ? value.weekStart : undefined;
  const view = await journalView(roundId, caller.userId, weekStart, deps.ports);
  if (isDomainError(view)) return sendNotice(context, view, 'No journal yet');
  await sendCard(context, journalCardFor(view, deps.clock.now().toISOString()));
}

/** "Save this week" (and "Redact and save" / "It is fine"): saved → the card as saved; refused → the same card with values and the reason. */
export async function onSaveJournal(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  const submission = readJournalSubmission(context.activity.value);
  const roundId = submission ? parseRoundId(submission.roundId) : null;
  if (!caller || !submission || !roundId) return answerUnknownAction(context, deps);
  const input = { ...journalInputFromValues(submission.values), expectedVersion: submission.expectedVersion, sensitiveData: submission.sensitiveData };
  const result = await saveJournal(roundId, caller, submission.weekStart, input, deps.ports);
  const now = deps.clock.now().toISOString();
  const view = await journalView(roundId, caller.userId, submission.weekStart, deps.ports);
  if (isDomainError(view)) return sendNotice(context, isDomainError(result) ? result : view, 'That was not saved');
  if (isSensitiveDataFound(result)) {
    return replaceCard(context, journalCardFor(view, now, { values: submission.values, sensitiveFindings: result.findings, sensitiveMessage: result.message }));
  }
  if (isStaleWrite(result)) {
    return replaceCard(context, journalCardFor(view, now, { formError: `${result.message} Your text is below; the saved entry is in the dashboard.`, values: submission.values }));
  }
  if (isDomainError(result) && result.kind === 'conflict' && result.confirmPolicy) {
    // A new policy version holds practice: the text stays on the card, and a button opens the confirmation.
    await replaceCard(context, journalCardFor(view, now, { formError: result.message, values: submission.values }));
    return sendNotice(context, result, 'Confirm the safe-use policy first');
  }
  if (isDomainError(result)) {
    // Read-only, someone else's, or a week that can no longer be logged: the card as it stands, with the reason on top.
    const keepValues = result.kind === 'invalid_input';
    return replaceCard(context, journalCardFor(view, now, { formError: result.message, errors: result.kind === 'invalid_input' ? result.fieldErrors : undefined, values: keepValues || view.entry === null ? submission.values : undefined }));
  }
  await replaceCard(context, journalCardFor({ ...view, entry: result.entry }, now));
}
