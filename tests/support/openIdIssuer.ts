import express from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenID metadata endpoint with its own signing key, standing in for login.botframework.com
 * (unreachable here), so the bot's token validation runs for real and a forged token is a 401.
 */
export async function startOpenIdIssuer(): Promise<{ metadataUrl: string; close(): Promise<void> }> {
  const { publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'local-bot-framework-key', use: 'sig', endorsements: ['msteams'] };
  const app = express();
  const server = await new Promise<import('node:http').Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.get('/.well-known/openidconfiguration', (_req, res) => { res.json({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys` }); });
  app.get('/keys', (_req, res) => { res.json({ keys: [jwk] }); });
  return {
    metadataUrl: `${base}/.well-known/openidconfiguration`,
    async close() { await new Promise<void>((resolve) => server.close(() => resolve())); },
  };
}
