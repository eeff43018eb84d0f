import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

// Structural checks of the deployment files. No Bicep compiler or toolkit can run on these machines
// (no Azure subscription or network here), so these tests hold the pieces together: what teamsapp.yml runs, the files it points at,
// the variables each step needs, and what the Bicep declares.

const ROOT = join(__dirname, '..', '..');
const read = (relativePath: string) => readFileSync(join(ROOT, relativePath), 'utf8');
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const placeholdersIn = (text: string) => new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''));

const action = z.object({
  uses: z.string(),
  name: z.string().optional(),
  with: z.record(z.unknown()).optional(),
  writeToEnvironmentFile: z.record(z.string()).optional(),
});
type Action = z.infer<typeof action>;
const projectFile = z.object({
  version: z.string(),
  environmentFolderPath: z.string(),
  provision: z.array(action),
  deploy: z.array(action),
  publish: z.array(action).optional(),
});
const armTemplates = z.array(z.object({ path: z.string(), parameters: z.string().optional(), deploymentName: z.string() }));

const project = projectFile.parse(parseYaml(read('teamsapp.yml')));
const bicep = read('infra/azure.bicep');
const parametersFile = z.object({ parameters: z.record(z.object({ value: z.unknown() })) }).parse(JSON.parse(read('infra/azure.parameters.json')));

function parseEnv(text: string): Map<string, string> {
  const entries = text.split(/\r?\n/)
    .map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match): [string, string] => [match[1] ?? '', match[2] ?? '']);
  return new Map(entries);
}
const ENV_FILES = ['env/.env.local', 'env/.env.dev'] as const;
const devEnv = parseEnv(read('env/.env.dev'));

const bicepOutputs = new Set([...bicep.matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((match) => match[1] ?? ''));
const bicepResourceTypes = new Set([...bicep.matchAll(/^resource\s+\w+\s+'([^@']+)@[^']+'/gm)].map((match) => match[1] ?? ''));
const bicepParams = [...bicep.matchAll(/^((?:@[^\n]*\n)*)param\s+(\w+)\s+(\w+)(\s*=)?/gm)].map((match) => ({
  decorators: match[1] ?? '',
  name: match[2] ?? '',
  hasDefault: match[4] !== undefined,
}));

/** Variables an action makes itself before it reads its inputs. */
function variablesGeneratedBy(step: Action): string[] {
  // aadApp/update creates the access_as_user scope id when the Entra manifest uses it and it is still unset.
  return step.uses === 'aadApp/update' ? ['AAD_APP_ACCESS_AS_USER_PERMISSION_ID'] : [];
}

/** Variables an action writes to env/.env.<env>: its writeToEnvironmentFile, or for arm/deploy the Bicep outputs. */
function variablesWrittenBy(step: Action): string[] {
  const written = [...Object.values(step.writeToEnvironmentFile ?? {}), ...variablesGeneratedBy(step)];
  if (step.uses === 'arm/deploy') written.push(...bicepOutputs);
  return written;
}

const actionInputs = z.object({
  manifestPath: z.string().optional(),
  ignoreFile: z.string().optional(),
  templates: armTemplates.optional(),
}).passthrough();

/** Repository files an action reads (inputs only; zip and manifest outputs are made by the action). */
function filesReadBy(step: Action): string[] {
  const input = actionInputs.parse(step.with ?? {});
  const templateFiles = (input.templates ?? []).flatMap((template) => [template.path, template.parameters ?? []].flat());
  return [input.manifestPath, input.ignoreFile, ...templateFiles].filter((path): path is string => path !== undefined);
}

/** Files whose ${{VAR}} placeholders the toolkit fills for an action: manifests and ARM parameter files, not Bicep. */
function filesFilledBy(step: Action): string[] {
  const input = actionInputs.parse(step.with ?? {});
  const parameterFiles = (input.templates ?? []).map((template) => template.parameters).filter((path): path is string => path !== undefined);
  return [input.manifestPath, ...parameterFiles].filter((path): path is string => path !== undefined);
}

const producedByProject = new Set([...project.provision, ...project.deploy, ...(project.publish ?? [])].flatMap(variablesWrittenBy));

describe('teamsapp.yml', () => {
  it('is a toolkit project file with provision and deploy', () => {
    expect(project.version).toMatch(/^v1\.\d+$/);
    expect(project.environmentFolderPath).toBe('./env');
    expect(project.provision.map((step) => step.uses)).toEqual(expect.arrayContaining([
      'aadApp/create', 'aadApp/update', 'teamsApp/create', 'arm/deploy',
      'teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/validateAppPackage', 'teamsApp/update',
    ]));
    expect(project.deploy.map((step) => step.uses)).toEqual(['cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy']);
  });

  it('references only files that exist', () => {
    const referenced = [...project.provision, ...project.deploy, ...(project.publish ?? [])].flatMap(filesReadBy);
    expect(referenced).toEqual(expect.arrayContaining(['./appPackage/manifest.json', './aad.manifest.json', './infra/azure.bicep', './infra/azure.parameters.json']));
    for (const path of referenced) expect({ path, exists: existsSync(join(ROOT, path)) }).toEqual({ path, exists: true });
  });

  it('deploys to the web app the Bicep creates', () => {
    const zipDeploy = project.deploy.find((step) => step.uses === 'azureAppService/zipDeploy');
    expect(zipDeploy?.with?.resourceId).toBe('${{AZURE_APP_SERVICE_RESOURCE_ID}}');
    expect(bicepOutputs).toContain('AZURE_APP_SERVICE_RESOURCE_ID');
  });

  it('has every variable a provision step needs by the time that step runs', () => {
    // Available up front: values set in env/.env.dev, plus the two Azure targets the toolkit asks for when empty
    // and the suffixes that may stay empty.
    const available = new Set([...devEnv].filter(([, value]) => value !== '').map(([name]) => name));
    for (const name of ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'APP_NAME_SUFFIX', 'RESOURCE_SUFFIX']) available.add(name);
    const lateOrMissing: string[] = [];
    for (const step of project.provision) {
      const texts = [JSON.stringify(step.with ?? {}), ...filesFilledBy(step).map((path) => read(path))];
      const needed = new Set(texts.flatMap((text) => [...placeholdersIn(text)]));
      const ownVariables = new Set(variablesGeneratedBy(step));
      for (const name of needed) if (!available.has(name) && !ownVariables.has(name)) lateOrMissing.push(`${step.uses} needs ${name}`);
      for (const name of variablesWrittenBy(step)) available.add(name);
    }
    expect(lateOrMissing).toEqual([]);
  });

  it('produces or defines every ${{VAR}} the Teams manifest uses', () => {
    const unknown = [...placeholdersIn(read('appPackage/manifest.json'))].filter((name) => !producedByProject.has(name) && !devEnv.has(name));
    expect(unknown).toEqual([]);
  });

  it('keeps the Entra app secret out of env/.env.<env> (toolkit SECRET_ naming)', () => {
    const aadCreate = project.provision.find((step) => step.uses === 'aadApp/create');
    expect(aadCreate?.writeToEnvironmentFile?.clientSecret).toMatch(/^SECRET_/);
  });
});

describe('aad.manifest.json', () => {
  const aad = z.object({
    identifierUris: z.array(z.string()),
    api: z.object({
      requestedAccessTokenVersion: z.number(),
      oauth2PermissionScopes: z.array(z.object({ value: z.string(), id: z.string() })),
      preAuthorizedApplications: z.array(z.object({ appId: z.string(), delegatedPermissionIds: z.array(z.string()) })),
    }),
    requiredResourceAccess: z.array(z.object({ resourceAppId: z.string(), resourceAccess: z.array(z.object({ id: z.string(), type: z.string() })) })),
  }).parse(JSON.parse(read('aad.manifest.json')));

  it('exposes access_as_user at api://<tab domain>/<client id>, pre-authorised for the Teams clients', () => {
    expect(aad.identifierUris).toEqual(['api://${{TAB_DOMAIN}}/${{AAD_APP_CLIENT_ID}}']);
    expect(aad.api.requestedAccessTokenVersion).toBe(2);
    const scope = aad.api.oauth2PermissionScopes.find((candidate) => candidate.value === 'access_as_user');
    expect(scope?.id).toBe('${{AAD_APP_ACCESS_AS_USER_PERMISSION_ID}}');
    expect(aad.api.preAuthorizedApplications).toEqual([
      { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', delegatedPermissionIds: [scope?.id] }, // Teams desktop and mobile
      { appId: '5e3ce6c0-2b1f-4285-8d4b-75ee78787346', delegatedPermissionIds: [scope?.id] }, // Teams web
    ]);
  });

  it('requests the Graph application permissions the adapters use', () => {
    const graph = aad.requiredResourceAccess.find((resource) => resource.resourceAppId === 'Microsoft Graph');
    const roles = (graph?.resourceAccess ?? []).filter((access) => access.type === 'Role').map((access) => access.id);
    expect(roles.sort()).toEqual([
      'Calendars.ReadWrite', 'MailboxSettings.Read', 'OnlineMeetings.Read.All', 'TeamsActivity.Send',
      'TeamsAppInstallation.ReadWriteAndConsentForChat.All', 'TeamsAppInstallation.ReadWriteForUser.All',
      'TeamsTab.ReadWriteForChat.All', 'User.Read.All',
    ]);
  });
});

describe('infra/azure.bicep', () => {
  it('starts the service as npm run start:prod does, heap cap included (the bench runs that command)', () => {
    const startProd = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start:prod'];
    expect(startProd).toMatch(/--max-old-space-size=\d+/);
    expect(/param startupCommand string = '([^']*)'/.exec(bicep)?.[1]).toBe(startProd);
    expect(parametersFile.parameters.startupCommand?.value).toBe(startProd);
  });

  it('declares the plan, web app, storage, identities, role assignments and the Teams bot', () => {
    for (const type of [
      'Microsoft.Web/serverfarms', 'Microsoft.Web/sites', 'Microsoft.Web/sites/config',
      'Microsoft.Storage/storageAccounts', 'Microsoft.Storage/storageAccounts/tableServices', 'Microsoft.Storage/storageAccounts/queueServices',
      'Microsoft.ManagedIdentity/userAssignedIdentities', 'Microsoft.Authorization/roleAssignments',
      'Microsoft.BotService/botServices', 'Microsoft.BotService/botServices/channels',
    ]) expect(bicepResourceTypes).toContain(type);
  });

  it('has a param for every key in azure.parameters.json, and every required param is given a value', () => {
    const declared = bicepParams.map((param) => param.name);
    expect(declared).toEqual(expect.arrayContaining(Object.keys(parametersFile.parameters)));
    const required = bicepParams.filter((param) => !param.hasDefault).map((param) => param.name);
    expect(Object.keys(parametersFile.parameters)).toEqual(expect.arrayContaining(required));
  });

  it('marks secret parameters @secure() and fills them from SECRET_ variables only', () => {
    const secretParams = bicepParams.filter((param) => /secret|password/i.test(param.name));
    expect(secretParams.length).toBeGreaterThan(0);
    for (const param of secretParams) {
      expect({ param: param.name, secure: param.decorators.includes('@secure()') }).toEqual({ param: param.name, secure: true });
      expect(JSON.stringify(parametersFile.parameters[param.name]?.value)).toMatch(/^"\$\{\{SECRET_[A-Z0-9_]+\}\}"$/);
    }
  });

  it('runs Node 20 LTS on Linux, always on, HTTPS only, with a system-assigned identity and Entra auth', () => {
    expect(bicep).toMatch(/linuxFxVersion:\s*'NODE\|20-lts'/);
    expect(bicep).toMatch(/reserved:\s*true/);
    expect(bicep).toMatch(/alwaysOn:\s*true/);
    expect(bicep).toMatch(/httpsOnly:\s*true/);
    expect(bicep).toMatch(/type:\s*'SystemAssigned, UserAssigned'/);
    expect(bicep).toMatch(/AUTH_MODE:\s*'entra'/);
  });

  it('sets an app setting for every variable the service reads', () => {
    const settings = /resource webAppSettings[\s\S]*?\n}\n/.exec(bicep)?.[0] ?? '';
    for (const name of [
      'PORT', 'AUTH_MODE', 'STORAGE_CONNECTION_STRING', 'TABLE_PREFIX', 'GRAPH_BASE_URL',
      'MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppTenantId', 'MicrosoftAppType',
      'AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID', 'TAB_ENDPOINT', 'TEAMS_APP_ID',
    ]) expect(settings).toMatch(new RegExp(`^\\s+${name}:`, 'm'));
    expect(settings).not.toMatch(/AccountKey|listKeys/);
  });

  it('locks the storage account down and grants the web app data roles by their built-in ids', () => {
    expect(bicep).toMatch(/minimumTlsVersion:\s*'TLS1_2'/);
    expect(bicep).toMatch(/allowBlobPublicAccess:\s*false/);
    expect(bicep).toContain("'0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'"); // Storage Table Data Contributor
    expect(bicep).toContain("'974c5e8b-45b9-4653-ba55-5f855dd0fb88'"); // Storage Queue Data Contributor
    const storageGrants = [...bicep.matchAll(/^resource\s+\w+\s+'Microsoft\.Authorization\/roleAssignments@[^']+'\s*=\s*\{([\s\S]*?)\n\}/gm)].map((match) => match[1] ?? '');
    expect(storageGrants).toHaveLength(2);
    for (const grant of storageGrants) {
      expect(grant).toMatch(/scope:\s*storage\b/);
      expect(grant).toMatch(/principalId:\s*webApp\.identity\.principalId/);
    }
  });

  it('grants the model coach\'s role only with azure-openai and a named account, to the web app\'s identity', () => {
    const coachRole = read('infra/coachRole.bicep');
    expect(coachRole).toContain("'5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'"); // Cognitive Services OpenAI User
    expect(coachRole).toMatch(/resource\s+openAiAccount\s+'Microsoft\.CognitiveServices\/accounts@[^']+'\s+existing/);
    expect(coachRole).toMatch(/scope:\s*openAiAccount/);
    const module = /module\s+\w+\s+'coachRole\.bicep'\s*=\s*if\s*\(([^)]*\))\)\s*\{([\s\S]*?)\n\}/.exec(bicep);
    expect(module?.[1]).toMatch(/coachProvider\s*==\s*'azure-openai'/);
    expect(module?.[1]).toMatch(/!empty\(coachOpenAiAccountName\)/);
    expect(module?.[2]).toMatch(/principalId:\s*webApp\.identity\.principalId/);
  });

  it('points the bot at /api/messages on the web app, with the Teams channel', () => {
    expect(bicep).toMatch(/endpoint:\s*'https:\/\/\$\{webApp\.properties\.defaultHostName\}\/api\/messages'/);
    expect(bicep).toMatch(/msaAppType:\s*'(SingleTenant|UserAssignedMSI)'/);
    expect(bicep).toMatch(/name:\s*'MsTeamsChannel'/);
  });

  it('outputs what the toolkit and the manifest read', () => {
    for (const name of ['TAB_ENDPOINT', 'TAB_DOMAIN', 'BOT_DOMAIN', 'BOT_ID', 'AZURE_APP_SERVICE_RESOURCE_ID', 'STORAGE_ACCOUNT_RESOURCE_ID', 'BOT_SERVICE_RESOURCE_ID']) {
      expect(bicepOutputs).toContain(name);
    }
  });

  it('keeps Bicep interpolation out of strings meant for the toolkit', () => {
    // `${{X}}` inside a Bicep string would be parsed as an interpolation; placeholders belong in the parameters file.
    const codeLines = bicep.split('\n').filter((line) => !line.trim().startsWith('//'));
    expect(codeLines.filter((line) => line.includes('${{'))).toEqual([]);
  });
});

describe('env files', () => {
  const RUNTIME_VARIABLES = [
    'PORT', 'AUTH_MODE', 'STORAGE_CONNECTION_STRING', 'TABLE_PREFIX', 'GRAPH_BASE_URL',
    'MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppTenantId', 'MicrosoftAppType',
    'AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID', 'TAB_ENDPOINT',
  ];
  const TOOLKIT_VARIABLES = ['TEAMS_APP_ID', 'BOT_ID', 'TAB_DOMAIN', 'APP_NAME_SUFFIX', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'RESOURCE_SUFFIX'];

  it.each(ENV_FILES)('%s documents every variable the service and the toolkit use', (path) => {
    const text = read(path);
    for (const name of [...RUNTIME_VARIABLES, ...TOOLKIT_VARIABLES]) expect({ name, mentioned: new RegExp(`\\b${name}\\b`).test(text) }).toEqual({ name, mentioned: true });
  });

  it.each(ENV_FILES)('%s holds no secret-looking values', (path) => {
    const text = read(path);
    expect(text).not.toMatch(/AccountKey=|SharedAccessSignature=|sig=/i);
    const suspicious = [...parseEnv(text)]
      .filter(([name, value]) => value !== '' && (/secret|password|pwd|token|key$/i.test(name) || /[A-Za-z0-9+/]{40,}={0,2}/.test(value)))
      .map(([name]) => name);
    expect(suspicious).toEqual([]);
  });

  it('leaves local storage to the dev launcher and signs in with the dev picker', () => {
    const local = parseEnv(read('env/.env.local'));
    expect(local.get('STORAGE_CONNECTION_STRING')).toBe('');
    expect(local.get('AUTH_MODE')).toBe('dev');
    expect(local.get('PORT')).toBe('3978');
  });

  it('keeps secrets in git-ignored env/.env.*.user files', () => {
    expect(read('.gitignore').split(/\r?\n/)).toContain('env/.env.*.user');
  });
});
