/** How the messages waiting for the embedding model are gathered into ONNX runs. */
export interface BatchLimits {
  /** Texts per inference call at most. */
  maxSize: number;
  /** How long an idle model waits for company for the first text (ms); a queue that formed during a run goes at once. */
  maxWaitMs: number;
  /** Texts waiting (not yet in a run) at most; past it embed() declines and the caller does without. */
  maxQueue: number;
}

interface Pending {
  text: string;
  resolve(v: Float32Array): void;
  reject(err: Error): void;
}

/**
 * Gathers single texts into batched inference calls: one run of 8 texts costs about as much as
 * three runs of one (ONNX Runtime pays its per-run overhead and the weight reads once), so the
 * messages that arrive while a run is under way ride together in the next one. The queue is
 * bounded: a burst beyond it is answered without the embedding rather than queued behind it.
 */
export class EmbeddingBatcher {
  private pending: Pending[] = [];
  private running = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly run: (texts: string[]) => Promise<Float32Array[]>,
    readonly limits: BatchLimits,
  ) {}

  /** Texts waiting for a run (not those in the run under way). */
  get waiting(): number {
    return this.pending.length;
  }

  /** The text's embedding from the next run; undefined at once when maxQueue texts wait already. */
  embed(text: string): Promise<Float32Array> | undefined {
    if (this.pending.length >= this.limits.maxQueue) return undefined;
    const done = new Promise<Float32Array>((resolve, reject) => this.pending.push({ text, resolve, reject }));
    if (!this.running) {
      if (this.pending.length >= this.limits.maxSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.limits.maxWaitMs);
    }
    return done;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.limits.maxSize);
    if (batch.length === 0) return;
    this.running = true;
    this.run(batch.map((p) => p.text)).then(
      (vectors) => batch.forEach((p, i) => p.resolve(vectors[i])),
      (err: Error) => batch.forEach((p) => p.reject(err)),
    ).finally(() => {
      this.running = false;
      // These waited through a whole run already: no further wait for company.
      if (this.pending.length > 0) this.flush();
    });
  }
}
