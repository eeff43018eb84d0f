/** Shapes of the API answers the dashboard reads (the server's read models in src/api/dashboard.ts and rounds.ts). */
export interface RoundOutline {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly window: { readonly start: string; readonly weeks: number };
  readonly hoursPerWeek: number;
  readonly shareback: { readonly startsAt: string; readonly durationMinutes: number; readonly timeZone: string };
  readonly policyVersion: number | null;
  readonly policyPublishedAt: string | null;
}

export interface DashboardAnswer {
  readonly me: { readonly userId: string; readonly displayName: string; readonly canCreateRounds: boolean };
  readonly participating: readonly (RoundOutline & { readonly experimentState: string })[];
  readonly managing: readonly (RoundOutline & { readonly reports: number; readonly pendingReviews: number })[];
  readonly owning: readonly { readonly id: string; readonly name: string; readonly status: string; readonly updatedAt: string }[];
}

export interface ToolEntry { readonly id: string; readonly name: string; readonly termsUrl: string; readonly roles: readonly string[]; readonly goodFor: string }
export type ToolChoice = { readonly kind: 'catalogue'; readonly entry: ToolEntry } | { readonly kind: 'other'; readonly name: string; readonly termsUrl: string | null };

export interface Selection {
  readonly frictionPoint: { readonly description: string; readonly frequency: string; readonly minutesToday: number };
  readonly role: string;
  readonly tool: ToolChoice;
  readonly kpi: string;
  readonly scores: Record<string, number>;
  readonly supportNamed?: string;
}

export interface Hypothesis {
  readonly measure: string;
  readonly baseline: { readonly value: number; readonly unit: string };
  readonly target: { readonly value: number; readonly unit: string };
  readonly howWeWillKnow: string;
  readonly preferredTimes: string;
  readonly blockMinutes: number;
  readonly deadlineConflicts?: string;
}

export interface Review { readonly decision: string; readonly by: string; readonly at: string; readonly comment?: string | null }

export interface Experiment {
  readonly id: string;
  readonly roundId: string;
  readonly participantId: string;
  readonly state: string;
  readonly version: number;
  readonly selection: Selection | null;
  readonly hypothesis: Hypothesis | null;
  readonly reviewerId: string | null;
  readonly reviews: readonly Review[];
  readonly windowExtensionDays: number;
  readonly decision: { readonly outcome: string; readonly dueDate: string; readonly note?: string } | null;
  readonly updatedAt: string;
}

export interface WeekHours { readonly week: number; readonly plannedMinutes: number; readonly keptMinutes: number; readonly upcomingMinutes: number }
export interface Block { readonly week: number; readonly index: number; readonly start: string; readonly end: string; readonly notKept?: { readonly by: string; readonly reason: string } | null }

export interface MeAnswer {
  readonly roundId: string;
  readonly experiment: Experiment | null;
  readonly needsAcknowledgement: boolean;
  readonly policyVersion: number | null;
  readonly practiceTime: { readonly status: string; readonly reason: string | null; readonly timeZone: string; readonly blocks: readonly Block[]; readonly hours: readonly WeekHours[] } | null;
}

export interface OutlineAnswer {
  readonly round: RoundOutline;
  readonly acknowledgedPolicyVersion: number | null;
  readonly acknowledgedAt: string | null;
  readonly policyText: string | null;
  readonly catalogue: readonly ToolEntry[];
  readonly meeting: { readonly joinUrl: string | null } | null;
}

export function toolNameOf(tool: ToolChoice | undefined | null): string {
  if (!tool) return '—';
  return tool.kind === 'catalogue' ? tool.entry.name : tool.name;
}

export const STATE_LABELS: Record<string, string> = {
  'not started': 'Not started',
  draft: 'Drafting the plan',
  submitted: 'Waiting for review',
  changes_requested: 'Changes requested',
  approved: 'Approved',
  practising: 'Practising',
  sharing: 'Sharing back',
  decided: 'Decided',
  withdrawn: 'Withdrawn',
};
