import fs from 'node:fs';
import path from 'node:path';
import { readYaml, YamlSyntaxError } from '../shared/yaml.js';
import { z } from 'zod';
import {
  organisationSchema,
  officeSchema,
  procedureSchema,
  serviceSchema,
  type KnowledgeBase,
} from './schema.js';

/** One problem in the knowledge base: which file, where in it, and why. */
export interface KnowledgeProblem {
  file: string;
  path: string;
  reason: string;
}

export class KnowledgeError extends Error {
  constructor(readonly problems: KnowledgeProblem[]) {
    super(
      'Invalid knowledge base:\n' +
        problems.map((p) => `  ${p.file}: ${p.path || '(root)'}: ${p.reason}`).join('\n'),
    );
    this.name = 'KnowledgeError';
  }
}

/** The files of knowledge/: each a list of entries of its schema. */
export const FILES = {
  organisations: ['organisations.yaml', organisationSchema],
  offices: ['offices.yaml', officeSchema],
  procedures: ['procedures.yaml', procedureSchema],
  services: ['services.yaml', serviceSchema],
} as const;

function readList<T>(dir: string, file: string, schema: z.ZodType<T>, problems: KnowledgeProblem[]): T[] {
  const full = path.join(dir, file);
  let raw: unknown;
  try {
    raw = readYaml(fs.readFileSync(full, 'utf8'));
  } catch (err) {
    const reason =
      err instanceof YamlSyntaxError ? `YAML syntax: ${err.message.split('\n')[0]}` : (err as Error).message;
    problems.push({ file, path: '', reason });
    return [];
  }
  const parsed = z.array(schema).safeParse(raw ?? []);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ file, path: issue.path.join('.'), reason: issue.message });
    }
    return [];
  }
  return parsed.data;
}

/** References across the files: organisations, offices, duplicate ids, a certificate procedure's type. */
export function checkReferences(kb: KnowledgeBase, problems: KnowledgeProblem[]): void {
  const orgIds = new Set(kb.organisations.map((o) => o.id));
  const officeIds = new Set(kb.offices.map((o) => o.id));
  const unique = (file: string, ids: string[]) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) problems.push({ file, path: `${i}.id`, reason: `duplicate id "${id}"` });
      seen.add(id);
    });
  };
  unique('organisations.yaml', kb.organisations.map((o) => o.id));
  unique('offices.yaml', kb.offices.map((o) => o.id));
  unique('procedures.yaml', kb.procedures.map((p) => p.id));
  unique('services.yaml', kb.services.map((s) => s.id));
  kb.services.forEach((s, i) => {
    if (!orgIds.has(s.organisation))
      problems.push({ file: 'services.yaml', path: `${i}.organisation`, reason: `unknown organisation "${s.organisation}"` });
  });
  kb.offices.forEach((o, i) => {
    if (!orgIds.has(o.organisation))
      problems.push({ file: 'offices.yaml', path: `${i}.organisation`, reason: `unknown organisation "${o.organisation}"` });
  });
  kb.organisations.forEach((o, i) =>
    o.contacts.forEach((c, j) => {
      if (c.office && !officeIds.has(c.office))
        problems.push({ file: 'organisations.yaml', path: `${i}.contacts.${j}.office`, reason: `unknown office "${c.office}"` });
    }),
  );
  kb.procedures.forEach((p, i) => {
    if (!orgIds.has(p.organisation))
      problems.push({ file: 'procedures.yaml', path: `${i}.organisation`, reason: `unknown organisation "${p.organisation}"` });
    p.offices.forEach((id, j) => {
      if (!officeIds.has(id))
        problems.push({ file: 'procedures.yaml', path: `${i}.offices.${j}`, reason: `unknown office "${id}"` });
    });
    if (p.kind === 'certificate' && !p.certificate)
      problems.push({ file: 'procedures.yaml', path: `${i}.certificate`, reason: 'a certificate procedure needs a certificate type' });
  });
}

/** Reads and validates knowledge/; throws KnowledgeError listing every problem found. */
export function loadKnowledge(dir: string): KnowledgeBase {
  const problems: KnowledgeProblem[] = [];
  const kb: KnowledgeBase = {
    organisations: readList(dir, FILES.organisations[0], FILES.organisations[1], problems),
    offices: readList(dir, FILES.offices[0], FILES.offices[1], problems),
    procedures: readList(dir, FILES.procedures[0], FILES.procedures[1], problems),
    // Optional: a knowledge base written before services were listed has none.
    services: fs.existsSync(path.join(dir, FILES.services[0])) ? readList(dir, FILES.services[0], FILES.services[1], problems) : [],
  };
  if (problems.length === 0) checkReferences(kb, problems);
  if (problems.length > 0) throw new KnowledgeError(problems);
  return kb;
}
