import { defineConfig } from 'vitest/config';

// Three layers: unit (pure functions, the dialogue with a fake NLU: seconds), integration (HTTP
// through inject, stores, the NLU thread), system (processes, Chromium, Redis).
const layer = (name: string, timeout: number) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], testTimeout: timeout, hookTimeout: timeout },
});

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [layer('unit', 30_000), layer('integration', 60_000), layer('system', 120_000)],
  },
});
