import { TableClient } from '@azure/data-tables';
import { testConnectionString, uniquePrefix } from '../support/storage';

it('the jest run has a working Azurite', async () => {
  const client = TableClient.fromConnectionString(testConnectionString(), `${uniquePrefix('smoke')}x`, { allowInsecureConnection: true });
  await client.createTable();
  await client.createEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
  const entity = await client.getEntity<{ value: number }>('p', 'r');
  expect(entity.value).toBe(42);
  await client.deleteTable();
});
