// The floor for intake benchmarks: fastify answering 200 to any JSON POST, doing nothing else.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
app.post('/webhooks/github', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(
  `{"msg":"boardkeeper listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}"}\n`,
);
