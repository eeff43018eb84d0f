import { parse } from 'yaml';
import { loadDemoOrganisation } from '../../tools/demo-org';
import { PLAYGROUND_MAX_OTHER_USERS, playgroundConfig } from '../../tools/playground/config';

const organisation = loadDemoOrganisation();

describe('playgroundConfig', () => {
  const config = parse(playgroundConfig(organisation)) as {
    tenantId: string;
    currentUser: { aadObjectId: string };
    users: Array<{ aadObjectId: string; id: string }>;
  };

  it('stays within the Playground schema limit on users', () => {
    expect(config.users.length).toBeLessThanOrEqual(PLAYGROUND_MAX_OTHER_USERS);
  });

  it('makes the chatting person a real directory user, with their manager among the others', () => {
    const current = organisation.people.find((p) => p.id === config.currentUser.aadObjectId);
    expect(current).toBeDefined();
    expect(config.users.map((u) => u.aadObjectId)).toContain(current!.managerId);
    expect(config.tenantId).toBe(organisation.tenantId);
  });

  it('lets PLAYGROUND_USER_ID choose who you are', () => {
    const chosen = organisation.people[5]!;
    expect((parse(playgroundConfig(organisation, chosen.id)) as typeof config).currentUser.aadObjectId).toBe(chosen.id);
  });

  it('gives every user a unique id', () => {
    const ids = config.users.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
