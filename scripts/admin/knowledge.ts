import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import { writeKnowledge } from '../../src/knowledge/files.js';
import { KnowledgeError, loadKnowledge } from '../../src/knowledge/loader.js';
import { checkKnowledge } from '../../src/knowledge/validate.js';
import { KnowledgeVersions } from '../../src/features/knowledge-editor/versions.js';
import { localeLangs } from '../../src/shared/languages.js';
import { createStores, WHOLE } from '../../src/storage/index.js';

export const KNOWLEDGE_USAGE = 'knowledge export <dir> | knowledge import <dir> [--draft]';

/**
 * `knowledge export DIR` / `knowledge import DIR [--draft]`: on the store itself (DATA_DIR or
 * REDIS_URL), while the server runs or not. Export writes the knowledge in service as the four files
 * of knowledge/; import checks files as the console's edits are checked and publishes them as the
 * next version (every instance serves it within KNOWLEDGE_POLL_MS), or keeps them as a draft.
 */
export async function knowledgeCommand(config: Config, args: string[]): Promise<number> {
  const draft = args.includes('--draft');
  const [command, dir, ...rest] = args.filter((a) => a !== '--draft');
  if (!dir || rest.length || dir.startsWith('--') || (command === 'export' && draft) || (command !== 'export' && command !== 'import')) {
    console.error(`usage: npm run admin -- ${KNOWLEDGE_USAGE}`);
    return 2;
  }
  if (config.STORE === 'memory') {
    console.error(`knowledge ${command}: STORE=memory keeps nothing beyond the process`);
    return 1;
  }
  const where = config.STORE === 'redis' ? `Redis ${config.REDIS_URL}` : config.DATA_DIR;
  const stores = createStores(config);
  try {
    const rules = { langs: localeLangs(config.LOCALES_DIR), defaultLang: config.DEFAULT_LANG };
    const versions = new KnowledgeVersions(stores.knowledge, () => loadKnowledge(config.KNOWLEDGE_DIR), rules);
    if (command === 'export') {
      const { n, kb } = await versions.current();
      const files = writeKnowledge(dir, kb);
      console.log(`${n ? `version ${n} of ${where}` : `the files of ${config.KNOWLEDGE_DIR} (${where} holds no version)`} written to ${files.map((f) => path.basename(f)).join(', ')} in ${dir}`);
      return 0;
    }
    let kb;
    try {
      kb = loadKnowledge(dir);
    } catch (err) {
      if (!(err instanceof KnowledgeError)) throw err;
      console.error(`knowledge import: nothing imported.\n${err.message}`);
      return 1;
    }
    const problems = checkKnowledge(kb, rules);
    if (problems.length) {
      console.error(`knowledge import: nothing imported. Invalid knowledge:\n${problems.map((p) => `  ${p.path}: ${p.reason}`).join('\n')}`);
      return 1;
    }
    const actor = `cli:${os.userInfo().username}`;
    if (draft) {
      const kept = await versions.saveWholeDraft(kb, actor);
      console.log(`kept as a draft of every organisation in ${where} (revision ${kept.revision}): preview and publish it in the console, or with POST /api/admin/knowledge/drafts/${WHOLE}/publish`);
      return 0;
    }
    const out = await versions.import(kb, actor);
    if ('version' in out) {
      console.log(`published as version ${out.version.n} in ${where} (${out.version.orgs.join(', ')}): every instance serves it within KNOWLEDGE_POLL_MS`);
      return 0;
    }
    if ('refused' in out && out.refused === 'unchanged') {
      console.log(`unchanged: the knowledge in ${where} holds these facts already`);
      return 0;
    }
    console.error(`knowledge import: nothing imported: ${'problems' in out ? out.problems.map((p) => `${p.path}: ${p.reason}`).join('; ') : out.refused}`);
    return 1;
  } finally {
    await stores.close();
  }
}
