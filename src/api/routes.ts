import { Router, type Request, type Response } from 'express';
import type { Logger } from '../logging';
import type { DirectoryPort } from '../ports/directory';
import type { CallerFactory, UseCasePorts } from '../usecases/ports';
import { callerOf, requireCaller, type Authenticate } from './auth';
import { roundsRouter } from './rounds';
import { dashboardRouter } from './dashboard';
import { sharebackRouter } from './shareback';
import { journalsRouter } from './journals';
import { devClockRouter, type DevClockDependencies } from './devClock';
import { coachRouter } from './coach';
import { whoAmIQuery } from '../usecases/queries/home';

export interface ApiDependencies {
  readonly authenticate: Authenticate;
  readonly directory: DirectoryPort;
  readonly logger: Logger;
  readonly authMode: 'dev' | 'entra';
  readonly ports: UseCasePorts;
  readonly callerFor: CallerFactory;
  /** The demo clock; its route is mounted only when AUTH_MODE=dev. */
  readonly devClock?: DevClockDependencies;
}

/** REST for the tabs: every route under /api (except the bot's /api/messages) needs a caller. */
export function apiRouter(deps: ApiDependencies): Router {
  const router = Router();

  if (deps.authMode === 'dev') {
    // The dev sign-in picker lists the demo organisation; this route does not exist unless AUTH_MODE=dev.
    router.get('/dev/users', async (_req: Request, res: Response) => {
      const people = [];
      for await (const person of deps.directory.listPeople()) people.push(person);
      res.json({ value: people });
    });
  }

  router.use(requireCaller(deps.authenticate, deps.logger));

  router.get('/me', async (_req: Request, res: Response) => {
    res.json(await whoAmIQuery(callerOf(res), deps));
  });

  // Dev only (like /dev/users): under AUTH_MODE=entra the route is not in the router at all.
  if (deps.authMode === 'dev' && deps.devClock) router.use(devClockRouter(deps.ports, (res) => deps.callerFor(callerOf(res)), deps.devClock));
  router.use(roundsRouter(deps.ports, (res) => deps.callerFor(callerOf(res))));
  router.use(dashboardRouter(deps.ports, (res) => deps.callerFor(callerOf(res))));
  router.use(journalsRouter(deps.ports, (res) => deps.callerFor(callerOf(res))));
  router.use(coachRouter(deps.ports, (res) => deps.callerFor(callerOf(res))));
  // Retries from the tab send the decision notice without a dashboard link (the job's first run carries it).
  router.use(sharebackRouter(deps.ports, (res) => deps.callerFor(callerOf(res))));

  router.use((req: Request, res: Response) => {
    res.status(404).json({ error: `No API route ${req.method} ${req.baseUrl}${req.path}.` });
  });
  return router;
}
