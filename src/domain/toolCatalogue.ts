import { z } from 'zod';
import type { DomainError } from './errors';
import { boundedText, invalidInput } from './validation';

/**
 * The tools a round offers. Owners edit the list per round (licences and approvals differ by team); `DEFAULT_TOOL_CATALOGUE` is
 * the starting point. Terms links point at each vendor's public terms page: the person accepts those
 * terms, beside the company policy, before practice starts. Owners should check them for their licence.
 */
export const ROLES = ['sales', 'marketing', 'engineering', 'product-operations', 'new-hire'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  sales: 'Sales',
  marketing: 'Marketing',
  engineering: 'Engineering',
  'product-operations': 'Product and operations',
  'new-hire': 'New hire',
};

export const roleSchema = z.enum(ROLES, {
  errorMap: () => ({ message: 'Choose your role: sales, marketing, engineering, product and operations, or new hire.' }),
});

/** The id a form sends for "a tool that is not on the list". It can never be a catalogue id. */
export const OTHER_TOOL_ID = 'other';

const httpsUrl = (message: string) =>
  z.string({ required_error: message, invalid_type_error: message }).trim().max(2000, { message }).refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false; // not a URL at all: the message says what is expected
    }
  }, { message });

export const toolCatalogueEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,40}$/, { message: 'A tool id is 2 to 40 lower-case letters, digits or hyphens.' })
    .refine((id) => id !== OTHER_TOOL_ID, { message: `"${OTHER_TOOL_ID}" is kept for tools that are not on the list; choose another id.` }),
  name: boundedText(1, 80, 'Give the tool a name of up to 80 characters.'),
  vendor: boundedText(1, 80, 'Name the vendor in up to 80 characters.'),
  termsUrl: httpsUrl("Link to the vendor's terms with an https:// address."),
  roles: z.array(roleSchema).min(1, { message: 'Pick at least one role this tool suits.' }).transform((roles) => [...new Set(roles)]),
  goodFor: boundedText(1, 200, 'Say what the tool is good for in up to 200 characters.'),
});
export type ToolCatalogueEntry = z.infer<typeof toolCatalogueEntrySchema>;

export const MAX_CATALOGUE_ENTRIES = 100;

export const toolCatalogueSchema = z.array(toolCatalogueEntrySchema)
  .max(MAX_CATALOGUE_ENTRIES, { message: `A round can list up to ${MAX_CATALOGUE_ENTRIES} tools.` })
  .refine((entries) => new Set(entries.map((entry) => entry.id)).size === entries.length, {
    message: 'Each tool in the catalogue needs its own id; two share one.',
  });

const MICROSOFT_PRODUCT_TERMS = 'https://www.microsoft.com/licensing/terms/';
const GOOGLE_WORKSPACE_TERMS = 'https://workspace.google.com/terms/service-terms/';

export const DEFAULT_TOOL_CATALOGUE: readonly ToolCatalogueEntry[] = [
  {
    id: 'm365-copilot', name: 'Microsoft 365 Copilot', vendor: 'Microsoft', termsUrl: MICROSOFT_PRODUCT_TERMS,
    roles: ['sales', 'marketing', 'engineering', 'product-operations', 'new-hire'],
    goodFor: 'Drafting and summarising in Word, Outlook, PowerPoint and Teams using your own work files.',
  },
  {
    id: 'm365-copilot-chat', name: 'Microsoft 365 Copilot Chat', vendor: 'Microsoft', termsUrl: MICROSOFT_PRODUCT_TERMS,
    roles: ['sales', 'marketing', 'engineering', 'product-operations', 'new-hire'],
    goodFor: 'Secure web-grounded chat for research, first drafts and rewriting, signed in with your work account.',
  },
  {
    id: 'teams-premium-recap', name: 'Teams Premium intelligent recap', vendor: 'Microsoft', termsUrl: MICROSOFT_PRODUCT_TERMS,
    roles: ['sales', 'product-operations', 'new-hire'],
    goodFor: 'Meeting notes, action items and chapters after a recorded Teams meeting.',
  },
  {
    id: 'github-copilot', name: 'GitHub Copilot', vendor: 'GitHub',
    termsUrl: 'https://docs.github.com/en/site-policy/github-terms/github-terms-for-additional-products-and-features',
    roles: ['engineering'],
    goodFor: 'Code suggestions, tests, refactoring and explaining unfamiliar code in the editor.',
  },
  {
    id: 'cursor', name: 'Cursor', vendor: 'Anysphere', termsUrl: 'https://cursor.com/terms-of-service',
    roles: ['engineering'],
    goodFor: 'An AI code editor for multi-file changes, debugging and working through a large codebase.',
  },
  {
    id: 'chatgpt-enterprise', name: 'ChatGPT Enterprise', vendor: 'OpenAI', termsUrl: 'https://openai.com/policies/business-terms/',
    roles: ['sales', 'marketing', 'engineering', 'product-operations', 'new-hire'],
    goodFor: 'General drafting, analysis of documents and data, and brainstorming.',
  },
  {
    id: 'claude', name: 'Claude', vendor: 'Anthropic', termsUrl: 'https://www.anthropic.com/legal/commercial-terms',
    roles: ['marketing', 'engineering', 'product-operations', 'new-hire'],
    goodFor: 'Long documents, careful writing and editing, and reasoning through code or plans.',
  },
  {
    id: 'gemini-workspace', name: 'Gemini for Google Workspace', vendor: 'Google', termsUrl: GOOGLE_WORKSPACE_TERMS,
    roles: ['sales', 'marketing', 'product-operations'],
    goodFor: 'Drafting and summarising in Gmail, Docs, Sheets and Slides.',
  },
  {
    id: 'notebooklm', name: 'NotebookLM', vendor: 'Google', termsUrl: GOOGLE_WORKSPACE_TERMS,
    roles: ['new-hire', 'product-operations'],
    goodFor: 'Questions answered from a set of documents you upload, with citations back to the source.',
  },
  {
    id: 'perplexity-enterprise', name: 'Perplexity Enterprise Pro', vendor: 'Perplexity',
    termsUrl: 'https://www.perplexity.ai/hub/legal/enterprise-terms-of-service',
    roles: ['sales', 'marketing', 'product-operations'],
    goodFor: 'Research with cited web sources: accounts, markets and competitors.',
  },
  {
    id: 'otter', name: 'Otter.ai', vendor: 'Otter.ai', termsUrl: 'https://otter.ai/terms-of-service',
    roles: ['sales', 'product-operations', 'new-hire'],
    goodFor: 'Live transcripts and meeting summaries you can search later.',
  },
  {
    id: 'gong', name: 'Gong', vendor: 'Gong', termsUrl: 'https://www.gong.io/terms-and-conditions/',
    roles: ['sales'],
    goodFor: 'Call analysis: talk patterns, deal risks and follow-ups from recorded sales calls.',
  },
  {
    id: 'fireflies', name: 'Fireflies.ai', vendor: 'Fireflies.ai', termsUrl: 'https://fireflies.ai/terms-of-service',
    roles: ['sales', 'product-operations'],
    goodFor: 'Recording, transcribing and summarising calls, with follow-up actions.',
  },
  {
    id: 'salesforce-einstein', name: 'Salesforce Einstein', vendor: 'Salesforce', termsUrl: 'https://www.salesforce.com/company/legal/agreements/',
    roles: ['sales'],
    goodFor: 'Opportunity insights, email drafts and call summaries inside Salesforce.',
  },
  {
    id: 'hubspot-breeze', name: 'HubSpot Breeze', vendor: 'HubSpot', termsUrl: 'https://legal.hubspot.com/terms-of-service',
    roles: ['sales', 'marketing'],
    goodFor: 'Prospect research, email and content drafts, and record summaries inside HubSpot.',
  },
  {
    id: 'canva-magic-studio', name: 'Canva Magic Studio', vendor: 'Canva', termsUrl: 'https://www.canva.com/policies/terms-of-use/',
    roles: ['marketing', 'sales'],
    goodFor: 'Quick visuals, resizing designs for each channel, and first drafts of on-brand copy.',
  },
  {
    id: 'notion-ai', name: 'Notion AI', vendor: 'Notion', termsUrl: 'https://www.notion.so/notion/Terms-and-Privacy-28ffdd083dc3473e9c2da6ec011b58ac',
    roles: ['product-operations', 'new-hire', 'engineering'],
    goodFor: 'Meeting notes, project summaries and answers from your team wiki.',
  },
];

export function toolsForRole(catalogue: readonly ToolCatalogueEntry[], role: Role): ToolCatalogueEntry[] {
  return catalogue.filter((entry) => entry.roles.includes(role));
}

/** A tool as chosen: a snapshot of a catalogue entry (so a later catalogue edit does not rewrite history), or one the person named. */
export type ToolChoice =
  | { readonly kind: 'catalogue'; readonly entry: ToolCatalogueEntry }
  | { readonly kind: 'other'; readonly name: string; readonly termsUrl: string | null };

export const toolChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('catalogue'), entry: toolCatalogueEntrySchema }),
  z.object({
    kind: z.literal('other'),
    name: boundedText(2, 80, 'Name the tool in 2 to 80 characters.'),
    termsUrl: httpsUrl("Link to the tool's terms with an https:// address, or leave it empty.").nullable(),
  }),
]);

export interface ToolChoiceInput {
  readonly toolId?: string;
  readonly otherToolName?: string;
  readonly otherToolTermsUrl?: string;
}

export function toolName(tool: ToolChoice): string {
  return tool.kind === 'catalogue' ? tool.entry.name : tool.name;
}

/** Same tool: the same catalogue id, or the same other-tool name ignoring case and spaces around it. */
export function sameTool(a: ToolChoice, b: ToolChoice): boolean {
  if (a.kind === 'catalogue' && b.kind === 'catalogue') return a.entry.id === b.entry.id;
  if (a.kind === 'other' && b.kind === 'other') return a.name.trim().toLowerCase() === b.name.trim().toLowerCase();
  return false;
}

/**
 * What the tool picker sent, as a tool choice:
 * - a catalogue id → that entry (a leftover "other" name beside it is ignored: the picker wins);
 * - "other", or no id but a name → a tool the person named, with an optional https terms link;
 * - "other" with no name → an error on `otherToolName`; nothing at all → an error on `toolId`;
 * - an id this round does not list → an error on `toolId`.
 */
export function resolveToolChoice(catalogue: readonly ToolCatalogueEntry[], input: ToolChoiceInput): ToolChoice | DomainError {
  const toolId = input.toolId?.trim() ?? '';
  const otherName = input.otherToolName?.trim() ?? '';
  const otherTermsUrl = input.otherToolTermsUrl?.trim() ?? '';

  if (toolId !== '' && toolId !== OTHER_TOOL_ID) {
    const entry = catalogue.find((candidate) => candidate.id === toolId);
    if (entry === undefined) {
      return invalidInput({ toolId: "That tool isn't in this round's list: pick one from the list, or choose Other and name it." });
    }
    return { kind: 'catalogue', entry };
  }
  if (otherName === '') {
    return toolId === OTHER_TOOL_ID
      ? invalidInput({ otherToolName: 'You chose Other: type the name of the tool you want to try.' })
      : invalidInput({ toolId: 'Pick a tool from the list, or choose Other and name it.' });
  }
  const parsed = toolChoiceSchema.safeParse({ kind: 'other', name: otherName, termsUrl: otherTermsUrl === '' ? null : otherTermsUrl });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0] === 'termsUrl' ? 'otherToolTermsUrl' : 'otherToolName';
    return invalidInput({ [field]: issue?.message ?? 'Check the tool you named.' });
  }
  return parsed.data;
}
