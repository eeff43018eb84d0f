import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { formatDateTime } from '../../cards/format';
import { renderNoticeCard } from '../../cards/notice';
import { isDomainError } from '../../domain/errors';
import { parseRoundId } from '../../domain/roundIds';
import { undoMove } from '../../usecases/defendTime';
import type { BotDependencies } from '../dependencies';
import { callerOf, replaceCard, sendNotice } from '../reply';
import { answerUnknownAction } from './unknownAction';

const undoSchema = z.object({
  roundId: z.string(), week: z.coerce.number().int(), index: z.coerce.number().int(), fromStart: z.string().datetime(), fromEnd: z.string().datetime(),
});

/** "Put it back" on the moved-time card. */
export async function onUndoMove(context: TurnContext, deps: BotDependencies): Promise<void> {
  const caller = callerOf(context, deps);
  const parsed = undoSchema.safeParse(context.activity.value);
  const roundId = parsed.success ? parseRoundId(parsed.data.roundId) : null;
  if (!caller || !parsed.success || !roundId) return answerUnknownAction(context, deps);
  const restored = await undoMove(roundId, caller, { week: parsed.data.week, index: parsed.data.index }, { start: parsed.data.fromStart, end: parsed.data.fromEnd }, deps.ports, { dashboardUrl: deps.dashboardUrl });
  if (isDomainError(restored)) return sendNotice(context, restored, 'That block stays where it is');
  const zone = (await deps.directory.getTimeZone(caller.userId)) ?? 'UTC';
  await replaceCard(context, renderNoticeCard({ title: 'Put back', message: `Your practice block is back at ${formatDateTime(restored.start, zone)}.` }));
}
