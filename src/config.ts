import { z } from 'zod';

/**
 * Every setting comes from the environment (Teams Toolkit and App Service both set it). This is the only module that reads
 * `process.env`; the entry points (server, worker) pass the parsed config down.
 */

// Azurite's documented development account, so `npm start` needs no settings at all.
export const AZURITE_DEFAULT_CONNECTION_STRING =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
  'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
  'TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;';

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalText = z.preprocess(emptyAsUndefined, z.string().optional());

const configSchema = z
  .object({
    PORT: z.preprocess(emptyAsUndefined, z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3978)),
    HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
    AUTH_MODE: z.preprocess(emptyAsUndefined, z.enum(['dev', 'entra']).default('dev')),
    STORAGE_CONNECTION_STRING: z.preprocess(
      emptyAsUndefined,
      z.string().includes('TableEndpoint=', { message: 'must name a TableEndpoint (and a QueueEndpoint)' })
        .or(z.string().includes('AccountName=', { message: 'must be an Azure Storage connection string' }))
        .default(AZURITE_DEFAULT_CONNECTION_STRING),
    ),
    TABLE_PREFIX: z.preprocess(
      emptyAsUndefined,
      z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,29}$/, 'must start with a letter and hold only letters and digits (at most 30): Azure table names are alphanumeric').default('practiceloop'),
    ),
    GRAPH_BASE_URL: z.preprocess(emptyAsUndefined, z.string().url('must be a URL such as https://graph.microsoft.com').default('https://graph.microsoft.com')),
    // Graph credentials (app-only). Empty means "talk to the local Graph sandbox with a dev token".
    GRAPH_CLIENT_ID: optionalText,
    GRAPH_CLIENT_SECRET: optionalText,
    GRAPH_TENANT_ID: optionalText,
    GRAPH_USE_MANAGED_IDENTITY: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppTenantId: optionalText,
    MicrosoftAppType: z.preprocess(emptyAsUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
    AAD_APP_CLIENT_ID: optionalText,
    AAD_APP_TENANT_ID: optionalText,
    TAB_ENDPOINT: z.preprocess(emptyAsUndefined, z.string().url('must be the public https URL of this service').optional()),
    TEAMS_APP_ID: optionalText,
    ADMIN_USER_IDS: z.preprocess(emptyAsUndefined, z.string().default('')),
    PROGRAMME_OWNER_IDS: z.preprocess(emptyAsUndefined, z.string().default('')),
    BOT_SERVICE_URL: z.preprocess(emptyAsUndefined, z.string().url('must be the Bot Connector URL for your tenant, e.g. https://smba.trafficmanager.net/teams/').default('https://smba.trafficmanager.net/teams/')),
    LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    IN_PROCESS_WORKER: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('true')),
    // Teams allows about 50 sends a second per app and tenant, across every process that sends: give each its share.
    CONNECTOR_SENDS_PER_SECOND: z.preprocess(emptyAsUndefined, z.coerce.number().positive('must be a number of sends a second above 0').max(50, 'must not exceed Teams\' 50 sends a second per app and tenant').default(50)),
    // The practice coach: the basic coach (rules, no model) unless a model is configured.
    COACH_PROVIDER: z.preprocess(emptyAsUndefined, z.enum(['basic', 'azure-openai', 'openai-compatible']).default('basic')),
    COACH_ENDPOINT: z.preprocess(emptyAsUndefined, z.string().url('must be a URL: https://<resource>.openai.azure.com, or an OpenAI-compatible base URL such as http://127.0.0.1:5200/v1').optional()),
    COACH_MODEL: optionalText,
    COACH_API_KEY: optionalText,
    COACH_API_VERSION: z.preprocess(emptyAsUndefined, z.string().default('2024-10-21')),
    COACH_USE_MANAGED_IDENTITY: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),
    COACH_MANAGED_IDENTITY_CLIENT_ID: optionalText,
    COACH_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(100).max(120_000).default(20_000)),
  })
  .superRefine((env, ctx) => {
    if (env.COACH_PROVIDER !== 'basic') {
      if (!env.COACH_ENDPOINT) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['COACH_ENDPOINT'], message: `is required when COACH_PROVIDER=${env.COACH_PROVIDER}` });
      if (!env.COACH_MODEL) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['COACH_MODEL'], message: `is required when COACH_PROVIDER=${env.COACH_PROVIDER} (the Azure deployment name, or the model name)` });
    }
    if (env.COACH_PROVIDER === 'azure-openai') {
      if (env.COACH_ENDPOINT && !env.COACH_ENDPOINT.startsWith('https://')) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['COACH_ENDPOINT'], message: 'must be https:// for Azure OpenAI (use COACH_PROVIDER=openai-compatible for a local endpoint)' });
      if (!env.COACH_API_KEY && env.COACH_USE_MANAGED_IDENTITY !== 'true') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['COACH_API_KEY'], message: 'is required for Azure OpenAI unless COACH_USE_MANAGED_IDENTITY=true' });
    }
    if (/TableEndpoint=/i.test(env.STORAGE_CONNECTION_STRING) && !/QueueEndpoint=/i.test(env.STORAGE_CONNECTION_STRING)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['STORAGE_CONNECTION_STRING'], message: 'names a TableEndpoint but no QueueEndpoint: add QueueEndpoint=… (queues carry the background jobs)' });
    }
    if (env.AUTH_MODE === 'entra') {
      for (const key of ['AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID'] as const) {
        if (!env[key]) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'is required when AUTH_MODE=entra (the tab SSO token is checked against it)' });
      }
      if (!env.MicrosoftAppId) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['MicrosoftAppId'], message: 'is required when AUTH_MODE=entra: without it the bot endpoint would accept anonymous traffic' });
    }
    if (env.MicrosoftAppId && env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['MicrosoftAppPassword'], message: 'is required when MicrosoftAppId is set (unless MicrosoftAppType=UserAssignedMSI)' });
    }
    const graphIsLocal = /^http:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(env.GRAPH_BASE_URL);
    if (!graphIsLocal && !env.GRAPH_CLIENT_ID && env.GRAPH_USE_MANAGED_IDENTITY !== 'true') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['GRAPH_CLIENT_ID'], message: `is required to call ${env.GRAPH_BASE_URL} (or set GRAPH_USE_MANAGED_IDENTITY=true); only the local Graph sandbox works without credentials` });
    }
    if (env.GRAPH_CLIENT_ID && !env.GRAPH_CLIENT_SECRET && env.GRAPH_USE_MANAGED_IDENTITY !== 'true') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['GRAPH_CLIENT_SECRET'], message: 'is required when GRAPH_CLIENT_ID is set (or set GRAPH_USE_MANAGED_IDENTITY=true)' });
    }
  });

type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig {
  port: number;
  /** Interface to listen on: all (App Service, containers) by default; the dev launcher and tests use 127.0.0.1. */
  host: string;
  authMode: 'dev' | 'entra';
  storageConnectionString: string;
  tablePrefix: string;
  /** Queue names are lower case; derived from the table prefix so one setting isolates a deployment. */
  queuePrefix: string;
  graph: {
    baseUrl: string;
    /** 'sandbox' sends a fixed dev token: only the local Graph sandbox accepts it. */
    credential:
      | { kind: 'sandbox' }
      | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
      | { kind: 'managedIdentity'; clientId?: string };
  };
  bot: { appId?: string; appPassword?: string; appTenantId?: string; appType: RawConfig['MicrosoftAppType'] };
  /** This process's share of Teams' per-app, per-tenant send rate (the messenger's pace). */
  connectorSendsPerSecond: number;
  sso: { clientId?: string; tenantId?: string };
  tabEndpoint?: string;
  /** App admins and programme owners by Entra object id (roles the directory does not hold). */
  adminUserIds: readonly string[];
  programmeOwnerIds: readonly string[];
  /** Where proactive messages go for people the bot has not heard from yet. */
  botServiceUrl: string;
  /** The Teams app id (manifest `id`): deep links to the dashboard need it; absent in the local Playground. */
  teamsAppId?: string;
  logLevel: RawConfig['LOG_LEVEL'];
  inProcessWorker: boolean;
  /** The practice coach: `basic` needs nothing; a model provider needs an endpoint, a model and a key or managed identity. */
  coach:
    | { provider: 'basic' }
    | {
      provider: 'azure-openai' | 'openai-compatible';
      endpoint: string;
      model: string;
      apiKey?: string;
      apiVersion: string;
      /** Azure only: an Entra token from the managed identity instead of a key (clientId names a user-assigned one). */
      managedIdentity: { clientId?: string } | null;
      timeoutInMs: number;
    };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError listing one line per missing/invalid variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`));
  }
  const raw = parsed.data;
  return {
    port: raw.PORT,
    host: raw.HOST,
    authMode: raw.AUTH_MODE,
    storageConnectionString: raw.STORAGE_CONNECTION_STRING,
    tablePrefix: raw.TABLE_PREFIX,
    queuePrefix: raw.TABLE_PREFIX.toLowerCase(),
    graph: { baseUrl: raw.GRAPH_BASE_URL.replace(/\/+$/, ''), credential: graphCredential(raw) },
    bot: { appId: raw.MicrosoftAppId, appPassword: raw.MicrosoftAppPassword, appTenantId: raw.MicrosoftAppTenantId, appType: raw.MicrosoftAppType },
    connectorSendsPerSecond: raw.CONNECTOR_SENDS_PER_SECOND,
    sso: { clientId: raw.AAD_APP_CLIENT_ID, tenantId: raw.AAD_APP_TENANT_ID },
    tabEndpoint: raw.TAB_ENDPOINT?.replace(/\/+$/, ''),
    teamsAppId: raw.TEAMS_APP_ID,
    adminUserIds: idList(raw.ADMIN_USER_IDS),
    programmeOwnerIds: idList(raw.PROGRAMME_OWNER_IDS),
    botServiceUrl: raw.BOT_SERVICE_URL,
    logLevel: raw.LOG_LEVEL,
    inProcessWorker: raw.IN_PROCESS_WORKER === 'true',
    coach: raw.COACH_PROVIDER === 'basic' || !raw.COACH_ENDPOINT || !raw.COACH_MODEL
      ? { provider: 'basic' }
      : {
        provider: raw.COACH_PROVIDER,
        endpoint: raw.COACH_ENDPOINT.replace(/\/+$/, ''),
        model: raw.COACH_MODEL,
        apiKey: raw.COACH_API_KEY,
        apiVersion: raw.COACH_API_VERSION,
        managedIdentity: raw.COACH_USE_MANAGED_IDENTITY === 'true' ? { clientId: raw.COACH_MANAGED_IDENTITY_CLIENT_ID } : null,
        timeoutInMs: raw.COACH_TIMEOUT_MS,
      },
  };
}

/** "a, b ,c" → ["a", "b", "c"], lower-cased like the ids the app compares them with. */
function idList(value: string): string[] {
  return value.split(/[\s,;]+/).map((id) => id.trim().toLowerCase()).filter(Boolean);
}

function graphCredential(raw: RawConfig): AppConfig['graph']['credential'] {
  if (raw.GRAPH_USE_MANAGED_IDENTITY === 'true') return { kind: 'managedIdentity', clientId: raw.GRAPH_CLIENT_ID };
  if (raw.GRAPH_CLIENT_ID && raw.GRAPH_CLIENT_SECRET) {
    return { kind: 'clientSecret', tenantId: raw.GRAPH_TENANT_ID ?? raw.MicrosoftAppTenantId ?? 'common', clientId: raw.GRAPH_CLIENT_ID, clientSecret: raw.GRAPH_CLIENT_SECRET };
  }
  return { kind: 'sandbox' };
}

/** For the entry points: the config, or one line per problem on stderr and exit code 1. */
export function loadConfigOrExit(env: Readonly<Record<string, string | undefined>>): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
