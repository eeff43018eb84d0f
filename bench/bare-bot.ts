/**
 * The baseline for `bot.turn`: a bare botbuilder CloudAdapter bot on Express that answers every message with the
 * same card, rendered once at start (the welcome card, so both bots send a card of the same size). No storage, no
 * routing, no templating per turn: what a turn costs in botbuilder and Express alone. Run by bench/run.ts in its
 * own process, like the service: `node --import tsx bench/bare-bot.ts` with PORT set; it prints its URL when ready.
 */
import express from 'express';
import { ActivityTypes, CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';
import type { AddressInfo } from 'node:net';
import { renderWelcomeCard } from '../src/cards/welcome';

const card = renderWelcomeCard({
  firstName: 'Sofia',
  nextStep: 'When your programme owner opens a round, I will message you here with the dates and the first step: choosing what to practise on.',
  dashboardUrl: '',
});
// No app id: anonymous, like the service in the bench (local connector stand-in only).
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, async (context) => {
    if (context.activity.type === ActivityTypes.Message) await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });
});
app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
