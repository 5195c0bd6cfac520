/** npm run bench [nlu|load|ratio|fanout|retrain|embedding]: prints the figures (not a test; nothing here fails on a slow machine). */
import { benchNlu } from './nlu.js';
import { benchLoad } from './load.js';
import { benchRatio } from './ratio.js';
import { benchFanOut } from './fanout.js';
import { benchRetrain } from './retrain.js';
import { benchEmbedding } from './embedding.js';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'nlu') {
    console.log('\n== NLU (built-in encoder)');
    for (const [k, v] of Object.entries(await benchNlu())) console.log(`${k.padEnd(56)} ${v}`);
  }
  if (!only || only === 'load') {
    const seconds = Number(process.env.BENCH_SECONDS ?? 60);
    console.log(`\n== POST /api/chat under load (autocannon, ${seconds} s, 20 connections, SQLite store)`);
    for (const [k, v] of Object.entries(await benchLoad(seconds))) console.log(`${k.padEnd(56)} ${v}`);
  }
  // Not in the default run: `load` measures the same server, and bare fastify beside it only makes a yardstick.
  if (only === 'ratio') {
    const [seconds, rounds] = [Number(process.env.BENCH_SECONDS ?? 10), Number(process.env.BENCH_ROUNDS ?? 3)];
    console.log(`\n== POST /api/chat against bare fastify (one JSON route, a schema, a small reply): ${rounds} alternated rounds of ${seconds} s each, 20 connections, SQLite store`);
    for (const [k, v] of Object.entries(await benchRatio(seconds, rounds))) console.log(`${k.padEnd(56)} ${v}`);
  }
  // Not in the default run: it fetches the model (npm run model:fetch) and takes ~10 minutes.
  if (only === 'embedding') {
    const seconds = Number(process.env.BENCH_SECONDS ?? 60);
    console.log(`\n== The real embedding model (multilingual-e5-small, npm run model:fetch) against the n-gram encoder alone, ${seconds} s of load each, 20 connections`);
    for (const [section, figures] of Object.entries(await benchEmbedding(seconds))) {
      console.log(`-- ${section}`);
      for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(56)} ${v}`);
    }
  }
  if (!only || only === 'fanout') {
    const citizens = Number(process.env.BENCH_SUBSCRIBERS ?? 20_000);
    console.log(`\n== Notifications: ${citizens} web-chat citizens subscribe to one office, then its status changes (SQLite store)`);
    for (const [k, v] of Object.entries(await benchFanOut(citizens))) console.log(`${k.padEnd(56)} ${v}`);
  }
  if (!only || only === 'retrain') {
    console.log('\n== A live retraining: one example taught while four conversations chat (NLU thread, memory store)');
    for (const [k, v] of Object.entries(await benchRetrain())) console.log(`${k.padEnd(56)} ${v}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
