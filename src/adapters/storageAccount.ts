import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

/**
 * How the service reaches Azure Storage, read from STORAGE_CONNECTION_STRING:
 * - with `AccountKey=` or `SharedAccessSignature=` (Azurite, or a key-based account): the SDK's own parser;
 * - with only endpoints (`TableEndpoint=…;QueueEndpoint=…;` or `AccountName=…`), as infra/azure.bicep
 *   sets it: Entra ID sign-in with the App Service managed identity (DefaultAzureCredential), no key at all.
 */
export type StorageAccess =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'entra'; readonly tableEndpoint: string; readonly queueEndpoint: string; readonly credential: TokenCredential };

function fieldsOf(connectionString: string): Map<string, string> {
  return new Map(connectionString.split(';').filter((part) => part.includes('=')).map((part) => {
    const at = part.indexOf('=');
    return [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()] as const;
  }));
}

let sharedCredential: TokenCredential | undefined;

export function storageAccessFor(connectionString: string): StorageAccess {
  const fields = fieldsOf(connectionString);
  if (fields.has('accountkey') || fields.has('sharedaccesssignature') || fields.has('usedevelopmentstorage')) {
    return { kind: 'connectionString', connectionString };
  }
  const account = fields.get('accountname');
  const suffix = fields.get('endpointsuffix') ?? 'core.windows.net';
  const tableEndpoint = fields.get('tableendpoint') ?? (account ? `https://${account}.table.${suffix}` : undefined);
  const queueEndpoint = fields.get('queueendpoint') ?? (account ? `https://${account}.queue.${suffix}` : undefined);
  if (!tableEndpoint || !queueEndpoint) {
    throw new Error('STORAGE_CONNECTION_STRING has no key and does not name both a TableEndpoint and a QueueEndpoint (or an AccountName)');
  }
  sharedCredential ??= new DefaultAzureCredential();
  return { kind: 'entra', tableEndpoint: tableEndpoint.replace(/\/+$/, ''), queueEndpoint: queueEndpoint.replace(/\/+$/, ''), credential: sharedCredential };
}
