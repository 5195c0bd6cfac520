/**
 * A second process writing to an SQLite store without pause (the backup test's running bot): each
 * write adds 2 to a day's total and 1 to each of two intents in one transaction, so any consistent
 * copy has total = a + b. Prints the writes made every 50 ms.
 */
import { createStores, emptyDay } from '../../src/storage/index.js';

const stores = createStores({ STORE: 'sqlite', DATA_DIR: process.argv[2] });
let writes = 0;
setInterval(() => console.log(writes), 50);
for (;;) {
  await stores.stats.add('2026-12-01', { ...emptyDay(), total: 2, intents: { a: 1, b: 1 } });
  await stores.subscriptions.add(`office-${writes % 50}`, { channel: 'telegram', id: String(writes) }, 'es');
  if (++writes % 20 === 0) await new Promise((r) => setImmediate(r));
}
