import { getBearerTokenProvider, ManagedIdentityCredential } from '@azure/identity';

/**
 * An Entra token for Azure OpenAI from the App Service's managed identity (system-assigned, or the
 * user-assigned one `clientId` names), so no model key has to be stored. The identity needs the
 * "Cognitive Services OpenAI User" role on the resource.
 */
export function createCognitiveServicesTokenProvider(clientId?: string): () => Promise<string> {
  const credential = clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  return getBearerTokenProvider(credential, 'https://cognitiveservices.azure.com/.default');
}
