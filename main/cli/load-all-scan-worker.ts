/** load-all's scan worker (main/cli/load-all-scan.ts): scans the files it is given and posts their inputs, in order. */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { moduleNameOf, scanModule } from './load-all-scan';

const { dir, files } = workerData as { dir: string; files: string[] };
try {
  const inputs = files.map((f) => {
    const b = readFileSync(f);
    return scanModule(moduleNameOf(dir, f), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  });
  parentPort?.postMessage({ inputs });
} catch (e) {
  parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
