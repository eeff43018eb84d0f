import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { startService, StartupError } from '../../src/server';
import { freePort } from '../../tools/free-port';
import { startGraphSandbox } from '../../tools/graph-sandbox/server';
import { startTestStack } from '../support/service';
import { testConnectionString, uniquePrefix } from '../support/storage';
import { Writable } from 'node:stream';

const quiet = createLogger('test', { destination: new Writable({ write(_c, _e, done) { done(); } }) });

describe('GET /healthz', () => {
  it('is 200 with storage and graph ok while both answer, and 503 naming Graph once it stops', async () => {
    const stack = await startTestStack('health');
    try {
      const healthy = await fetch(`${stack.service.url}/healthz`);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toEqual({ status: 'ok', storage: 'ok', graph: 'ok' });

      await stack.sandbox.close();
      const unhealthy = await fetch(`${stack.service.url}/healthz`);
      expect(unhealthy.status).toBe(503);
      const body = await unhealthy.json();
      expect(body.status).toBe('unavailable');
      expect(body.storage).toBe('ok');
      expect(body.graph).toMatch(/^down \(GRAPH_BASE_URL → http:\/\/127\.0\.0\.1:\d+\)/);
    } finally {
      await stack.service.close();
      await stack.connector.close();
    }
  });
});

describe('starting the service', () => {
  it('stops with one line naming the setting and address when storage is unreachable', async () => {
    const sandbox = await startGraphSandbox({ port: 0 });
    const deadPort = await freePort();
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', GRAPH_BASE_URL: sandbox.url, TABLE_PREFIX: uniquePrefix('dead'),
      STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:${deadPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${deadPort}/devstoreaccount1;`,
    });
    try {
      const start = startService(config, { logger: quiet });
      await expect(start).rejects.toBeInstanceOf(StartupError);
      await expect(start).rejects.toThrow(new RegExp(`STORAGE_CONNECTION_STRING → http://127\\.0\\.0\\.1:${deadPort}/devstoreaccount1`));
      await expect(start).rejects.not.toThrow(/a2V5/); // never the account key
    } finally {
      await sandbox.close();
    }
  });

  it('stops naming GRAPH_BASE_URL when the Graph sandbox is unreachable', async () => {
    const deadPort = await freePort();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', GRAPH_BASE_URL: `http://127.0.0.1:${deadPort}`, STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix('nog') });
    await expect(startService(config, { logger: quiet })).rejects.toThrow(new RegExp(`GRAPH_BASE_URL → http://127\\.0\\.0\\.1:${deadPort}`));
  });

  it('names the port when it is already in use', async () => {
    const stack = await startTestStack('port');
    try {
      const config = loadConfig({ PORT: String(stack.service.port), HOST: '127.0.0.1', GRAPH_BASE_URL: stack.sandbox.url, STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: stack.tablePrefix });
      await expect(startService(config, { logger: quiet })).rejects.toThrow(`port ${stack.service.port} on 127.0.0.1 is already in use (PORT)`);
    } finally {
      await stack.stop();
    }
  });
});
