import { EntityTable } from '../../src/adapters/tables/entityTable';
import { createTableMemberRepo } from '../../src/adapters/tables/memberRepo';
import { parseUserId } from '../../src/domain/ids';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { installActivity, messageActivity, postActivity, type ActivityContext } from '../support/activities';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';

// Hostile or broken Bot Framework activities: each is refused with a 4xx (never a 500), stores nothing, and
// never puts an internal detail in the answer.
const organisation = loadDemoOrganisation();
const people = organisation.people.filter((p) => p.managerId);
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('bothostile');
});
afterAll(async () => {
  await stack.stop();
  await EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}Members`, 'member').deleteTable().catch(() => undefined);
});

const members = () => createTableMemberRepo(EntityTable.fromConnectionString(testConnectionString(), `${stack.tablePrefix}Members`, 'member'));

describe('malformed activities', () => {
  const person = people[0]!;
  const context = (): ActivityContext => ({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person });
  const without = (field: string) => {
    const activity: Record<string, unknown> = { ...messageActivity(context(), 'hello') };
    delete activity[field];
    return activity;
  };

  it.each([
    ['only a type', () => ({ type: 'message' }), /channelId is missing/],
    ['no conversation', () => without('conversation'), /conversation is missing/],
    ['no serviceUrl', () => without('serviceUrl'), /serviceUrl is missing/],
    ['no sender', () => without('from'), /from is missing/],
    ['a javascript: serviceUrl', () => ({ ...messageActivity(context(), 'hello'), serviceUrl: 'javascript:alert(1)' }), /serviceUrl is not valid/],
    ['a file: serviceUrl', () => ({ ...messageActivity(context(), 'hello'), serviceUrl: 'file:///etc/passwd' }), /serviceUrl is not valid/],
    ['an http serviceUrl that is not loopback', () => ({ ...messageActivity(context(), 'hello'), serviceUrl: 'http://connector.example.com/' }), /serviceUrl is not valid/],
    ['a serviceUrl with credentials', () => ({ ...messageActivity(context(), 'hello'), serviceUrl: 'https://user:pw@smba.trafficmanager.net/' }), /serviceUrl is not valid/],
    ['a conversation that is a string', () => ({ ...messageActivity(context(), 'hello'), conversation: 'a:1' }), /conversation is not valid/],
  ])('answers %s with 400 naming the field, and stores no member row', async (_case, make, reason) => {
    const response = await postActivity(stack.service.url, make());
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(reason);
    expect(await members().get(parseUserId(person.id)!)).toBeNull();
  });

  it('answers an activity whose connector cannot be reached with 503 and no internal detail', async () => {
    const unreachable = { ...messageActivity({ ...context(), serviceUrl: 'https://127.0.0.1:1/' }, 'hello') };
    const response = await postActivity(stack.service.url, unreachable);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at \w+ \(/);
  });

  it('stores the conversation reference of a well-formed activity (the control case)', async () => {
    const other = people[1]!;
    const response = await postActivity(stack.service.url, installActivity({ serviceUrl: stack.connector.url, tenantId: organisation.tenantId, person: other }));
    expect(response.status).toBe(200);
    expect((await members().get(parseUserId(other.id)!))?.conversation.serviceUrl).toBe(stack.connector.url);
  });
});

describe('a bot whose signing keys cannot be fetched', () => {
  let secured: TestStack;
  beforeAll(async () => {
    secured = await startTestStack('botnokeys', {
      env: { MicrosoftAppId: '3f1c2b7d-9e10-4d0e-9a63-5b2f3e2a7c41', MicrosoftAppPassword: 'not-a-real-secret-value' },
      // Nothing listens here: the key fetch fails with a network error.
      overrides: { botOpenIdMetadataUrl: 'http://127.0.0.1:1/.well-known/openid-configuration' },
    });
  });
  afterAll(async () => { await secured.stop(); });

  it('answers 401 or 503 with no internal detail, and logs the cause', async () => {
    const signed = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIiwiYXVkIjoiM2YxYzJiN2QtOWUxMC00ZDBlLTlhNjMtNWIyZjNlMmE3YzQxIn0.c2lnbmF0dXJl';
    const response = await postActivity(secured.service.url, messageActivity({ serviceUrl: secured.connector.url, tenantId: organisation.tenantId, person: people[2]! }, 'hello'), { authorization: `Bearer ${signed}` });
    expect([401, 503]).toContain(response.status);
    const text = await response.text();
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|openid|fetch failed/i);
    expect(secured.connector.activities).toEqual([]);
  });
});
