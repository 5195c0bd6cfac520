// The yardstick of `npm run bench -- ratio`: bare fastify, one JSON route with a schema and a
// small reply, nothing else (no hooks, no plugins, no logger). Plain JavaScript so that node runs
// it with the flags of `npm start`, in a process of its own as the real server runs.
import Fastify from 'fastify';

const app = Fastify({ logger: false });

app.post('/api/chat', {
  schema: {
    body: {
      type: 'object',
      properties: { sessionId: { type: 'string', maxLength: 128 }, text: { type: 'string', minLength: 1, maxLength: 2000 } },
      required: ['text'],
    },
    response: { 200: { type: 'object', properties: { sessionId: { type: 'string' }, reply: { type: 'string' } } } },
  },
}, async (request) => ({ sessionId: request.body.sessionId ?? 'new', reply: 'ok' }));

app.get('/health', async () => ({ ok: true }));

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
