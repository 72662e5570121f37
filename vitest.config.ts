import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.ts', 'scripts/**/*.test.ts', 'samples/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
