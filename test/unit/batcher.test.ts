import { describe, expect, it } from 'vitest';
import { EmbeddingBatcher } from '../../src/nlu/encoders/batcher.js';

/** A model stand-in that records its runs and takes `ms` per run: each text's vector is [its length]. */
function recordingModel(ms: number) {
  const runs: string[][] = [];
  const run = async (texts: string[]) => {
    runs.push(texts);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return texts.map((t) => Float32Array.of(t.length));
  };
  return { runs, run };
}

describe('EmbeddingBatcher', () => {
  it('answers a lone text after the short wait, in a run of its own', async () => {
    const { runs, run } = recordingModel(1);
    const batcher = new EmbeddingBatcher(run, { maxSize: 8, maxWaitMs: 2, maxQueue: 32 });
    expect(await batcher.embed('hola')).toEqual(Float32Array.of(4));
    expect(runs).toEqual([['hola']]);
  });

  it('gathers what arrives during a run into the next runs, each at most maxSize, every text its own vector', async () => {
    const { runs, run } = recordingModel(20);
    const batcher = new EmbeddingBatcher(run, { maxSize: 4, maxWaitMs: 2, maxQueue: 32 });
    const first = batcher.embed('a')!;
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first run is under way
    const texts = Array.from({ length: 10 }, (_, i) => 'x'.repeat(i + 1));
    const rest = texts.map((t) => batcher.embed(t)!);
    expect(batcher.waiting).toBe(10);
    expect(await first).toEqual(Float32Array.of(1));
    expect((await Promise.all(rest)).map((v) => v[0])).toEqual(texts.map((t) => t.length));
    expect(runs.map((r) => r.length)).toEqual([1, 4, 4, 2]);
  });

  it('declines at once past maxQueue, and takes texts again once the queue drains', async () => {
    const { run } = recordingModel(10);
    const batcher = new EmbeddingBatcher(run, { maxSize: 8, maxWaitMs: 50, maxQueue: 3 });
    const taken = [batcher.embed('a'), batcher.embed('b'), batcher.embed('c')];
    expect(taken.every(Boolean)).toBe(true);
    expect(batcher.embed('d')).toBeUndefined();
    await Promise.all(taken);
    expect(await batcher.embed('e')).toEqual(Float32Array.of(1));
  });

  it('fails every text of a run that fails, and runs the next batch', async () => {
    let calls = 0;
    const batcher = new EmbeddingBatcher(async (texts) => {
      if (calls++ === 0) throw new Error('onnx failed');
      return texts.map(() => Float32Array.of(1));
    }, { maxSize: 2, maxWaitMs: 1, maxQueue: 8 });
    const [a, b, c] = ['a', 'b', 'c'].map((t) => batcher.embed(t)!);
    await expect(a).rejects.toThrow('onnx failed');
    await expect(b).rejects.toThrow('onnx failed');
    expect(await c).toEqual(Float32Array.of(1));
  });
});
