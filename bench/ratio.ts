/**
 * /api/chat against bare fastify (bench/bare-fastify.mjs: one JSON route, a schema, a small reply),
 * each in its own process with npm start's node flags, loaded in turn by the same autocannon runs
 * (20 connections, the same request bodies): the ratio of their requests/s says what the bot's own
 * HTTP work costs, whatever the host's speed at the moment.
 */
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startBareFastify, startServer, stop } from './server.js';
import { chatLoad, chatRequests, rssMb } from './load.js';

const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU time (user + system) in µs of the process `pid`, or of its main thread only (its task of the same id). */
function cpuUs(pid: number, mainThread: boolean): number {
  const stat = fs.readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime, stime: fields 14 and 15 of stat(5)
}

interface Run {
  rps: number;
  p99: number;
  mainUs: number;
  processUs: number;
  rss: number;
  errors: number;
}

async function load(pid: number, port: number, seconds: number, connections: number, requestsOf: Awaited<ReturnType<typeof chatRequests>>): Promise<Run> {
  const [main, all] = [cpuUs(pid, true), cpuUs(pid, false)];
  const result = await chatLoad(port, seconds, connections, requestsOf);
  const total = Math.max(1, result.requests.total);
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    mainUs: Math.round((cpuUs(pid, true) - main) / total),
    processUs: Math.round((cpuUs(pid, false) - all) / total),
    rss: rssMb(pid),
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Prints each run as it ends; returns the means and their ratio. */
export async function benchRatio(seconds = 10, rounds = 3, connections = 20): Promise<Record<string, number | string>> {
  const cold = await startServer(undefined, {});
  await stop(cold.server);
  const chat = await startServer(cold.dataDir, {});
  const bare = await startBareFastify();
  try {
    // The same bodies for both (the bare route reads them against its schema and answers "ok").
    const requestsOf = await chatRequests(chat.port, connections);
    const servers = { bare: { pid: bare.server.pid!, port: bare.port }, chat: { pid: chat.server.pid!, port: chat.port } };
    // Warm-up: both JIT-compile their hot paths before anything counts.
    for (const { pid, port } of Object.values(servers)) await load(pid, port, 2, connections, requestsOf);
    const runs: Record<'bare' | 'chat', Run[]> = { bare: [], chat: [] };
    for (let round = 1; round <= rounds; round++) {
      // Alternated, and in turn first: a host slowing down over the bench weighs on both alike.
      const order = round % 2 ? (['bare', 'chat'] as const) : (['chat', 'bare'] as const);
      for (const name of order) {
        const run = await load(servers[name].pid, servers[name].port, seconds, connections, requestsOf);
        runs[name].push(run);
        console.log(
          `round ${round} ${name === 'bare' ? 'bare fastify' : '/api/chat   '}  ${String(run.rps).padStart(6)} req/s  p99 ${String(run.p99).padStart(3)} ms  ` +
            `main thread ${String(run.mainUs).padStart(4)} µs/req  process ${String(run.processUs).padStart(4)} µs/req  RSS ${run.rss} MB` +
            (run.errors ? `  errors/timeouts/non-2xx ${run.errors}` : ''),
        );
      }
      console.log(`round ${round} ratio ${(runs.chat[round - 1].rps / runs.bare[round - 1].rps).toFixed(3)}`);
    }
    const [bareRps, chatRps] = [mean(runs.bare.map((r) => r.rps)), mean(runs.chat.map((r) => r.rps))];
    return {
      'bare fastify requests/s (mean)': Math.round(bareRps),
      '/api/chat requests/s (mean)': Math.round(chatRps),
      'ratio of the means': +(chatRps / bareRps).toFixed(3),
      '/api/chat main thread CPU µs per request (mean)': Math.round(mean(runs.chat.map((r) => r.mainUs))),
      'bare fastify main thread CPU µs per request (mean)': Math.round(mean(runs.bare.map((r) => r.mainUs))),
      '/api/chat server RSS after its load MB (last run)': runs.chat[rounds - 1].rss,
    };
  } finally {
    await stop(bare.server);
    await stop(chat.server);
    fs.rmSync(chat.dataDir, { recursive: true, force: true });
  }
}
