import { AZURITE_DEFAULT_CONNECTION_STRING, ConfigError, loadConfig } from '../../src/config';

const SANDBOX = { GRAPH_BASE_URL: 'http://127.0.0.1:5100' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('runs on the embedded defaults against the local emulators', () => {
    const config = loadConfig(SANDBOX);
    expect(config).toMatchObject({ port: 3978, authMode: 'dev', tablePrefix: 'practiceloop', queuePrefix: 'practiceloop', storageConnectionString: AZURITE_DEFAULT_CONNECTION_STRING });
    expect(config.graph.credential).toEqual({ kind: 'sandbox' });
  });

  it('treats empty variables as unset (env files leave placeholders empty)', () => {
    expect(loadConfig({ ...SANDBOX, PORT: '', TABLE_PREFIX: '' }).port).toBe(3978);
  });

  it('names each invalid variable with what is wrong', () => {
    const problems = problemsOf({ ...SANDBOX, PORT: 'abc', AUTH_MODE: 'open', TABLE_PREFIX: 'has-dash' });
    expect(problems.find((p) => p.startsWith('PORT'))).toMatch(/port number/);
    expect(problems.find((p) => p.startsWith('AUTH_MODE'))).toMatch(/dev.*entra/);
    expect(problems.find((p) => p.startsWith('TABLE_PREFIX'))).toMatch(/letters and digits/);
  });

  it('requires SSO settings and a bot identity for AUTH_MODE=entra', () => {
    const problems = problemsOf({ ...SANDBOX, AUTH_MODE: 'entra' });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^AAD_APP_CLIENT_ID is required when AUTH_MODE=entra/),
      expect.stringMatching(/^AAD_APP_TENANT_ID is required/),
      expect.stringMatching(/^MicrosoftAppId is required when AUTH_MODE=entra/),
    ]));
  });

  it('requires Graph credentials for any Graph that is not the local sandbox', () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/^GRAPH_CLIENT_ID is required to call https:\/\/graph.microsoft.com/)]);
    const config = loadConfig({ GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's', GRAPH_TENANT_ID: 't' });
    expect(config.graph.credential).toEqual({ kind: 'clientSecret', tenantId: 't', clientId: 'c', clientSecret: 's' });
    expect(loadConfig({ GRAPH_USE_MANAGED_IDENTITY: 'true' }).graph.credential).toEqual({ kind: 'managedIdentity' });
  });

  it('requires a queue endpoint next to an explicit table endpoint', () => {
    const problems = problemsOf({ ...SANDBOX, STORAGE_CONNECTION_STRING: 'AccountName=a;AccountKey=k;TableEndpoint=http://127.0.0.1:1/a;' });
    expect(problems).toEqual([expect.stringMatching(/^STORAGE_CONNECTION_STRING names a TableEndpoint but no QueueEndpoint/)]);
  });

  it('requires the bot password with a bot app id', () => {
    expect(problemsOf({ ...SANDBOX, MicrosoftAppId: 'bot' })).toEqual([expect.stringMatching(/^MicrosoftAppPassword is required/)]);
  });

  it('uses the basic coach by default and checks a model coach’s settings', () => {
    expect(loadConfig(SANDBOX).coach).toEqual({ provider: 'basic' });
    expect(problemsOf({ ...SANDBOX, COACH_PROVIDER: 'openai-compatible' })).toEqual([
      'COACH_ENDPOINT is required when COACH_PROVIDER=openai-compatible',
      'COACH_MODEL is required when COACH_PROVIDER=openai-compatible (the Azure deployment name, or the model name)',
    ]);
    expect(problemsOf({ ...SANDBOX, COACH_PROVIDER: 'azure-openai', COACH_ENDPOINT: 'http://127.0.0.1:5200', COACH_MODEL: 'gpt-4o-mini' })).toEqual([
      'COACH_ENDPOINT must be https:// for Azure OpenAI (use COACH_PROVIDER=openai-compatible for a local endpoint)',
      'COACH_API_KEY is required for Azure OpenAI unless COACH_USE_MANAGED_IDENTITY=true',
    ]);
    expect(loadConfig({ ...SANDBOX, COACH_PROVIDER: 'azure-openai', COACH_ENDPOINT: 'https://contoso.openai.azure.com/', COACH_MODEL: 'coach', COACH_USE_MANAGED_IDENTITY: 'true' }).coach).toEqual({
      provider: 'azure-openai', endpoint: 'https://contoso.openai.azure.com', model: 'coach', apiKey: undefined, apiVersion: '2024-10-21', managedIdentity: { clientId: undefined }, timeoutInMs: 20_000,
    });
  });

  it('never echoes a secret value in its messages', () => {
    const problems = problemsOf({ ...SANDBOX, MicrosoftAppId: 'bot', STORAGE_CONNECTION_STRING: 'TopSecretValue', PORT: 'x' });
    expect(problems.join('\n')).not.toContain('TopSecretValue');
  });
});
