// The Probot baseline for intake benchmarks: a minimal Probot app that handles `issues.opened`
// (verify the signature, build the context, run the handler, log a line) behind Probot's node middleware.
// Probot keeps nothing: a delivery it has answered is lost if the process dies.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, Probot } from 'probot';

// Probot insists on GitHub App credentials even when no API call is made: a throwaway key will do.
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const secret = process.env.GITHUB_WEBHOOK_SECRET;
if (!secret) throw new Error('GITHUB_WEBHOOK_SECRET is required');

const probot = new Probot({ appId: 1, privateKey, secret, logLevel: 'info', logFormat: 'json' });
const middleware = await createNodeMiddleware(
  (app) => {
    app.on('issues.opened', async (context) => {
      context.log.info({ deliveryId: context.id, issue: context.payload.issue.number }, 'issue opened');
    });
  },
  { probot, webhooksPath: '/webhooks/github' },
);

const server = createServer((request, response) => {
  void middleware(request, response, () => response.writeHead(404).end());
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`{"msg":"probot listening on http://127.0.0.1:${port}"}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
