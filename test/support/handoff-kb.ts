import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { ROOT } from '../../src/config.js';
import { WEEKDAYS } from '../../src/knowledge/schema.js';

/** Per organisation id, what its entry gets on top of the sample's (a time zone, hand-over settings). */
export type OrgExtras = Record<string, Record<string, unknown>>;

/**
 * A knowledge base of the test's own: the sample's files with hand-over settings added (the sample
 * enables it for no organisation: domain.md gives no hours). Returns its folder.
 */
export function handoffKnowledge(extras: OrgExtras): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-handoff-kb-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  for (const file of fs.readdirSync(path.join(ROOT, 'knowledge'))) fs.copyFileSync(path.join(ROOT, 'knowledge', file), path.join(dir, file));
  const file = path.join(dir, 'organisations.yaml');
  const orgs = yaml.load(fs.readFileSync(file, 'utf8'), { schema: yaml.CORE_SCHEMA }) as { id: string }[];
  fs.writeFileSync(file, yaml.dump(orgs.map((o) => ({ ...o, ...extras[o.id] }))));
  return dir;
}

/** Hours on every weekday but today's (in that time zone): staff are never there while the test runs. */
export function hoursNotToday(timeZone: string): Record<string, string[]> {
  const today = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short' }).format(new Date()).toLowerCase().slice(0, 3);
  return Object.fromEntries(WEEKDAYS.filter((d) => d !== today).map((d) => [d, ['09:00-14:00']]));
}
