import { createGraphAppInstaller } from './adapters/graph/appInstaller';
import { createGraphClient } from './adapters/graph/client';
import { createGraphDirectory } from './adapters/graph/directory';
import { createStorageJobQueue, type StorageJobQueue } from './adapters/queues/storageJobQueue';
import { EntityTable } from './adapters/tables/entityTable';
import { createTableRepositories } from './adapters/tables/repositories';
import { createSensitiveDataScanner } from './adapters/scanning/sensitiveDataScanner';
import type { ScheduleStore } from './ports/schedule';
import { createGraphCalendar } from './adapters/graph/calendar';
import type { HealthProbe } from './api/health';
import { createBot, type Bot } from './bot/bot';
import type { AppConfig } from './config';
import { bookingQueueName, jobQueueName, outboxQueueName } from './jobs/handlers';
import type { Logger } from './logging';
import type { AppInstaller } from './ports/appInstaller';
import { DeliveryError } from './ports/chatMessenger';
import { systemClock, type Clock, type DemoClockStore } from './ports/clock';
import type { BotDependencies } from './bot/dependencies';
import type { CallerFactory, UseCasePorts } from './usecases/ports';
import { createBasicCoach } from './usecases/basicCoach';
import { createModelCoach } from './bot/coach/modelCoach';
import { createChatPlanner } from './bot/coach/chatPlanner';
import type { ModelSettings } from './bot/coach/openAIModel';
import { createCognitiveServicesTokenProvider } from './adapters/identity/cognitiveServicesToken';
import type { Coach } from './ports/coach';

/**
 * The one place that wires adapters to ports (use cases see only the ports), shared by the service (src/server.ts) and the
 * stand-alone worker (src/worker.ts), so both run the same code against the same storage and Graph.
 */
export interface Wiring {
  readonly ports: UseCasePorts & { readonly jobs: StorageJobQueue; readonly bookingJobs: StorageJobQueue; readonly outboxChecks: StorageJobQueue };
  readonly bot: Bot;
  readonly probes: readonly HealthProbe[];
  readonly callerFor: CallerFactory;
  readonly botDependencies: BotDependencies;
  readonly schedule: ScheduleStore;
  /** The demo clock's saved offset (used only when AUTH_MODE=dev). */
  readonly demoClockStore: DemoClockStore;
}

export interface WireOptions {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Bot Framework signing-key metadata (tests serve their own keys; production uses botbuilder's default). */
  readonly botOpenIdMetadataUrl?: string;
}

/** Where the storage connection string points, without its key: "http://127.0.0.1:10002/devstoreaccount1". */
export function describeStorage(connectionString: string): string {
  const fields = new Map(connectionString.split(';').filter(Boolean).map((part) => {
    const at = part.indexOf('=');
    return [part.slice(0, at).toLowerCase(), part.slice(at + 1)] as const;
  }));
  return fields.get('tableendpoint') ?? `https://${fields.get('accountname') ?? '?'}.table.core.windows.net`;
}

/** In Teams: a deep link to the personal tab. Locally (AUTH_MODE=dev; the Playground cannot open Teams links): the tab's own page. */
export function dashboardUrlOf(config: Pick<AppConfig, 'teamsAppId' | 'tabEndpoint' | 'authMode'>): string {
  if (config.teamsAppId && config.authMode !== 'dev') return `https://teams.microsoft.com/l/entity/${encodeURIComponent(config.teamsAppId)}/dashboard`;
  return config.tabEndpoint ? `${config.tabEndpoint}/tab/` : '';
}

/** Roles the directory does not hold come from configuration (Entra has no such groups for this app): app admins and programme owners. */
export function callerFactory(config: Pick<AppConfig, 'adminUserIds' | 'programmeOwnerIds'>): CallerFactory {
  return (identity) => {
    const isAdmin = config.adminUserIds.includes(identity.userId);
    return { ...identity, isAdmin, mayCreateRounds: isAdmin || config.programmeOwnerIds.includes(identity.userId) };
  };
}

/** Without a Teams app id the app cannot be installed for anyone; such a person's kickoff fails with this reason. */
const APP_ID_MISSING = 'This person has not opened Practice Loop yet, and TEAMS_APP_ID is not set, so the app cannot be installed for them.';
const appIdMissingInstaller: AppInstaller = {
  async ensureInstalledFor() {
    throw new DeliveryError(APP_ID_MISSING, false);
  },
  async ensureInstalledForMany(userIds) {
    return new Map(userIds.map((userId) => [userId, { ok: false, error: new DeliveryError(APP_ID_MISSING, false) }]));
  },
};

/** The configured model's settings (Azure OpenAI with a key or managed identity, or OpenAI-compatible); null for the basic coach. */
function modelSettingsOf(config: AppConfig): ModelSettings | null {
  const settings = config.coach;
  if (settings.provider === 'basic') return null;
  return {
    provider: settings.provider,
    endpoint: settings.endpoint,
    model: settings.model,
    apiKey: settings.apiKey,
    apiVersion: settings.apiVersion,
    azureADTokenProvider: settings.provider === 'azure-openai' && settings.managedIdentity ? createCognitiveServicesTokenProvider(settings.managedIdentity.clientId) : undefined,
    timeoutInMs: settings.timeoutInMs,
  };
}

/** The basic coach, or the configured model with the basic coach as its fallback. */
function coachOf(model: ModelSettings | null, logger: Logger): Coach {
  if (!model) return createBasicCoach({ log: (line) => logger.info({ coach: line }, 'coach call') });
  return createModelCoach({ ...model, fallback: createBasicCoach(), logger });
}

export function wireApplication(config: AppConfig, options: WireOptions): Wiring {
  const { logger, clock } = options;
  const model = modelSettingsOf(config);
  const table = (name: string, label: string) => EntityTable.fromConnectionString(config.storageConnectionString, `${config.tablePrefix}${name}`, label);
  const { schedule, demoClockStore, ...repositories } = createTableRepositories(table);
  const { members } = repositories;
  const graph = createGraphClient({ baseUrl: config.graph.baseUrl, credential: config.graph.credential });
  const directory = createGraphDirectory(graph);

  // The messenger lives on the bot's adapter, and the bot's handlers need the ports: a late-bound reference breaks the cycle.
  let bot: Bot | undefined;
  const ports: Wiring['ports'] = {
    clock,
    ...repositories,
    directory,
    jobs: createStorageJobQueue({ connectionString: config.storageConnectionString, queueName: jobQueueName(config.queuePrefix) }),
    bookingJobs: createStorageJobQueue({ connectionString: config.storageConnectionString, queueName: bookingQueueName(config.queuePrefix) }),
    outboxChecks: createStorageJobQueue({ connectionString: config.storageConnectionString, queueName: outboxQueueName(config.queuePrefix) }),
    calendar: createGraphCalendar(graph),
    sensitiveData: createSensitiveDataScanner(),
    coach: coachOf(model, logger),
    teamsAppId: config.teamsAppId ?? null,
    messenger: {
      sendCard: (conversation, card, sendOptions) => {
        if (!bot) throw new Error('the bot is not ready');
        return bot.messenger.sendCard(conversation, card, sendOptions);
      },
    },
    installer: config.teamsAppId ? createGraphAppInstaller(graph, { teamsAppId: config.teamsAppId }) : appIdMissingInstaller,
    botServiceUrl: config.botServiceUrl,
    botId: config.bot.appId ? `28:${config.bot.appId}` : '',
  };
  const callerFor = callerFactory(config);
  const deps: BotDependencies = { members, clock, logger, directory, dashboardUrl: dashboardUrlOf(config), ports, callerFor, chat: model ? createChatPlanner({ ...model, logger }) : null };
  bot = createBot({ ...config.bot, openIdMetadataUrl: options.botOpenIdMetadataUrl }, deps, { allowLoopbackHttp: config.authMode === 'dev', messenger: { requestsPerSecond: config.connectorSendsPerSecond } });
  const probes: HealthProbe[] = [
    { name: 'storage', describe: `STORAGE_CONNECTION_STRING → ${describeStorage(config.storageConnectionString)}`, probe: (o) => members.probe(o) },
    { name: 'graph', describe: `GRAPH_BASE_URL → ${config.graph.baseUrl}`, probe: (o) => directory.probe(o) },
  ];
  return { ports, bot, probes, callerFor, botDependencies: deps, schedule, demoClockStore };
}

/** The bot's dependencies as the service wires them (tests that build their own bot use this). */
export function botDependenciesOf(config: AppConfig, logger: Logger): BotDependencies {
  return wireApplication(config, { logger, clock: systemClock }).botDependencies;
}

export async function ensureQueues(ports: Wiring['ports']): Promise<void> {
  await Promise.all([ports.jobs.ensureCreated(), ports.bookingJobs.ensureCreated(), ports.outboxChecks.ensureCreated()]);
}
