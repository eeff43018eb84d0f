import { storageAccessFor } from '../../src/adapters/storageAccount';

describe('storageAccessFor', () => {
  it('uses the connection string as is when it carries a key (Azurite)', () => {
    const cs = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';
    expect(storageAccessFor(cs)).toEqual({ kind: 'connectionString', connectionString: cs });
  });

  it('signs in with Entra ID when the string only names endpoints (the Bicep deployment)', () => {
    const access = storageAccessFor('TableEndpoint=https://plstore.table.core.windows.net/;QueueEndpoint=https://plstore.queue.core.windows.net/;');
    expect(access).toMatchObject({ kind: 'entra', tableEndpoint: 'https://plstore.table.core.windows.net', queueEndpoint: 'https://plstore.queue.core.windows.net' });
  });

  it('derives the endpoints from an account name', () => {
    expect(storageAccessFor('AccountName=plstore')).toMatchObject({ kind: 'entra', tableEndpoint: 'https://plstore.table.core.windows.net', queueEndpoint: 'https://plstore.queue.core.windows.net' });
  });

  it('says what is missing otherwise', () => {
    expect(() => storageAccessFor('TableEndpoint=https://x.table.core.windows.net')).toThrow(/QueueEndpoint/);
  });
});
