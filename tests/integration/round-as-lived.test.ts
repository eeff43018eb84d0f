import { Writable } from 'node:stream';
import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config';
import { assessFit } from '../../src/domain/rubric';
import { createLogger } from '../../src/logging';
import { startDuePractice } from '../../src/usecases/practiceStart';
import { wireApplication } from '../../src/wiring';
import { loadDemoOrganisation, type DemoPerson } from '../../tools/demo-org';
import { eventually } from '../support/eventually';
import { approvePlanOf as approvePlanThroughApi } from '../support/loop';
import { aNewRoundBody } from '../support/rounds';
import { startTestStack, type TestStack } from '../support/service';
import { testConnectionString } from '../support/storage';

// what a whole-round walk over HTTP found, each finding reproduced the way a person meets it — one round
// with two owners, four engineers under one manager (Kolkata and London), and the service's clock moved into practice.
const organisation = loadDemoOrganisation();
const byName = (name: string) => organisation.people.find((p) => p.displayName === name)!;
const owner = byName('Priya Raman');
const coOwner = byName('Tom Whitfield');
const manager = byName('Arjun Mehta'); // Kolkata; four reports
const neha = byName('Neha Sharma'); // Kolkata: the weak fit
const rohan = byName('Rohan Iyer'); // Kolkata: journals, shares, decided early
const ananya = byName('Ananya Das'); // Kolkata: never starts
const ben = byName('Ben Carter'); // London: approved, waits for the new policy

let fixedNow: number | null = null;
const clock = { now: () => new Date(fixedNow ?? Date.now()) };
const setClock = (at: DateTime) => { fixedNow = at.toMillis(); };

let stack: TestStack;
let second: ReturnType<typeof wireApplication>;
let roundId: string;
let windowStart: DateTime;
let sharebackStartsAt: string;

async function call(person: DemoPerson, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.service.url}/api${path}`, { method, headers: { 'content-type': 'application/json', 'x-dev-user': person.id }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text();
  return { status: response.status, json };
}

const approvePlanOf = (person: DemoPerson) => approvePlanThroughApi(call, person, { roundId, owner, manager, role: 'engineering' });
const practiceEvents = (person: DemoPerson) => stack.sandbox.control.events(person.id).filter((e) => (e.categories as string[] | undefined)?.includes('Practice Loop') && !String(e.subject).startsWith('Practice Loop shareback'));
const startOf = (event: Record<string, unknown>) => DateTime.fromISO(String((event.start as { dateTime: string }).dateTime), { zone: String((event.start as { timeZone?: string }).timeZone ?? 'UTC') }).toMillis();
const funnelOf = async (person: DemoPerson) => Object.fromEntries(((await call(person, 'GET', `/rounds/${roundId}/overview`)).json.funnel as { stage: string; count: number }[]).map((row) => [row.stage, row.count]));
const weekOne = () => windowStart.toISODate()!;

beforeAll(async () => {
  stack = await startTestStack('lived', { env: { IN_PROCESS_WORKER: 'true', PROGRAMME_OWNER_IDS: owner.id }, overrides: { clock } });
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: stack.tablePrefix, GRAPH_BASE_URL: stack.sandbox.url,
    IN_PROCESS_WORKER: 'false', BOT_SERVICE_URL: stack.connector.url, PROGRAMME_OWNER_IDS: owner.id,
  });
  second = wireApplication(config, { logger: createLogger('second', { destination: new Writable({ write(_c, _e, done) { done(); } }) }), clock });
  const body = aNewRoundBody(organisation, { managerScopes: [manager.id], ownerIds: [owner.id, coOwner.id] });
  windowStart = DateTime.fromISO(String(body.window.start), { zone: 'Europe/London' });
  sharebackStartsAt = String(body.shareback.startsAt);
  const created = await call(owner, 'POST', '/rounds', body);
  expect(created.status).toBe(201);
  roundId = created.json.id;
  expect((await call(owner, 'POST', `/rounds/${roundId}/open`)).status).toBe(202);
}, 60_000);

afterAll(async () => { await stack.stop(); });

describe('the shareback invite (finding 5)', () => {
  const invitees = () => {
    const meeting = stack.sandbox.control.events(owner.id).find((e) => String(e.subject).startsWith('Practice Loop shareback'));
    return ((meeting?.attendees ?? []) as Array<{ emailAddress: { address: string } }>).map((a) => a.emailAddress.address);
  };

  it('invites every co-owner, who decides in it, with the participants and their manager', async () => {
    await eventually(() => expect(invitees()).toEqual(expect.arrayContaining([coOwner.mail, manager.mail, neha.mail, ben.mail])), { timeoutInMs: 15_000 });
    expect(invitees()).not.toContain(owner.mail); // the organiser
  });

  it('invites an owner added while the round is open', async () => {
    const daniel = byName('Daniel Hughes');
    expect((await call(owner, 'PATCH', `/rounds/${roundId}`, { ownerIds: [owner.id, coOwner.id, daniel.id] })).status).toBe(200);
    await eventually(() => expect(invitees()).toContain(daniel.mail), { timeoutInMs: 15_000 });
  });
});

describe('the fit outside chat (finding 1)', () => {
  const weak = { relevance: 2, kpiImpact: 2, learningCurve: 1, interest: 3, riskSupport: 2 };

  it('comes back from PUT …/me/selection, from the same rubric as the chat card', async () => {
    const round = await call(owner, 'GET', `/rounds/${roundId}`);
    const policyVersion = round.json.round.policy.versions.at(-1).version;
    expect((await call(neha, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } })).status).toBe(200);
    const entry = round.json.round.catalogue.find((t: { id: string }) => t.id === 'm365-copilot');
    const saved = await call(neha, 'PUT', `/rounds/${roundId}/me/selection`, { selection: {
      frictionPoint: { description: 'Writing release notes from merged pull requests', frequency: 'weekly', minutesToday: 60 },
      role: 'engineering', tool: { kind: 'catalogue', entry }, kpi: 'Minutes per release note', scores: weak, supportNamed: '',
    } });
    expect(saved.status).toBe(200);
    const expected = assessFit({ scores: weak, hoursPerWeek: round.json.round.hoursPerWeek, weeks: round.json.round.window.weeks, supportNamed: false });
    expect(saved.json.fit).toEqual(expected);
    expect(saved.json.fit).toMatchObject({ fit: 'reconsider', total: 10 });
    expect(saved.json.fit.warnings).toHaveLength(4);
    expect(saved.json.fit.summary).toMatch(/^Worth another look \(10 of 25\)/);
    const submitted = await call(neha, 'POST', `/rounds/${roundId}/me/submit`, { expectedVersion: saved.json.version, hypothesis: {
      measure: 'Minutes to write one release note', baseline: { value: 60, unit: 'minutes' }, target: { value: 20, unit: 'minutes' },
      howWeWillKnow: 'I will time the next six release notes and compare.', preferredTimes: 'mornings', blockMinutes: 60,
    } });
    expect(submitted.status).toBe(200);
  });

  it('is on the manager’s team row and on the experiment deep link', async () => {
    const team = await call(manager, 'GET', `/rounds/${roundId}/team`);
    expect(team.status).toBe(200);
    const row = team.json.value.find((r: { userId: string }) => r.userId === neha.id);
    expect(row.reviewPending).toBe(true);
    expect(row.fit).toMatchObject({ fit: 'reconsider', total: 10 });
    expect(row.fit.warnings.map((w: { id: string }) => w.id)).toEqual(['lowRelevance', 'hardToShowResult', 'steepEvenWithTime', 'riskWithoutSupport']);
    const deepLink = await call(manager, 'GET', `/rounds/${roundId}/experiments/${neha.id}`);
    expect(deepLink.status).toBe(200);
    expect(deepLink.json.fit).toEqual(row.fit);
  });
});

describe('refusals addressed to the person acting (finding 7, not started)', () => {
  it('tells a colleague that the person has not started, not to confirm the policy themselves', async () => {
    const review = await call(rohan, 'POST', `/rounds/${roundId}/experiments/${ananya.id}/review`, { kind: 'approve' });
    expect(review.status).toBe(404);
    expect(review.json.error).toBe('This person has not started an experiment in this round yet, so there is nothing of theirs to act on.');
    // Ananya herself is still told where to start.
    const own = await call(ananya, 'POST', `/rounds/${roundId}/me/submit`, { hypothesis: {} });
    expect(own.json.error).toMatch(/start by confirming the safe-use policy/);
  });
});

describe('practice under way', () => {
  beforeAll(async () => {
    await approvePlanOf(rohan);
    await approvePlanOf(ben);
    await eventually(async () => {
      const status = await call(owner, 'GET', `/rounds/${roundId}`);
      const people = status.json.people.filter((p: { userId: string }) => p.userId === rohan.id || p.userId === ben.id);
      expect(people.map((p: { practiceTime: { status: string } | null }) => p.practiceTime?.status)).toEqual(['booked', 'booked']);
    }, { timeoutInMs: 30_000 });
    // Wednesday of the first practice week, noon in London: the window is open, the hourly start has not run.
    setClock(windowStart.plus({ days: 2, hours: 12 }));
  }, 90_000);

  it('counts an approved plan in an open window as practising, so the funnel never shows journaling above practising (finding 8)', async () => {
    const journal = await call(rohan, 'PUT', `/rounds/${roundId}/me/journals/${weekOne()}`, { hoursPractised: 1, improved: 'Drafted two release notes with the tool.' });
    expect(journal.status).toBe(201);
    const funnel = await funnelOf(owner);
    expect(funnel.journaling).toBe(1);
    expect(funnel.practising).toBe(2); // Rohan and Ben: approved, window open
    expect(funnel.practising).toBeGreaterThanOrEqual(funnel.journaling!);
  });

  it('does not count an asset shared in week 1 as “shared back”, on the dashboard or in the report (finding 8)', async () => {
    const saved = await call(rohan, 'POST', `/rounds/${roundId}/me/assets`, { submissionId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', kind: 'prompt', title: 'Release-note prompt', content: 'Summarise these merged PRs for customers.', goodFor: 'Release notes' });
    expect(saved.status).toBe(201);
    expect((await call(rohan, 'PATCH', `/rounds/${roundId}/me/assets/${saved.json.id}`, { shared: true })).status).toBe(200);
    const funnel = await funnelOf(owner);
    expect(funnel['shared back']).toBe(0);
    const overview = await call(owner, 'GET', `/rounds/${roundId}/overview`);
    const report = await call(owner, 'GET', `/rounds/${roundId}/report`);
    // One definition: the report's rows (by label) carry the dashboard's counts, stage for stage.
    expect(report.json.funnel).toEqual(overview.json.funnel.map((row: { label: string; count: number }) => ({ stage: row.label, count: row.count })));
    expect(overview.json.funnel.find((row: { stage: string }) => row.stage === 'shared back').definition).toMatch(/summary is marked ready, or a decision was recorded/);
  });

  describe('a new policy version (finding 2)', () => {
    let assetId: string;

    beforeAll(async () => {
      assetId = (await call(rohan, 'GET', `/rounds/${roundId}/me/assets`)).json.value[0].id;
      const published = await call(owner, 'POST', `/rounds/${roundId}/policy`, { text: 'Version 2: keep customer data, client material and credentials out of AI tools; never paste production logs.' });
      expect(published.status).toBe(200);
      expect(published.json.policy.versions.at(-1).version).toBe(2);
    });

    it('holds a journal entry, saying what to confirm and linking to it', async () => {
      const journal = await call(rohan, 'PUT', `/rounds/${roundId}/me/journals/${weekOne()}`, { hoursPractised: 2, improved: 'Drafted two release notes with the tool, then a third.' });
      expect(journal.status).toBe(409);
      expect(journal.json.error).toMatch(/Version 2 of the safe-use policy .* was published after you confirmed version 1\. Confirm version 2 before you save a journal entry/);
      expect(journal.json.confirm).toEqual({ policyVersion: 2, href: `/tab/#/me/${roundId}`, label: 'Confirm version 2 of the safe-use policy' });
    });

    it('holds saving and sharing an asset; stopping sharing is still allowed', async () => {
      const saved = await call(rohan, 'POST', `/rounds/${roundId}/me/assets`, { submissionId: '2c9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bee', kind: 'prompt', title: 'Changelog prompt', content: 'Group these changes by area.', goodFor: 'Changelogs' });
      expect(saved.status).toBe(409);
      expect(saved.json.error).toMatch(/Confirm version 2 before you save an asset/);
      expect(saved.json.confirm.href).toBe(`/tab/#/me/${roundId}`);
      expect((await call(rohan, 'PATCH', `/rounds/${roundId}/me/assets/${assetId}`, { shared: false })).status).toBe(200);
      const share = await call(rohan, 'PATCH', `/rounds/${roundId}/me/assets/${assetId}`, { shared: true });
      expect(share.status).toBe(409);
      expect(share.json.error).toMatch(/Confirm version 2 before you share an asset/);
    });

    it('holds the move to practising until the person confirms, then lets everything go on', async () => {
      await startDuePractice(second.ports);
      const waiting = await call(ben, 'GET', `/rounds/${roundId}/me`);
      expect(waiting.json.experiment.state).toBe('approved');
      expect(waiting.json.needsAcknowledgement).toBe(true);
      for (const person of [ben, rohan]) {
        expect((await call(person, 'POST', `/rounds/${roundId}/me/acknowledgement`, { policyVersion: 2, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' } })).status).toBe(200);
      }
      await startDuePractice(second.ports);
      expect((await call(ben, 'GET', `/rounds/${roundId}/me`)).json.experiment.state).toBe('practising');
      expect((await call(rohan, 'PUT', `/rounds/${roundId}/me/journals/${weekOne()}`, { hoursPractised: 2, improved: 'Drafted two release notes with the tool, then a third.' })).status).toBe(200);
      expect((await call(rohan, 'PATCH', `/rounds/${roundId}/me/assets/${assetId}`, { shared: true })).status).toBe(200);
    });
  });

  describe('a decision before the shareback (finding 6)', () => {
    const decision = () => ({ outcome: 'another-round', ownerId: owner.id, dueDate: DateTime.fromISO(sharebackStartsAt).plus({ weeks: 4 }).toISODate(), note: 'Try it on the changelog too.' });
    let decidedVersion: number;

    it('needs an explicit “decide early” with a reason, and a refusal changes nothing', async () => {
      const before = (await call(owner, 'GET', `/rounds/${roundId}/experiments/${rohan.id}`)).json.experiment;
      const refused = await call(owner, 'POST', `/rounds/${roundId}/experiments/${rohan.id}/decision`, decision());
      expect(refused.status).toBe(422);
      expect(refused.json.fieldErrors.decideEarly).toMatch(/^The shareback is on .*A decision before then ends this experiment's practice now/);
      const noReason = await call(owner, 'POST', `/rounds/${roundId}/experiments/${rohan.id}/decision`, { ...decision(), decideEarly: true });
      expect(noReason.status).toBe(422);
      expect(noReason.json.fieldErrors.earlyReason).toMatch(/Say why you are deciding before the shareback/);
      const after = (await call(owner, 'GET', `/rounds/${roundId}/experiments/${rohan.id}`)).json.experiment;
      expect({ state: after.state, version: after.version }).toEqual({ state: before.state, version: before.version });
    });

    it('with one, ends practice cleanly: future blocks leave the calendar, past ones stay, and the journal says why it is closed', async () => {
      const now = clock.now().getTime();
      const past = practiceEvents(rohan).filter((e) => startOf(e) <= now).length;
      expect(practiceEvents(rohan).filter((e) => startOf(e) > now).length).toBeGreaterThan(0);
      const decided = await call(owner, 'POST', `/rounds/${roundId}/experiments/${rohan.id}/decision`, { ...decision(), decideEarly: true, earlyReason: 'The team adopts the tool now; no need to wait for the shareback.' });
      expect(decided.status).toBe(200);
      expect(decided.json.state).toBe('decided');
      decidedVersion = decided.json.version;
      await eventually(() => expect(practiceEvents(rohan).filter((e) => startOf(e) > now)).toHaveLength(0), { timeoutInMs: 15_000 });
      expect(practiceEvents(rohan).filter((e) => startOf(e) <= now)).toHaveLength(past);
      const journal = await call(rohan, 'PUT', `/rounds/${roundId}/me/journals/${weekOne()}`, { hoursPractised: 2, improved: 'One more try at the release notes.' });
      expect(journal.status).toBe(409);
      expect(journal.json.error).toMatch(/^Practice for this experiment ended on .*, before the shareback, when the round's owners decided early: “The team adopts the tool now; no need to wait for the shareback\.”/);
      expect(stack.sandbox.control.invalidRequests()).toEqual([]);
    });

    it('answers a stale edit about the decision, not a card or a plan version (finding 7)', async () => {
      const edited = await call(owner, 'POST', `/rounds/${roundId}/experiments/${rohan.id}/decision`, { ...decision(), note: 'Changelog first.', expectedVersion: decidedVersion });
      expect(edited.status).toBe(200);
      const stale = await call(coOwner, 'POST', `/rounds/${roundId}/experiments/${rohan.id}/decision`, { ...decision(), note: 'Release notes first.', expectedVersion: decidedVersion });
      expect(stale.status).toBe(409);
      expect(stale.json.error).toBe('This decision changed since you opened it. Look at the decision as it stands now, then make your edit again.');
    });
  });
});
