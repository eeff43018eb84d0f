import { DEFAULT_TOOL_CATALOGUE, ROLES, resolveToolChoice, sameTool, toolCatalogueSchema, toolName, toolsForRole } from '../../src/domain/toolCatalogue';
import { expectError, unwrap } from '../support/builders';

describe('DEFAULT_TOOL_CATALOGUE', () => {
  it('passes its own schema: unique ids, https terms links, at least one role each', () => {
    expect(toolCatalogueSchema.safeParse(DEFAULT_TOOL_CATALOGUE).success).toBe(true);
  });

  it.each(ROLES)('offers several tools to %s', (role) => {
    expect(toolsForRole(DEFAULT_TOOL_CATALOGUE, role).length).toBeGreaterThanOrEqual(4);
  });

  it('offers code assistants to engineering and not to sales', () => {
    expect(toolsForRole(DEFAULT_TOOL_CATALOGUE, 'engineering').map((tool) => tool.id)).toEqual(expect.arrayContaining(['github-copilot', 'cursor']));
    expect(toolsForRole(DEFAULT_TOOL_CATALOGUE, 'sales').map((tool) => tool.id)).not.toContain('github-copilot');
  });
});

describe('resolveToolChoice', () => {
  const catalogue = DEFAULT_TOOL_CATALOGUE;

  it('finds a catalogue tool by id', () => {
    const choice = unwrap(resolveToolChoice(catalogue, { toolId: 'claude' }));
    expect(choice).toEqual({ kind: 'catalogue', entry: catalogue.find((tool) => tool.id === 'claude') });
    expect(toolName(choice)).toBe('Claude');
  });

  it('prefers the picked catalogue tool over a leftover "other" name', () => {
    expect(unwrap(resolveToolChoice(catalogue, { toolId: 'claude', otherToolName: 'Something else' })).kind).toBe('catalogue');
  });

  it.each([
    ['with id "other"', { toolId: 'other', otherToolName: '  Jasper  ', otherToolTermsUrl: 'https://www.jasper.ai/legal/terms' }, { kind: 'other', name: 'Jasper', termsUrl: 'https://www.jasper.ai/legal/terms' }],
    ['with no id and a name', { otherToolName: 'Jasper' }, { kind: 'other', name: 'Jasper', termsUrl: null }],
    ['with an empty terms link', { toolId: 'other', otherToolName: 'Jasper', otherToolTermsUrl: ' ' }, { kind: 'other', name: 'Jasper', termsUrl: null }],
  ])('takes a tool the person named %s', (_case, input, expected) => {
    expect(resolveToolChoice(catalogue, input)).toEqual(expected);
  });

  it.each([
    ['nothing at all', {}, { toolId: 'Pick a tool from the list, or choose Other and name it.' }],
    ['"other" with no name', { toolId: 'other' }, { otherToolName: 'You chose Other: type the name of the tool you want to try.' }],
    ['"other" with a blank name', { toolId: 'other', otherToolName: '   ' }, { otherToolName: 'You chose Other: type the name of the tool you want to try.' }],
    ['an id this round does not list', { toolId: 'skynet' }, { toolId: "That tool isn't in this round's list: pick one from the list, or choose Other and name it." }],
    ['a one-letter name', { toolId: 'other', otherToolName: 'X' }, { otherToolName: 'Name the tool in 2 to 80 characters.' }],
    ['a terms link that is not https', { toolId: 'other', otherToolName: 'Jasper', otherToolTermsUrl: 'javascript:alert(1)' }, { otherToolTermsUrl: "Link to the tool's terms with an https:// address, or leave it empty." }],
  ])('refuses %s, naming the field', (_case, input, fieldErrors) => {
    const error = expectError(resolveToolChoice(catalogue, input));
    expect(error.kind).toBe('invalid_input');
    expect(error.kind === 'invalid_input' ? error.fieldErrors : undefined).toEqual(fieldErrors);
  });
});

describe('sameTool', () => {
  it('compares catalogue tools by id and named tools by name, ignoring case', () => {
    const copilot = unwrap(resolveToolChoice(DEFAULT_TOOL_CATALOGUE, { toolId: 'github-copilot' }));
    expect(sameTool(copilot, unwrap(resolveToolChoice(DEFAULT_TOOL_CATALOGUE, { toolId: 'github-copilot' })))).toBe(true);
    expect(sameTool(copilot, unwrap(resolveToolChoice(DEFAULT_TOOL_CATALOGUE, { otherToolName: 'GitHub Copilot' })))).toBe(false);
    expect(sameTool(unwrap(resolveToolChoice([], { otherToolName: 'Jasper' })), unwrap(resolveToolChoice([], { otherToolName: 'jasper ' })))).toBe(true);
  });
});
