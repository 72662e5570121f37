// The layering rule: engine/ is pure TypeScript (like VS Code's `common`), renderer/ is the
// browser layer, main/ is Electron main + Node. One rule keeps the engine importable from all three.
import tseslint from 'typescript-eslint';

const engineForbidden = [
  { group: ['electron', 'electron/*'], message: 'engine/ must not import Electron (main/ owns it).' },
  {
    group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'd3', 'd3-*', 'elkjs', 'elkjs/*'],
    message: 'engine/ must not import UI libraries (renderer/ owns them).',
  },
  {
    group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'zlib', 'stream', 'util', 'url', 'buffer', 'events'],
    message: 'engine/ must not import Node built-ins; hosts pass bytes in.',
  },
  {
    group: ['../main/*', '../../main/*', '../renderer/*', '../../renderer/*', '*/main/*', '*/renderer/*'],
    message: 'engine/ must not import from main/ or renderer/.',
  },
];

// Hosts (main/, renderer/, host-common/) enter the engine through its public entry points only: a top-level file
// (engine/engine.ts, the contract; engine/api-types.ts, its data; engine/kernel-session.ts, the in-process kernel the
// CLI runs batches on) or a folder's index.ts. Nothing past a folder's index.ts: `engine/load/load-module` is private.
const engineEntry = {
  regex: '(^|/)engine/[^/]+/(?!index$)',
  message: "hosts use the engine through engine.ts, api-types.ts or a folder's index.ts (add the export there), not its files.",
};

export default tseslint.config(
  {
    ignores: [
      '.cache/**',
      'node_modules/**',
      'out/**',
      'dist/**',
      'release/**',
      'test-results/**',
      'playwright-report/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/**/*.test.ts', 'engine/**/*.bench.ts', 'engine/test-support/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: engineForbidden }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'require', 'Buffer', 'self', 'localStorage', 'fetch'],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', 'node:*', 'fs', 'path', 'child_process'],
              message: 'renderer/ runs sandboxed: talk to the engine through its Host.',
            },
            { group: ['**/main/*', '**/main/**'], message: 'renderer/ never imports main/: code both hosts use lives in host-common/.' },
            engineEntry,
          ],
        },
      ],
    },
  },
  {
    // Code both hosts share (the iced-x86 decoder): the engine and npm packages only.
    files: ['host-common/**/*.ts'],
    ignores: ['host-common/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', 'node:*', 'fs', 'path', 'child_process', 'react', 'react-dom'],
              message: 'host-common/ runs in every host.',
            },
            { group: ['**/main/*', '**/main/**', '**/renderer/*', '**/renderer/**'], message: 'host-common/ sits below both hosts.' },
            engineEntry,
          ],
        },
      ],
    },
  },
  {
    // main/ (Electron main, the CLI) never imports renderer/: code both hosts draw with (the quiz PDF) lives in host-common/.
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer/*', '**/renderer/**'], message: 'main/ never imports renderer/: code both hosts use lives in host-common/.' },
            engineEntry,
          ],
        },
      ],
    },
  },
  {
    files: ['host-common/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [engineEntry] }],
    },
  },
  {
    // Hosts never assemble the kernel themselves: the app drives createEngine() (engine/engine.ts), the CLI boots
    // through the batch facade bootBatchKernel() (engine/kernel-session.ts). ModelKernel stays usable as a type.
    files: ['main/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx', 'host-common/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)engine/(kernel|cpu)(/index)?$',
              importNames: ['ModelKernel', 'attachCpu'],
              allowTypeImports: true,
              message: 'hosts boot the kernel through createEngine() or bootBatchKernel() (engine/kernel-session.ts), not by hand.',
            },
          ],
        },
      ],
    },
  },
  {
    rules: {
      // Lines a reader can follow beside the kernel source: narration is split into sentences, not one long literal.
      // Everywhere eslint looks (TS/TSX); scripts/line-length.test.ts holds the .js/.mjs it ignores to the same limit.
      'max-len': ['error', { code: 160 }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
