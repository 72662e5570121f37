import { configDefaults, defineConfig } from 'vitest/config';

// The whole-corpus CPU sweep (≈5 min) is opt-in: it is collected only with MODSCOPE_CPU_SWEEP set, so a normal
// run neither runs nor reports it as skipped (main/cli/init-all.test.ts covers every 200th module by default).
const optIn = process.env.MODSCOPE_CPU_SWEEP ? [] : ['engine/cpu/corpus-inits.test.ts'];

export default defineConfig({
  test: {
    include: [
      'engine/**/*.test.ts',
      'host-common/**/*.test.ts',
      'main/**/*.test.ts',
      'renderer/**/*.test.ts',
      'scripts/**/*.test.ts',
      'samples/**/*.test.ts',
    ],
    exclude: [...configDefaults.exclude, ...optIn],
    environment: 'node',
    testTimeout: 60_000,
  },
});
