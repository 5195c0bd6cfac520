import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { KnowledgeError, loadKnowledge } from '../../src/knowledge/loader.js';

function copyKnowledge(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-'));
  for (const f of fs.readdirSync(path.join(ROOT, 'knowledge'))) fs.copyFileSync(path.join(ROOT, 'knowledge', f), path.join(dir, f));
  return dir;
}

describe('knowledge base', () => {
  it('loads the sample with every office of the domain contract', () => {
    const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
    expect(kb.offices.map((o) => o.id).sort()).toEqual([
      'ats-insubria-como', 'ats-insubria-varese', 'elche-altabix', 'elche-centro', 'elche-el-altet',
      'elche-francesc-canto', 'elche-plaza-crevillent', 'elche-torrellano', 'paiporta-oficina-unica',
    ]);
    expect(kb.organisations.map((o) => o.id).sort()).toEqual(['ats-insubria', 'elche', 'paiporta']);
    expect(kb.offices.find((o) => o.id === 'elche-el-altet')!.status).toBe('reopening');
  });

  it('reports the file, the path and the reason of each problem', () => {
    const dir = copyKnowledge();
    const offices = fs.readFileSync(path.join(dir, 'offices.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'offices.yaml'), offices.replace('status: reopening', 'status: maybe'));
    try {
      loadKnowledge(dir);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(KnowledgeError);
      const problem = (err as KnowledgeError).problems[0];
      expect(problem).toMatchObject({ file: 'offices.yaml', path: '5.status' });
      expect(problem.reason).toMatch(/open|limited|closed|reopening/);
    }
  });

  it('refuses broken YAML and unknown references', () => {
    const dir = copyKnowledge();
    fs.writeFileSync(path.join(dir, 'procedures.yaml'), '- id: x\n  organisation: nowhere\n  kind: appointment\n');
    expect(() => loadKnowledge(dir)).toThrow(/procedures.yaml: 0.organisation: unknown organisation "nowhere"/);
    fs.writeFileSync(path.join(dir, 'offices.yaml'), '- id: [unclosed');
    expect(() => loadKnowledge(dir)).toThrow(/offices.yaml: \(root\): YAML syntax/);
  });

  it('npm start stops with a non-zero exit code and a readable reason on an invalid knowledge base', () => {
    const dir = copyKnowledge();
    fs.writeFileSync(path.join(dir, 'organisations.yaml'), '- id: Elche City\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
      env: { ...process.env, KNOWLEDGE_DIR: dir, PORT: '0', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/organisations.yaml: 0.id: ids are lowercase/);
  });
});
