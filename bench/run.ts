/** npm run bench: prints the figures (not a test; nothing here fails on a slow machine). */
import { benchNlu } from './nlu.js';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'nlu') {
    console.log('\n== NLU (built-in encoder)');
    for (const [k, v] of Object.entries(await benchNlu())) console.log(`${k.padEnd(52)} ${v}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
