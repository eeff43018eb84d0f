/**
 * The capability map: who can help with which AI tool, by team. A holder is
 * someone who practised the tool (their experiment reached practising or later) or whom a decision named
 * internal owner for it. The map counts people, not the quality of their work: it shows where knowledge
 * of a tool sits, so a tool held by one person only is a risk worth seeing ("single holder").
 */
export interface CapabilityHolder {
  readonly userId: string;
  /** The person's team (the directory's department; "Unassigned" when it has none). */
  readonly team: string;
  /** The tool's display name. */
  readonly tool: string;
}

export interface ToolCapability {
  readonly tool: string;
  /** Distinct holders per team. */
  readonly byTeam: Readonly<Record<string, number>>;
  /** Distinct holders across teams. */
  readonly holders: number;
  readonly singleHolder: boolean;
}

export interface CapabilityMap {
  /** Most holders first, then by name, so the heat map reads top-down from the best-spread tool. */
  readonly tools: readonly ToolCapability[];
  /** Every team that holds any tool, sorted by name. */
  readonly teams: readonly string[];
}

export const UNASSIGNED_TEAM = 'Unassigned';

/** Tool names are compared without case or surrounding spaces: "ChatGPT " and "chatgpt" are one tool (first spelling kept). */
function toolKey(tool: string): string {
  return tool.trim().toLowerCase();
}

export function capabilityMap(holders: readonly CapabilityHolder[]): CapabilityMap {
  const tools = new Map<string, { name: string; teamsOf: Map<string, string> }>();
  for (const holder of holders) {
    const name = holder.tool.trim();
    if (name === '') continue;
    const key = toolKey(name);
    const entry = tools.get(key) ?? { name, teamsOf: new Map<string, string>() };
    tools.set(key, entry);
    // A person counts once per tool, in the first team they were listed with (someone who practised it and
    // was also named its owner is still one holder).
    if (!entry.teamsOf.has(holder.userId)) entry.teamsOf.set(holder.userId, holder.team.trim() || UNASSIGNED_TEAM);
  }
  const teams = new Set<string>();
  const result: ToolCapability[] = [];
  for (const { name, teamsOf } of tools.values()) {
    const byTeam: Record<string, number> = {};
    for (const team of teamsOf.values()) {
      byTeam[team] = (byTeam[team] ?? 0) + 1;
      teams.add(team);
    }
    result.push({ tool: name, byTeam, holders: teamsOf.size, singleHolder: teamsOf.size === 1 });
  }
  result.sort((a, b) => b.holders - a.holders || a.tool.localeCompare(b.tool));
  return { tools: result, teams: [...teams].sort((a, b) => a.localeCompare(b)) };
}

/** Before → after for the round report: tools held by at least two people, and tools with a single holder. */
export interface CapabilitySpread {
  readonly toolsWithTwoOrMore: number;
  readonly singleHolderTools: number;
}

export function capabilitySpread(map: CapabilityMap): CapabilitySpread {
  return {
    toolsWithTwoOrMore: map.tools.filter((tool) => tool.holders >= 2).length,
    singleHolderTools: map.tools.filter((tool) => tool.singleHolder).length,
  };
}
