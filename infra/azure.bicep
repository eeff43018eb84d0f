// Practice Loop: Azure resources for one environment (deployed by teamsapp.yml → arm/deploy).
//
//   App Service plan (Linux) ── Web App (Node 20 LTS): bot endpoint /api/messages, REST API /api/*, tabs /tab/*
//                                 ├─ system-assigned identity → Storage (Table + Queue Data Contributor)
//                                 └─ user-assigned identity   → the bot's Microsoft App ID (no bot password)
//   Storage account: Azure Tables + Queues, keyless (Entra auth only), TLS 1.2, no public blob access
//   Azure Bot (global) with the Microsoft Teams channel, messaging endpoint https://<web app>/api/messages
//
// Written to compile with the Bicep CLI the toolkit downloads (v0.9.1): no user-defined types, no `.?`/`??`.
// Every output is written by the toolkit to env/.env.<env> under the output's name.

@minLength(4)
@maxLength(20)
@description('Base of every resource name: "practiceloop" plus RESOURCE_SUFFIX (see azure.parameters.json). Letters, digits and hyphens.')
param resourceBaseName string

@description('Azure region for the plan, web app, identity and storage. The bot itself is always global.')
param location string = resourceGroup().location

@description('App Service plan SKU. B1 or above: Always On is not available on the Free tier.')
param webAppSku string = 'B1'

@maxLength(42)
@description('Display name of the Azure Bot.')
param botDisplayName string = 'Practice Loop'

@allowed([
  'F0'
  'S1'
])
@description('Azure Bot pricing tier. Teams messages are free on both; S1 lifts the premium-channel message cap.')
param botServiceSku string = 'F0'

@description('Client id of the Entra app for tab SSO and app-only Microsoft Graph (AAD_APP_CLIENT_ID).')
param aadAppClientId string

@description('Tenant id of that Entra app (AAD_APP_TENANT_ID).')
param aadAppTenantId string

@secure()
@description('Client secret of that Entra app, used for Microsoft Graph (SECRET_AAD_APP_CLIENT_SECRET, from env/.env.<env>.user).')
param aadAppClientSecret string

@description('The Teams app id (TEAMS_APP_ID): the service builds deep links to its Dashboard tab with it.')
param teamsAppId string

@description('Prefix of every table and queue name (TABLE_PREFIX).')
param tablePrefix string = 'practiceloop'

@description('Base URL of Microsoft Graph (GRAPH_BASE_URL); differs only in sovereign clouds.')
param graphBaseUrl string = 'https://graph.microsoft.com'

@description('The practice coach (COACH_PROVIDER): basic (rules, no model), or azure-openai with the web app\'s managed identity.')
@allowed([ 'basic', 'azure-openai' ])
param coachProvider string = 'basic'

@description('Azure OpenAI endpoint, https://<resource>.openai.azure.com (COACH_ENDPOINT); needed with azure-openai.')
param coachEndpoint string = ''

@description('Name of the Azure OpenAI account behind coachEndpoint, when it is in this resource group: the template grants the web app\'s identity "Cognitive Services OpenAI User" on it. Leave empty to grant the role yourself (an account in another resource group).')
param coachOpenAiAccountName string = ''

@description('The Azure OpenAI deployment name (COACH_MODEL); needed with azure-openai.')
param coachModel string = ''

@description('Command App Service runs to start the service: the compiled server, not the local dev launcher. The V8 heap is capped at 256 MB, the size the 10,000-person kickoff bench ran in: without a cap V8 collects lazily and the resident size grows past 400 MB.')
param startupCommand string = 'node --max-old-space-size=256 dist/src/server.js'

// Global names (web app host name, storage account) must be unique across Azure: a short hash of the
// resource group keeps them unique and stable across re-deployments.
var uniqueSuffix = take(uniqueString(resourceGroup().id, resourceBaseName), 6)
var planName = '${resourceBaseName}-plan'
var webAppName = '${resourceBaseName}-${uniqueSuffix}'
var botIdentityName = '${resourceBaseName}-bot-identity'
var botServiceName = '${resourceBaseName}-bot-${uniqueSuffix}'
// Storage account names: 3–24 lower-case letters and digits only.
var storageAccountName = take('${toLower(replace(resourceBaseName, '-', ''))}${uniqueString(resourceGroup().id)}', 24)

// Built-in role definitions (ids are the same in every tenant):
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'

resource storage 'Microsoft.Storage/storageAccounts@2022-09-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Keyless: the service signs in with its managed identity, so no account key exists in any setting.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2022-09-01' = {
  parent: storage
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2022-09-01' = {
  parent: storage
  name: 'default'
}

// The bot's identity. A managed identity has no secret to store or rotate; botbuilder signs the bot's
// replies with it when MicrosoftAppType=UserAssignedMSI.
resource botIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: botIdentityName
  location: location
}

resource plan 'Microsoft.Web/serverfarms@2022-03-01' = {
  name: planName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // required for a Linux plan
  }
}

resource webApp 'Microsoft.Web/sites@2022-03-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    // System-assigned: storage access. User-assigned: the bot's identity (see botIdentity).
    type: 'SystemAssigned, UserAssigned'
    userAssignedIdentities: {
      '${botIdentity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false // stateless service: any instance can serve any request
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: startupCommand
      alwaysOn: true // the bot and the in-process queue workers must not be unloaded when idle
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
    }
  }
}

// App settings live in their own resource because TAB_ENDPOINT needs the web app's host name, which a
// resource cannot read from itself while it is being created.
resource webAppSettings 'Microsoft.Web/sites/config@2022-03-01' = {
  parent: webApp
  name: 'appsettings'
  properties: {
    // App Service's Node image forwards HTTPS traffic to port 8080 and sets PORT to it; stated here so the
    // service never falls back to its local default (3978).
    PORT: '8080'
    WEBSITES_PORT: '8080'
    NODE_ENV: 'production'
    WEBSITE_RUN_FROM_PACKAGE: '1' // run the zip deployed by azureAppService/zipDeploy as is
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false' // the toolkit builds before deploying
    AUTH_MODE: 'entra'
    // Endpoints only, no key: the storage adapters authenticate with the system-assigned managed identity.
    STORAGE_CONNECTION_STRING: 'TableEndpoint=${storage.properties.primaryEndpoints.table};QueueEndpoint=${storage.properties.primaryEndpoints.queue};'
    TABLE_PREFIX: tablePrefix
    GRAPH_BASE_URL: graphBaseUrl
    // The coach reaches Azure OpenAI with the web app's managed identity (no key in settings); basic needs nothing.
    COACH_PROVIDER: coachProvider
    COACH_ENDPOINT: coachEndpoint
    COACH_MODEL: coachModel
    COACH_USE_MANAGED_IDENTITY: coachProvider == 'azure-openai' ? 'true' : 'false'
    // App-only Graph calls run as the Entra app in webApplicationInfo: RSC grants and activity-feed
    // notifications are tied to that app id.
    GRAPH_CLIENT_ID: aadAppClientId
    GRAPH_CLIENT_SECRET: aadAppClientSecret
    GRAPH_TENANT_ID: aadAppTenantId
    GRAPH_USE_MANAGED_IDENTITY: 'false'
    MicrosoftAppId: botIdentity.properties.clientId
    MicrosoftAppPassword: ''
    MicrosoftAppTenantId: botIdentity.properties.tenantId
    MicrosoftAppType: 'UserAssignedMSI'
    AAD_APP_CLIENT_ID: aadAppClientId
    AAD_APP_TENANT_ID: aadAppTenantId
    TAB_ENDPOINT: 'https://${webApp.properties.defaultHostName}'
    TEAMS_APP_ID: teamsAppId
    LOG_LEVEL: 'info'
    IN_PROCESS_WORKER: 'true'
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, webApp.id, storageTableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal' // skips the directory lookup that fails while a new identity replicates
  }
}

resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, webApp.id, storageQueueDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributorRoleId)
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// The model coach calls Azure OpenAI as the web app's system-assigned identity; the grant lives in its own module.
module coachOpenAiRole 'coachRole.bicep' = if (coachProvider == 'azure-openai' && !empty(coachOpenAiAccountName)) {
  name: '${resourceBaseName}-coach-role'
  params: {
    openAiAccountName: coachOpenAiAccountName
    principalId: webApp.identity.principalId
  }
}

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botIdentity.properties.clientId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: botIdentity.id
    msaAppTenantId: botIdentity.properties.tenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      acceptedTerms: true
    }
  }
}

// Read by the toolkit into env/.env.<env>; the manifest's ${{TAB_ENDPOINT}}, ${{TAB_DOMAIN}} and ${{BOT_ID}} come from here.
output TAB_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output TAB_DOMAIN string = webApp.properties.defaultHostName
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ID string = botIdentity.properties.clientId
output BOT_TENANT_ID string = botIdentity.properties.tenantId
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output STORAGE_ACCOUNT_RESOURCE_ID string = storage.id
output BOT_SERVICE_RESOURCE_ID string = botService.id
output BOT_IDENTITY_RESOURCE_ID string = botIdentity.id
