import { Router } from 'express';
import { Duration } from 'luxon';
import { z } from 'zod';
import type { DemoClock, DemoClockStore } from '../ports/clock';
import type { Caller, UseCasePorts } from '../usecases/ports';
import { ownedRoundsQuery } from '../usecases/queries/roundPeople';
import { body } from './requests';
import type { CallerOf } from './rounds';

/**
 * The demo clock (AUTH_MODE=dev only; src/api/routes.ts mounts this router in no other mode, so under
 * AUTH_MODE=entra the route does not exist): an owner moves the app's time forward and the scheduler runs what
 * falls due, so the weekly prompt, a nudge, the meeting's closing phase and the post-meeting cards can be seen
 * without waiting weeks. Forward only: going back would replay reminders that were already sent.
 */
export interface DevClockDependencies {
  readonly clock: DemoClock;
  readonly store: DemoClockStore;
  /** Runs the periodic tasks that are due at the new time; absent when the scheduler runs in another process. */
  readonly runDueTasks?: () => Promise<string[]>;
}

/** The longest leap between two runs of the scheduler while the clock moves. */
const STOP_EVERY_IN_MS = 86_400_000;

/** Longest single move: enough to cross a whole round, short enough that a typo (P100Y) is caught. */
const LONGEST_MOVE_IN_DAYS = 120;

const isoDuration = z.string().transform((text, ctx) => {
  const duration = Duration.fromISO(text);
  const inMs = duration.isValid ? duration.toMillis() : Number.NaN;
  if (!(inMs > 0)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Give a positive ISO 8601 duration, such as PT1H, P1D or P1W.' });
    return z.NEVER;
  }
  if (inMs > LONGEST_MOVE_IN_DAYS * 86_400_000) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `Move at most ${LONGEST_MOVE_IN_DAYS} days at a time.` });
    return z.NEVER;
  }
  return inMs;
});

const instant = z.string().datetime({ offset: true, message: 'Give an ISO 8601 date and time with its offset, such as 2026-03-02T09:00:00Z.' });

const moveRequest = z.object({ advanceBy: isoDuration.optional(), to: instant.optional() }).strict()
  .refine((move) => (move.advanceBy === undefined) !== (move.to === undefined), {
    path: ['advanceBy'], message: 'Send either advanceBy (an ISO 8601 duration such as P1D) or to (an ISO date and time), one of them.',
  });

/** Each field's first problem, by name (an unknown field is named too), for the 422 body. */
function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.code === z.ZodIssueCode.unrecognized_keys ? (issue.keys[0] ?? 'advanceBy') : String(issue.path[0] ?? 'advanceBy');
    const message = issue.code === z.ZodIssueCode.unrecognized_keys ? 'Unknown field: send advanceBy or to.' : issue.message;
    fieldErrors[field] ??= message;
  }
  return fieldErrors;
}

async function mayMoveTheClock(caller: Caller, ports: UseCasePorts): Promise<boolean> {
  if (caller.isAdmin || caller.mayCreateRounds) return true;
  return (await ownedRoundsQuery(caller, ports)).value.length > 0;
}

export function devClockRouter(ports: UseCasePorts, callerOf: CallerOf, deps: DevClockDependencies): Router {
  const router = Router();
  const state = () => ({ now: deps.clock.now().toISOString(), offsetInMs: deps.clock.offsetInMs() });

  router.get('/dev/clock', (_req, res) => { res.json(state()); });

  router.post('/dev/clock', async (req, res) => {
    const input = body(req, res);
    if (!input) return;
    if (!(await mayMoveTheClock(callerOf(res), ports))) {
      return void res.status(403).json({ error: 'Only a programme owner, an admin or a round’s owner can move the demo clock.', kind: 'forbidden' });
    }
    const parsed = moveRequest.safeParse(input);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsOf(parsed.error);
      return void res.status(422).json({ error: Object.values(fieldErrors)[0] ?? 'Send advanceBy or to.', kind: 'invalid_input', fieldErrors });
    }
    const now = deps.clock.now();
    const target = parsed.data.advanceBy !== undefined ? now.getTime() + parsed.data.advanceBy : Date.parse(parsed.data.to ?? '');
    if (!(target > now.getTime())) {
      const error = `The demo clock only moves forward; it is already ${now.toISOString()}.`;
      return void res.status(422).json({ error, kind: 'invalid_input', fieldErrors: { to: error } });
    }
    if (target - now.getTime() > LONGEST_MOVE_IN_DAYS * 86_400_000) {
      const error = `Move at most ${LONGEST_MOVE_IN_DAYS} days at a time.`;
      return void res.status(422).json({ error, kind: 'invalid_input', fieldErrors: { to: error } });
    }
    // A day at a time, running what fell due at each stop: some work only looks back a little (the meeting-end
    // cards go out within a day of the end; a week's prompt is sent in that week), so one leap over a week would skip it.
    const ran = new Set<string>();
    let stop = now.getTime();
    do {
      stop = Math.min(target, stop + STOP_EVERY_IN_MS);
      deps.clock.moveTo(new Date(stop));
      await deps.store.save(deps.clock.offsetInMs());
      for (const task of deps.runDueTasks ? await deps.runDueTasks() : []) ran.add(task);
    } while (stop < target);
    res.json({ ...state(), movedTo: new Date(target).toISOString(), ran: [...ran] });
  });

  return router;
}
