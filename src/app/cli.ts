import readline from 'node:readline/promises';
import { stdin, stdout } from 'node:process';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { assemble } from './assemble.js';
import type { CliPort } from '../conversation/types.js';

/** A terminal conversation: each line typed is a turn, answered with what the NLU understood. */
async function converse(bot: CliPort, org: string | undefined): Promise<void> {
  const rl = readline.createInterface({ input: stdin, output: stdout, terminal: stdin.isTTY });
  const sessionId = randomUUID();
  stdout.write('Citizen chatbot (es, ca, it, sv, en). Ctrl+D to quit.\n');
  for await (const line of rl) {
    if (!line.trim()) continue;
    const { reply, nlu } = await bot.chat({ sessionId, text: line, channel: 'cli', org });
    stdout.write(`\n${reply.text}\n`);
    if (reply.quickReplies.length) stdout.write(`  [${reply.quickReplies.map((q) => q.label).join(' | ')}]\n`);
    stdout.write(`  (${nlu.lang} · ${nlu.intent} ${nlu.confidence.toFixed(2)}${nlu.entities.office ? ' · ' + nlu.entities.office : ''})\n\n`);
  }
}

/** npm run chat [-- --org <organisation id>]: a terminal conversation with the same core as the web chat and Telegram. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { org: { type: 'string' } } });
  const bot = await assemble(loadConfig());
  if (values.org && !bot.knowledge.organisation(values.org)) {
    throw new Error(`No organisation "${values.org}": use one of ${bot.knowledge.organisations.map((o) => o.id).join(', ')}`);
  }
  await converse(bot, values.org);
  await bot.close();
}

main().catch((err) => {
  process.stderr.write(`${err?.message ?? err}\n`);
  process.exit(1);
});
