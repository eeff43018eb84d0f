import { createGraphAppInstaller } from '../../src/adapters/graph/appInstaller';
import { createGraphClient } from '../../src/adapters/graph/client';
import { parseUserId, type UserId } from '../../src/domain/ids';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { startGraphSandbox, type RunningGraphSandbox, type SandboxRequestRecord } from '../../tools/graph-sandbox/server';

const organisation = loadDemoOrganisation();
const TEAMS_APP_ID = '0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3';
let sandbox: RunningGraphSandbox;

function userIdOf(givenName: string): UserId {
  const person = organisation.people.find((p) => p.givenName === givenName);
  const id = parseUserId(person?.id);
  if (!id) throw new Error(`no ${givenName} in the demo organisation`);
  return id;
}

function installerFor(teamsAppId = TEAMS_APP_ID) {
  return createGraphAppInstaller(createGraphClient({ baseUrl: sandbox.url, credential: { kind: 'sandbox' } }), { teamsAppId });
}

const described = (records: SandboxRequestRecord[]) => records.map((r) => `${r.method} ${r.operationId ?? r.path} ${r.status}`);

beforeAll(async () => {
  sandbox = await startGraphSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox.close();
});

describe('ensureInstalledFor', () => {
  it('installs the app for a person who does not have it and returns their personal chat', async () => {
    const neha = userIdOf('Neha');
    const result = await installerFor().ensureInstalledFor(neha);

    expect(result).toEqual({ chatId: expect.stringMatching(/^19:.+@unq\.gbl\.spaces$/), newlyInstalled: true });
    expect(result.chatId).toContain(neha);
    expect(described(sandbox.control.requests().filter((r) => r.mailbox === neha))).toEqual([
      'GET users.teamwork.ListInstalledApps 200',
      'POST users.teamwork.CreateInstalledApps 201',
      'GET users.teamwork.ListInstalledApps 200',
      'GET users.teamwork.installedApps.GetChat 200',
    ]);
  });

  it('returns the same chat without installing again when asked a second time', async () => {
    const sofia = userIdOf('Sofia');
    const installer = installerFor();
    const first = await installer.ensureInstalledFor(sofia);
    const before = sandbox.control.requests().length;

    const second = await installer.ensureInstalledFor(sofia);

    expect(first.newlyInstalled).toBe(true);
    expect(second).toEqual({ chatId: first.chatId, newlyInstalled: false });
    expect(described(sandbox.control.requests().slice(before))).toEqual([
      'GET users.teamwork.ListInstalledApps 200',
      'GET users.teamwork.installedApps.GetChat 200',
    ]);
  });

  it('gives two concurrent callers the same chat and counts one install (the other meets 409 or finds it)', async () => {
    const daniel = userIdOf('Daniel');
    const installer = installerFor();

    const results = await Promise.all([installer.ensureInstalledFor(daniel), installer.ensureInstalledFor(daniel)]);

    expect(new Set(results.map((r) => r.chatId)).size).toBe(1);
    expect(results.filter((r) => r.newlyInstalled)).toHaveLength(1);
    const installs = sandbox.control.requests().filter((r) => r.mailbox === daniel && r.method === 'POST');
    expect(installs.filter((r) => r.status === 201)).toHaveLength(1);
  });

  it("keeps an app id with quotes and URL syntax intact in the filter and the bind", async () => {
    const amara = userIdOf('Amara');
    const awkwardId = "o'brien&co#1 + (test)";

    const result = await installerFor(awkwardId).ensureInstalledFor(amara);

    expect(result).toEqual({ chatId: `19:${amara}_${awkwardId}@unq.gbl.spaces`, newlyInstalled: true });
    const [list] = sandbox.control.requests().filter((r) => r.mailbox === amara && r.method === 'GET');
    expect(new URLSearchParams(list?.query ?? '').get('$filter')).toBe("teamsApp/id eq 'o''brien&co#1 + (test)'");
  });

  it('names the user when Graph refuses, and keeps the cause', async () => {
    const stranger = parseUserId('00000000-0000-4000-8000-00000000abcd')!;

    const failure = await installerFor().ensureInstalledFor(stranger).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain(stranger);
    expect((failure as Error).message).toContain('404');
    expect((failure as Error).cause).toBeDefined();
  });

  it('stops with the abort reason when the caller aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('the job was cancelled');
    controller.abort(reason);
    await expect(installerFor().ensureInstalledFor(userIdOf('Priya'), { abortSignal: controller.signal })).rejects.toBe(reason);
  });
});

describe('the Graph requests', () => {
  it('were all valid against the OpenAPI description', () => {
    expect(sandbox.control.invalidRequests()).toEqual([]);
    expect(sandbox.control.requests().length).toBeGreaterThan(10);
  });
});
