/**
 * load-all's scan split between this thread and the worker (out/cli/scan-worker.cjs) gives what this thread alone
 * gives, in the files' order, on real corpus modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';
import { listModuleFiles, packageRoot } from './kernel-files';
import { scanAll, scanWorkerFile, type ScanReader } from './load-all-scan';

const worker = scanWorkerFile(packageRoot());
const plain: ScanReader & { taken: string[] } = {
  taken: [],
  request: () => undefined,
  take(f) {
    this.taken.push(f);
    const b = readFileSync(f);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
};

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)) || missing('out/cli/scan-worker.cjs (npm run build:cli)', existsSync(worker)))(
  'load-all scan',
  () => {
    it('gives the same inputs with half the files on the worker as on this thread alone', async () => {
      const files = listModuleFiles(CORPUS)
        .filter((_, i) => i % 97 === 0)
        .map((f) => join(CORPUS, f));
      expect(files.length).toBeGreaterThan(40);
      const alone = await scanAll(CORPUS, files, plain, join(CORPUS, 'no-worker-here.cjs'));
      expect(plain.taken).toEqual(files);
      plain.taken = [];
      const split = await scanAll(CORPUS, files, plain, worker);
      expect(plain.taken).toEqual(files.filter((_, i) => i % 2 === 0)); // the others were the worker's
      expect(split).toEqual(alone);
      expect(alone.some((m) => m.exports.length > 0) && alone.some((m) => m.imports.length > 0)).toBe(true);
    }, 60_000);
  },
);
