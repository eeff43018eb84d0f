import { acknowledge } from '../../src/domain/acknowledgement';
import { isDomainError } from '../../src/domain/errors';
import { currentPolicyVersion } from '../../src/domain/round';
import type { Experiment, ExperimentState } from '../../src/domain/experiment';
import type { UserId } from '../../src/domain/ids';
import type { Round } from '../../src/domain/round';
import type { Caller } from '../../src/usecases/ports';
import { aRound, anExperiment, PEOPLE, TENANT } from '../support/builders';
import { callerOf, fakePorts, type FakePerson, type FakePorts } from '../support/fakes';

/*
 * The builders' people as the directory knows them: Dana and Lee report to Maria; Omar owns the round;
 * Priya is an admin; Sam has no role. Everyone works 09:00–17:00 London time, Monday to Friday.
 */
const person = (id: UserId, displayName: string, managerId: UserId | null): FakePerson => ({
  id, displayName, mail: `${displayName.split(' ')[0]!.toLowerCase()}@contoso.example`, jobTitle: 'Analyst', department: 'Sales', managerId,
  windowsTimeZone: 'GMT Standard Time', workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '09:00', endTime: '17:00' },
});

export const PEOPLE_IN_DIRECTORY: readonly FakePerson[] = [
  person(PEOPLE.dana, 'Dana Participant', PEOPLE.maria),
  person(PEOPLE.lee, 'Lee Participant', PEOPLE.maria),
  person(PEOPLE.maria, 'Maria Manager', null),
  person(PEOPLE.omar, 'Omar Owner', null),
  person(PEOPLE.priya, 'Priya Admin', null),
  person(PEOPLE.sam, 'Sam Colleague', null),
];

export const as = {
  dana: callerOf(PEOPLE.dana, TENANT, { displayName: 'Dana Participant' }),
  lee: callerOf(PEOPLE.lee, TENANT, { displayName: 'Lee Participant' }),
  maria: callerOf(PEOPLE.maria, TENANT, { displayName: 'Maria Manager' }),
  omar: callerOf(PEOPLE.omar, TENANT, { displayName: 'Omar Owner', mayCreateRounds: true }),
  priya: callerOf(PEOPLE.priya, TENANT, { displayName: 'Priya Admin', isAdmin: true, mayCreateRounds: true }),
  sam: callerOf(PEOPLE.sam, TENANT, { displayName: 'Sam Colleague' }),
} satisfies Record<string, Caller>;

export interface World {
  readonly ports: FakePorts;
  readonly round: Round;
}

/**
 * The builders' round (open; window Mon 10 – Sun 30 March 2025, London) saved in fresh in-memory ports,
 * with Dana's experiment in `experiment` state when asked. The clock starts at `now`.
 */
export async function aWorld(options: { now?: string; round?: Partial<Round>; experiment?: ExperimentState } = {}): Promise<World & { experiment: Experiment | null }> {
  const ports = fakePorts({ now: options.now ?? '2025-03-01T09:00:00.000Z', people: PEOPLE_IN_DIRECTORY });
  const round = aRound({ status: 'open', ...options.round });
  await ports.rounds.create(round);
  let experiment: Experiment | null = null;
  if (options.experiment) {
    experiment = anExperiment({ state: options.experiment });
    await ports.experiments.create(experiment);
    // Anyone past a draft confirmed the round's current policy and their tool's terms (practice waits until they have).
    const tool = experiment.selection?.tool;
    const version = currentPolicyVersion(round)?.version;
    if (tool && version !== undefined && options.experiment !== 'draft') {
      const ack = acknowledge(round, {
        userId: experiment.participantId, policyVersion: version, policyAccepted: true, toolTermsAccepted: true,
        tool: tool.kind === 'catalogue' ? { toolId: tool.entry.id } : { otherToolName: tool.name, otherToolTermsUrl: tool.termsUrl ?? undefined },
      }, ports.clock.now().toISOString());
      if (isDomainError(ack)) throw new Error(`the world's acknowledgement was refused: ${ack.message}`);
      await ports.acknowledgements.record(ack);
    }
  }
  return { ports, round, experiment };
}
