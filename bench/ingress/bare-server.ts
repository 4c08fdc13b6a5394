/**
 * Target `bare`: fastify with a POST /webhook that reads the body as bytes (as ingress does) and answers 200
 * doing nothing else. The ceiling of one Node process of fastify on this machine. Env: BENCH_HOST, BENCH_PORT.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser(/^application\/json(\s*;.*)?$/i, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/webhook', async () => ({ ok: true }));
app.get('/readyz', async () => ({ status: 'ready' }));

process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
await app.listen({ host: process.env['BENCH_HOST'] ?? '127.0.0.1', port: Number(process.env['BENCH_PORT']) });
