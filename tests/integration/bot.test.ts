import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableMemberRepo } from '../../src/adapters/tables/memberRepo';
import { parseUserId } from '../../src/domain/ids';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { cardOf, cardSubmitActivity, installActivity, messageActivity, postActivity, type ActivityContext } from '../support/activities';
import { cardSchemaErrors } from '../support/cardSchema';
import { startOpenIdIssuer } from '../support/openIdIssuer';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';

const organisation = loadDemoOrganisation();
const person = organisation.people.find((p) => p.managerId)!;
let stack: TestStack;
let context: ActivityContext;

beforeAll(async () => {
  stack = await startTestStack('bot');
  context = { serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person };
});

afterAll(async () => {
  await stack.stop();
  await EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}Members`, 'member').deleteTable();
});

beforeEach(() => stack.connector.clear());

describe('POST /api/messages', () => {
  it('welcomes a person who installs the app, by name, with a valid card, and remembers how to reach them', async () => {
    const response = await postActivity(stack.service.url, installActivity(context));
    expect(response.status).toBe(200);
    const [reply] = await stack.connector.waitFor(`a:${person.id}`);
    const card = cardOf(reply!.activity);
    expect(cardSchemaErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain(`Hi ${person.givenName}`);

    const members = createTableMemberRepo(EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}Members`, 'member'));
    const stored = await members.get(parseUserId(person.id)!);
    expect(stored?.conversation).toMatchObject({ conversationId: `a:${person.id}`, serviceUrl: stack.connector.url, tenantId: organisation.tenantId });
  });

  it('answers text it does not recognise with the welcome card', async () => {
    await postActivity(stack.service.url, messageActivity(context, 'what is this?'));
    const [reply] = await stack.connector.waitFor(`a:${person.id}`);
    expect(JSON.stringify(cardOf(reply!.activity))).toContain('welcome to Practice Loop');
  });

  it('shows the commands for "help" and for the card button', async () => {
    await postActivity(stack.service.url, messageActivity(context, 'Help'));
    await postActivity(stack.service.url, cardSubmitActivity(context, { verb: 'showHelp' }));
    const replies = await stack.connector.waitFor(`a:${person.id}`, 2);
    for (const reply of replies) {
      const card = cardOf(reply.activity);
      expect(cardSchemaErrors(card)).toEqual([]);
      expect(JSON.stringify(card)).toContain('What you can type');
    }
  });

  it('answers a card action with an unknown verb kindly and logs it with the activity id', async () => {
    const activity = cardSubmitActivity(context, { verb: 'launchRockets' });
    await postActivity(stack.service.url, activity);
    const [reply] = await stack.connector.waitFor(`a:${person.id}`);
    expect(JSON.stringify(cardOf(reply!.activity))).toContain('no longer available');
    const logged = stack.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'card action with an unknown verb');
    expect(logged).toMatchObject({ activityId: activity.id, verb: 'launchRockets' });
  });

  it('rejects a body that is not JSON with 400 and keeps serving', async () => {
    const response = await fetch(`${stack.service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message",' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'The request body is not valid JSON.' });
    expect((await fetch(`${stack.service.url}/healthz`)).status).toBe(200);
  });

  it('rejects JSON that is not an activity with 400', async () => {
    const response = await postActivity(stack.service.url, { text: 'no type' });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/Bot Framework activity/);
  });
});

describe('POST /api/messages with a bot identity configured', () => {
  let secured: TestStack;
  let issuer: Awaited<ReturnType<typeof startOpenIdIssuer>>;
  beforeAll(async () => {
    issuer = await startOpenIdIssuer();
    secured = await startTestStack('botauth', {
      env: { MicrosoftAppId: '3f1c2b7d-9e10-4d0e-9a63-5b2f3e2a7c41', MicrosoftAppPassword: 'not-a-real-secret-value' },
      overrides: { botOpenIdMetadataUrl: issuer.metadataUrl },
    });
  });
  afterAll(async () => {
    await secured.stop();
    await issuer.close();
  });

  it('refuses an activity without a Bot Framework token (401) and sends nothing', async () => {
    const response = await postActivity(secured.service.url, messageActivity({ ...context, serviceUrl: secured.connector.url }, 'hello'));
    expect(response.status).toBe(401);
    expect(secured.connector.activities).toEqual([]);
  });

  it('refuses a token that the Bot Framework keys did not sign (401)', async () => {
    const forged = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.c2lnbmF0dXJl';
    const response = await postActivity(secured.service.url, messageActivity({ ...context, serviceUrl: secured.connector.url }, 'hello'), { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    expect(secured.connector.activities).toEqual([]);
  });

  it('keeps no secret in its logs', () => {
    expect(secured.logLines.join('\n')).not.toContain('not-a-real-secret-value');
  });
});
