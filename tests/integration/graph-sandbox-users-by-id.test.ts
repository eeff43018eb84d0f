import { loadDemoOrganisation } from '../../tools/demo-org';
import { startGraphSandbox, type RunningGraphSandbox } from '../../tools/graph-sandbox/server';

// The sandbox answers `/users?$filter=id in (…)` from its index; the answer is the one the whole-directory
// filter gives: the named users in directory order, matched on id only, with $select and paging as usual.
let sandbox: RunningGraphSandbox;
beforeAll(async () => { sandbox = await startGraphSandbox({ port: 0 }); });
afterAll(async () => { await sandbox.close(); });

const people = loadDemoOrganisation().people;

async function users(filter: string, extra = '') {
  const response = await fetch(`${sandbox.url}/v1.0/users?$filter=${encodeURIComponent(filter)}${extra}`, { headers: { Authorization: 'Bearer dev-token' } });
  expect(response.status).toBe(200);
  return (await response.json()) as { value: { id: string; mail?: string; displayName?: string }[]; '@odata.nextLink'?: string };
}

it('returns the named users in directory order, whatever the order and case of the ids, each once', async () => {
  const [a, b, c] = [people[5]!, people[1]!, people[3]!];
  const answer = await users(`id in ('${a.id.toUpperCase()}','${b.id}','${c.id}','${b.id}','00000000-0000-4000-8000-000000000000')`, '&$select=id,mail');
  expect(answer.value).toEqual([b, c, a].map((p) => ({ id: p.id, mail: p.mail })));
});

it('matches ids only (a userPrincipalName is not an id), and pages as the whole-directory filter does', async () => {
  expect((await users(`id in ('${people[0]!.userPrincipalName}')`)).value).toEqual([]);
  const ids = people.slice(0, 4).map((p) => `'${p.id}'`).join(',');
  const firstPage = await users(`id in (${ids})`, '&$top=3');
  expect(firstPage.value.map((u) => u.id)).toEqual(people.slice(0, 3).map((p) => p.id));
  expect(firstPage['@odata.nextLink']).toBeDefined();
  expect((await users(`id eq '${people[2]!.id}'`)).value.map((u) => u.displayName)).toEqual([people[2]!.displayName]);
});

it('still filters the whole directory for any other filter', async () => {
  const department = people[0]!.department;
  expect((await users(`department eq '${department}'`, '&$select=id,department&$top=999')).value.map((u) => u.id)).toEqual(people.filter((p) => p.department === department).map((p) => p.id));
});
