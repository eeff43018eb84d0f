// Lets the web app's system-assigned identity call the coach's Azure OpenAI deployment, with no key in any setting.
// A module of its own because the Azure OpenAI account already exists (it is not created by azure.bicep) and the
// grant is only wanted when the model coach is switched on; azure.bicep deploys this module conditionally.

@description('Name of the existing Azure OpenAI account (Microsoft.CognitiveServices/accounts) in this resource group.')
param openAiAccountName string

@description('Principal id of the identity that calls the model: the web app\'s system-assigned identity.')
param principalId string

// Built-in role "Cognitive Services OpenAI User": call deployments, no management rights.
var openAiUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource openAiAccount 'Microsoft.CognitiveServices/accounts@2023-05-01' existing = {
  name: openAiAccountName
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(openAiAccount.id, principalId, openAiUserRoleId)
  scope: openAiAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal' // skips the directory lookup that fails while a new identity replicates
  }
}
