import { acknowledge, needsAcknowledgement, practiceWaitsForPolicy, type AcknowledgeInput, type PolicyAcknowledgement } from '../../src/domain/acknowledgement';
import { publishPolicyVersion } from '../../src/domain/round';
import { parseRoundId } from '../../src/domain/roundIds';
import { DEFAULT_TOOL_CATALOGUE, resolveToolChoice } from '../../src/domain/toolCatalogue';
import { NOW, PEOPLE, aRound, expectError, later, ownerActor, unwrap } from '../support/builders';

const soon = later(NOW, 10);

function input(overrides: Partial<AcknowledgeInput> = {}): AcknowledgeInput {
  return { userId: PEOPLE.dana, policyVersion: 1, policyAccepted: true, toolTermsAccepted: true, tool: { toolId: 'm365-copilot' }, ...overrides };
}

describe('acknowledge', () => {
  it('records the policy version and the catalogue tool whose terms were accepted', () => {
    const round = aRound();
    expect(acknowledge(round, input(), soon)).toEqual<PolicyAcknowledgement>({
      roundId: round.id,
      userId: PEOPLE.dana,
      policyVersion: 1,
      toolId: 'm365-copilot',
      otherToolName: null,
      toolTermsAccepted: true,
      acknowledgedAt: soon,
    });
  });

  it('records a tool the person named themselves', () => {
    const ack = unwrap(acknowledge(aRound(), input({ tool: { toolId: 'other', otherToolName: 'Jasper' } }), soon));
    expect(ack).toMatchObject({ toolId: null, otherToolName: 'Jasper' });
  });

  it('asks the person to read the new version when the policy changed while they were reading', () => {
    const round = unwrap(publishPolicyVersion(aRound(), 'Version two of the policy: redact client names first.', ownerActor, soon)).round;
    expect(acknowledge(round, input({ policyVersion: 1 }), later(soon, 1))).toEqual({
      kind: 'conflict',
      message: 'The policy changed while you were reading; please read version 2 and confirm again.',
    });
    expect(unwrap(acknowledge(round, input({ policyVersion: 2 }), later(soon, 1))).policyVersion).toBe(2);
  });

  it.each<[string, Partial<AcknowledgeInput>, Record<string, string>]>([
    ['the policy box unticked', { policyAccepted: false }, { policyAccepted: 'Tick the box to confirm you have read the safe-use policy and will follow it.' }],
    ["the tool's terms unticked", { toolTermsAccepted: false }, { toolTermsAccepted: "Tick the box to confirm you accept Microsoft 365 Copilot's terms of use." }],
    ['both unticked', { policyAccepted: false, toolTermsAccepted: false }, {
      policyAccepted: 'Tick the box to confirm you have read the safe-use policy and will follow it.',
      toolTermsAccepted: "Tick the box to confirm you accept Microsoft 365 Copilot's terms of use.",
    }],
    ['no tool chosen', { tool: {} }, { toolId: 'Pick a tool from the list, or choose Other and name it.' }],
    ['"other" with no name and terms unticked', { tool: { toolId: 'other' }, toolTermsAccepted: false }, {
      otherToolName: 'You chose Other: type the name of the tool you want to try.',
      toolTermsAccepted: "Tick the box to confirm you accept the tool provider's terms of use.",
    }],
  ])('refuses %s, naming the fields', (_case, overrides, fieldErrors) => {
    const error = expectError(acknowledge(aRound(), input(overrides), soon));
    expect(error.kind === 'invalid_input' ? error.fieldErrors : undefined).toEqual(fieldErrors);
  });

  it.each([
    ['draft', "This round hasn't opened yet; you can acknowledge the policy once it opens."],
    ['closed', 'This round has closed, so there is nothing left to acknowledge.'],
  ] as const)('refuses while the round is %s', (status, message) => {
    expect(acknowledge(aRound({ status }), input(), soon)).toEqual({ kind: 'conflict', message });
  });
});

describe('needsAcknowledgement', () => {
  const round = aRound();
  const ack = unwrap(acknowledge(round, input(), soon));
  const copilot = unwrap(resolveToolChoice(DEFAULT_TOOL_CATALOGUE, { toolId: 'm365-copilot' }));
  const claude = unwrap(resolveToolChoice(DEFAULT_TOOL_CATALOGUE, { toolId: 'claude' }));

  it('is true with no acknowledgement', () => {
    expect(needsAcknowledgement(round, null)).toBe(true);
  });

  it('is false once the current version is acknowledged', () => {
    expect(needsAcknowledgement(round, ack)).toBe(false);
    expect(needsAcknowledgement(round, ack, { tool: copilot })).toBe(false);
  });

  it('is true again after a new version is published', () => {
    const revised = unwrap(publishPolicyVersion(round, 'Version two of the policy: redact client names first.', ownerActor, later(soon, 5))).round;
    expect(needsAcknowledgement(revised, ack)).toBe(true);
  });

  it('is true for an acknowledgement from another round', () => {
    expect(needsAcknowledgement(round, { ...ack, roundId: parseRoundId('round-2024-autumn')! })).toBe(true);
  });

  it('is true when the person switches to a tool whose terms they have not accepted', () => {
    expect(needsAcknowledgement(round, ack, { tool: claude })).toBe(true);
  });

  it('is true while no policy is published, so "acknowledged" is never assumed', () => {
    expect(needsAcknowledgement(aRound({ policy: { versions: [] } }), ack)).toBe(true);
  });
});

describe('practiceWaitsForPolicy', () => {
  const round = aRound({ status: 'open' });
  const v1 = unwrap(acknowledge(round, input(), soon));
  const withV2 = unwrap(publishPolicyVersion(round, `${round.policy.versions[0]!.text} Never paste production logs.`, ownerActor, later(NOW, 20))).round;
  const copilot = unwrap(resolveToolChoice(DEFAULT_TOOL_CATALOGUE, { toolId: 'm365-copilot' }));

  it('lets practice go on while the confirmation is current', () => {
    expect(practiceWaitsForPolicy(round, v1, 'journal', { tool: copilot })).toBeNull();
  });

  it.each([
    ['journal', 'save a journal entry'],
    ['saveAsset', 'save an asset'],
    ['shareAsset', 'share an asset'],
    ['startPractice', 'start practising'],
  ] as const)('holds %s after a new version, naming the version to confirm and carrying where', (action, words) => {
    const refusal = expectError(practiceWaitsForPolicy(withV2, v1, action, { tool: copilot }));
    expect(refusal).toEqual({
      kind: 'conflict',
      message: `Version 2 of the safe-use policy for “${withV2.name}” was published after you confirmed version 1. Confirm version 2 before you ${words}: practice waits until you do.`,
      confirmPolicy: { roundId: withV2.id, policyVersion: 2 },
    });
  });

  it('names the tool when only its terms are missing', () => {
    const other = unwrap(resolveToolChoice(DEFAULT_TOOL_CATALOGUE, { toolId: 'other', otherToolName: 'Jasper' }));
    expect(expectError(practiceWaitsForPolicy(round, v1, 'saveAsset', { tool: other })).message).toBe('Confirm Jasper\'s terms of use, with version 1 of the safe-use policy, before you save an asset: practice waits until you do.');
  });
});
