import { capabilityMap, capabilitySpread, UNASSIGNED_TEAM } from '../../src/domain/capability';

describe('capabilityMap', () => {
  it('counts distinct holders per tool and team, most-held tool first', () => {
    const map = capabilityMap([
      { userId: 'a', team: 'Sales', tool: 'Copilot' },
      { userId: 'b', team: 'Sales', tool: 'Copilot' },
      { userId: 'c', team: 'Marketing', tool: 'copilot ' },
      { userId: 'd', team: 'Marketing', tool: 'Claude' },
    ]);
    expect(map.tools).toEqual([
      { tool: 'Copilot', byTeam: { Sales: 2, Marketing: 1 }, holders: 3, singleHolder: false },
      { tool: 'Claude', byTeam: { Marketing: 1 }, holders: 1, singleHolder: true },
    ]);
    expect(map.teams).toEqual(['Marketing', 'Sales']);
  });

  it('counts a person who practised a tool and was named its owner once', () => {
    const map = capabilityMap([
      { userId: 'a', team: 'Sales', tool: 'Copilot' },
      { userId: 'a', team: 'Sales', tool: 'Copilot' },
    ]);
    expect(map.tools[0]).toMatchObject({ holders: 1, singleHolder: true });
  });

  it('puts people without a team under "Unassigned" and ignores blank tools', () => {
    const map = capabilityMap([{ userId: 'a', team: ' ', tool: 'Copilot' }, { userId: 'b', team: 'X', tool: '  ' }]);
    expect(map.teams).toEqual([UNASSIGNED_TEAM]);
    expect(map.tools).toHaveLength(1);
  });

  it('is empty for no holders', () => {
    expect(capabilityMap([])).toEqual({ tools: [], teams: [] });
  });

  it('summarises spread as tools with ≥ 2 holders vs single-holder tools', () => {
    const map = capabilityMap([
      { userId: 'a', team: 'S', tool: 'A' }, { userId: 'b', team: 'S', tool: 'A' }, { userId: 'c', team: 'S', tool: 'B' },
    ]);
    expect(capabilitySpread(map)).toEqual({ toolsWithTwoOrMore: 1, singleHolderTools: 1 });
  });
});
