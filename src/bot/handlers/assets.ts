import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { readAssetSubmission, renderAssetCard, renderAssetFormCard } from '../../cards/assetSave';
import { hiddenId, hiddenInt, readHidden } from '../../cards/forms';
import { isDomainError } from '../../domain/errors';
import { parseRoundId } from '../../domain/roundIds';
import { isSensitiveDataFound } from '../../domain/sensitiveData';
import { changeMyAsset, myPractisedToolName, saveAsset } from '../../usecases/assets';
import { currentPracticeRound, isStaleWrite } from '../../usecases/journal';
import type { BotDependencies } from '../dependencies';
import { callerOf, replaceCard, sendCard, sendNotice } from '../reply';
import { answerUnknownAction } from './unknownAction';
import { z } from 'zod';

/** `save asset` typed in chat: the asset form for the caller's current experiment. */
export async function onSaveAssetCommand(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  if (!caller) return answerUnknownAction(context, deps);
  const roundId = await currentPracticeRound(caller.userId, deps.ports, ['approved', 'practising', 'sharing', 'decided']);
  const tool = roundId ? await myPractisedToolName(roundId, caller, deps.ports) : null;
  if (!roundId || !tool) {
    return sendNotice(context, { message: 'Assets are saved from an experiment: once your plan is approved you can save prompts, files, links and workflows.' }, 'Nothing to save to yet');
  }
  await sendCard(context, renderAssetFormCard({ roundId, submissionId: randomUUID(), tool }));
}

/** "Save asset" on the asset form (standalone or inside the journal card). */
export async function onSaveAsset(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  const submission = readAssetSubmission(context.activity.value);
  const roundId = submission ? parseRoundId(submission.roundId) : null;
  if (!caller || !submission || !roundId) return answerUnknownAction(context, deps);
  const result = await saveAsset(roundId, caller, { ...submission.values, submissionId: submission.submissionId, sensitiveData: submission.sensitiveData }, deps.ports);
  const form = { roundId, submissionId: submission.submissionId, tool: (await myPractisedToolName(roundId, caller, deps.ports)) ?? 'your tool', values: submission.values };
  // The asset form answers in a new message: inside the journal card, replacing would throw the journal away.
  if (isSensitiveDataFound(result)) return sendCard(context, renderAssetFormCard({ ...form, sensitiveFindings: result.findings, sensitiveMessage: result.message }));
  if (isDomainError(result)) {
    await sendCard(context, renderAssetFormCard({ ...form, formError: result.message, errors: result.kind === 'invalid_input' ? result.fieldErrors : undefined }));
    // A new policy version holds practice: the form keeps what was typed, and a button opens the confirmation.
    if (result.kind === 'conflict' && result.confirmPolicy) await sendNotice(context, result, 'Confirm the safe-use policy first');
    return;
  }
  await sendCard(context, renderAssetCard(result.asset));
}

const shareSchema = { roundId: hiddenId, assetId: hiddenId, expectedVersion: hiddenInt, shared: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]) };

/** "Share with the round" / "Stop sharing" on a saved asset. */
export async function onShareAsset(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  const data = readHidden(context.activity.value, shareSchema);
  const roundId = data ? parseRoundId(data.roundId) : null;
  if (!caller || !data || !roundId) return answerUnknownAction(context, deps);
  const result = await changeMyAsset(roundId, data.assetId, caller, { shared: data.shared, expectedVersion: data.expectedVersion }, deps.ports);
  if (isStaleWrite(result)) return replaceCard(context, renderAssetCard(result.current, 'This asset changed in the meantime; here it is as it stands now'));
  if (isSensitiveDataFound(result) || isDomainError(result)) return sendNotice(context, result, 'Not shared');
  await replaceCard(context, renderAssetCard(result));
}
