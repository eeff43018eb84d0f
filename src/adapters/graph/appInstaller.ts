import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { nextPagePath } from './paging';
import type { UserId } from '../../domain/ids';
import type { AppInstaller, InstallAnswer, InstallOptions } from '../../ports/appInstaller';
import { DeliveryError } from '../../ports/chatMessenger';
import { describeItemError, sendInBatches, type BatchItemAnswer } from './batch';

/**
 * Installs the app for a person through Graph so the bot can reach them first (a bot cannot message someone who never installed it):
 * 1. `GET /users/{id}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp/id eq '{app}'` — already there?
 * 2. if not, `POST /users/{id}/teamwork/installedApps` with `teamsApp@odata.bind`; Graph answers 201 with no
 *    body, so the installation id comes from listing again; 409 means someone installed it meanwhile (fine);
 * 3. `GET /users/{id}/teamwork/installedApps/{installation}/chat` → the personal chat's id.
 * Throttling and retries are the client's policy (policy.ts); this file never sleeps or loops on errors.
 */
export interface CreateGraphAppInstallerOptions {
  /** The app's id in the tenant's app catalog (for an app published to the org catalog, not the manifest id). */
  readonly teamsAppId: string;
}

const installationSchema = z.object({
  id: z.string().min(1),
  teamsApp: z.object({ id: z.string() }).passthrough().nullable().optional(),
});

const installationPageSchema = z.object({
  value: z.array(installationSchema),
  '@odata.nextLink': z.string().optional(),
});

const chatSchema = z.object({ id: z.string().min(1) });

/** OData string literal: a single quote is written twice ("it's" → 'it''s'). */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Percent-encodes everything but unreserved characters (encodeURIComponent leaves !'()* alone). */
function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function statusOf(error: unknown): number | null {
  return error instanceof GraphError ? error.statusCode : null;
}

export function createGraphAppInstaller(client: Client, options: CreateGraphAppInstallerOptions): AppInstaller {
  const { teamsAppId } = options;
  if (!teamsAppId.trim()) throw new RangeError('teamsAppId must name the app in the app catalog');
  // The Graph client puts query values into the URL as given, so the filter is encoded here (a quote,
  // '&', '#' or '+' in the id would otherwise change the request).
  const filter = encodeSegment(`teamsApp/id eq ${odataString(teamsAppId)}`);
  const bind = { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${encodeSegment(teamsAppId)}` };

  async function findInstallation(userId: UserId, abortSignal: AbortSignal | undefined): Promise<string | null> {
    let request = client.api(`/users/${encodeURIComponent(userId)}/teamwork/installedApps`).expand('teamsApp').filter(filter);
    for (;;) {
      const page = installationPageSchema.parse(await request.option('signal', abortSignal).get());
      // The filter already asks for this app; checking again keeps a lenient server from handing back another app's chat.
      const match = page.value.find((installation) => installation.teamsApp?.id === teamsAppId);
      if (match) return match.id;
      const next = page['@odata.nextLink'];
      if (!next) return null;
      request = client.api(nextPagePath(next));
    }
  }

  async function step<T>(userId: UserId, abortSignal: AbortSignal | undefined, what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (abortSignal?.aborted) throw abortSignal.reason; // the caller stopped waiting: not a Graph failure
      const status = statusOf(error);
      throw new Error(`Graph could not ${what} for user ${userId}${status === null ? '' : ` (${status})`}`, { cause: error });
    }
  }

  /** An answer that retrying cannot change (the person is not there, or Teams refuses the install) is a DeliveryError(false). */
  function failureOf(userId: UserId, what: string, answer: BatchItemAnswer): Error {
    const said = describeItemError(answer);
    if (answer.status === 404) return new DeliveryError(`This person is not in the directory, so the app could not be installed for them (${said}).`, false);
    if (answer.status === 403) return new DeliveryError(`Teams refused to install the app for this person: a Teams admin policy may block it for them (${said}).`, false);
    return new Error(`Graph could not ${what} for user ${userId} (${said})`);
  }

  /** Each person's installation of this app from one listing each (batched); a listing with more pages is followed alone. */
  async function findInstallations(userIds: readonly UserId[], abortSignal: AbortSignal | undefined, what: string): Promise<Map<UserId, { ok: true; installationId: string | null } | { ok: false; error: Error }>> {
    const answers = await sendInBatches(client, userIds, (userId) => ({ method: 'GET', url: `/users/${encodeURIComponent(userId)}/teamwork/installedApps?$expand=teamsApp&$filter=${filter}` }), { abortSignal });
    const found = new Map<UserId, { ok: true; installationId: string | null } | { ok: false; error: Error }>();
    for (const [userId, answer] of answers) {
      if (answer.status !== 200) { found.set(userId, { ok: false, error: failureOf(userId, what, answer) }); continue; }
      const page = installationPageSchema.parse(answer.body);
      const match = page.value.find((installation) => installation.teamsApp?.id === teamsAppId);
      if (match || !page['@odata.nextLink']) { found.set(userId, { ok: true, installationId: match?.id ?? null }); continue; }
      try {
        found.set(userId, { ok: true, installationId: await findInstallation(userId, abortSignal) });
      } catch (error) {
        found.set(userId, { ok: false, error: new Error(`Graph could not ${what} for user ${userId}`, { cause: error }) });
      }
    }
    return found;
  }

  return {
    async ensureInstalledForMany(userIds, installOptions: InstallOptions = {}) {
      const { abortSignal } = installOptions;
      const answers = new Map<UserId, InstallAnswer>();
      const installations = new Map<UserId, string>();
      const newly = new Set<UserId>();
      const listed = await findInstallations(userIds, abortSignal, `list the installed apps (looking for app ${teamsAppId})`);
      const missing: UserId[] = [];
      for (const [userId, result] of listed) {
        if (!result.ok) answers.set(userId, result);
        else if (result.installationId) installations.set(userId, result.installationId);
        else missing.push(userId);
      }
      if (missing.length > 0) {
        const installed = await sendInBatches(client, missing, (userId) => ({ method: 'POST', url: `/users/${encodeURIComponent(userId)}/teamwork/installedApps`, body: bind }), { abortSignal });
        const toFind: UserId[] = [];
        for (const [userId, answer] of installed) {
          // 409: installed by someone else (another job, an admin policy) since we looked.
          if (answer.status === 201 || answer.status === 200 || answer.status === 409) {
            toFind.push(userId);
            if (answer.status !== 409) newly.add(userId);
          } else {
            answers.set(userId, { ok: false, error: failureOf(userId, `install app ${teamsAppId}`, answer) });
          }
        }
        for (const [userId, result] of await findInstallations(toFind, abortSignal, `find the new installation of app ${teamsAppId}`)) {
          if (!result.ok) answers.set(userId, result);
          else if (result.installationId) installations.set(userId, result.installationId);
          // Graph accepted the install but does not list it yet; the caller's retry will find it.
          else answers.set(userId, { ok: false, error: new Error(`Graph installed app ${teamsAppId} for user ${userId} but does not list the installation yet; try again shortly`) });
        }
      }
      const chats = await sendInBatches(client, [...installations.keys()], (userId) => ({
        method: 'GET',
        url: `/users/${encodeURIComponent(userId)}/teamwork/installedApps/${encodeURIComponent(installations.get(userId)!)}/chat?$select=id`,
      }), { abortSignal });
      for (const [userId, answer] of chats) {
        const chat = answer.status === 200 ? chatSchema.safeParse(answer.body) : null;
        answers.set(userId, chat?.success ? { ok: true, chatId: chat.data.id, newlyInstalled: newly.has(userId) } : { ok: false, error: failureOf(userId, 'read the personal chat with the app', answer) });
      }
      return answers;
    },

    async ensureInstalledFor(userId, installOptions: InstallOptions = {}) {
      const { abortSignal } = installOptions;
      const path = `/users/${encodeURIComponent(userId)}/teamwork/installedApps`;
      let installationId = await step(userId, abortSignal, `list the installed apps (looking for app ${teamsAppId})`, () => findInstallation(userId, abortSignal));
      let newlyInstalled = false;
      if (installationId === null) {
        newlyInstalled = await step(userId, abortSignal, `install app ${teamsAppId}`, async () => {
          try {
            await client.api(path).option('signal', abortSignal).post(bind);
            return true;
          } catch (error) {
            if (statusOf(error) === 409) return false; // installed by someone else (another job, an admin policy) since we looked
            throw error;
          }
        });
        installationId = await step(userId, abortSignal, `find the new installation of app ${teamsAppId}`, () => findInstallation(userId, abortSignal));
        if (installationId === null) {
          // Graph accepted the install but does not list it yet; the caller's retry will find it.
          throw new Error(`Graph installed app ${teamsAppId} for user ${userId} but does not list the installation yet; try again shortly`);
        }
      }
      const id = installationId;
      const chat = await step(userId, abortSignal, 'read the personal chat with the app', async () =>
        chatSchema.parse(await client.api(`${path}/${encodeURIComponent(id)}/chat`).select(['id']).option('signal', abortSignal).get()));
      return { chatId: chat.id, newlyInstalled };
    },
  };
}
