import type { ToolChoice } from '../../../contracts/common';

/** How the dashboard names an experiment's tool and state. */
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
