/**
 * load-all's first pass: what the dependency order needs of each module (depmod's view: the names it exports, its
 * undefined symbols), read from every file of the tree. The files are split between this thread and a worker
 * (out/cli/scan-worker.cjs, main/cli/load-all-scan-worker.ts): on two cores the pass takes about half as long.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readElf } from '../../engine/elf/index';
import { readExports, splitSignature } from '../../engine/kmod/index';
import type { DepInput } from '../../engine/load/index';

/** depmod's name of a module file: its base name without .ko, '-' read as '_'. */
export function moduleNameOf(dir: string, file: string): string {
  return (
    relative(dir, file)
      .split('/')
      .pop()
      ?.replace(/\.ko$/, '')
      .replace(/-/g, '_') ?? file
  );
}

/** One module's exports and undefined symbols, from its bytes (the signature trailer ignored). */
export function scanModule(name: string, file: Uint8Array): DepInput {
  const { elf: bytes } = splitSignature(file); // a view, not a copy
  // Only the exports' relocations are needed here (readExports()); the load reads the whole file again.
  const elf = readElf(bytes, { relocsFor: (t) => t.name.startsWith('__ksymtab') || t.name.startsWith('__kcrctab') });
  const syms = elf.symtab?.symbols ?? [];
  return {
    name,
    exports: readExports(elf).map((e) => e.name),
    imports: syms.filter((s) => s.rawShndx === 0 && s.name !== '').map((s) => ({ name: s.name, weak: s.bind === 2 })),
  };
}

/** Where this thread's files come from (main/file-feed.ts: read ahead on another thread). */
export interface ScanReader {
  request(files: readonly string[], hash: boolean): void;
  take(file: string): Uint8Array;
}

/**
 * Every file scanned, in the files' order: this thread's from `reader`; when `workerFile` exists, every other file on
 * a worker thread (it reads them itself).
 */
export async function scanAll(dir: string, files: readonly string[], reader: ScanReader, workerFile: string): Promise<DepInput[]> {
  const out: DepInput[] = new Array<DepInput>(files.length);
  const mine = files.length > 1 && existsSync(workerFile) ? files.filter((_, i) => i % 2 === 0) : files;
  let theirs: Promise<DepInput[]> | null = null;
  if (mine !== files) {
    const worker = new Worker(workerFile, { workerData: { dir, files: files.filter((_, i) => i % 2 === 1) } });
    theirs = new Promise((resolve, reject) => {
      worker.once('message', (m: { inputs?: DepInput[]; error?: string }) => (m.inputs ? resolve(m.inputs) : reject(new Error(m.error))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the scan worker exited (${code}) before answering`)));
    });
  }
  const step = mine === files ? 1 : 2;
  reader.request(mine, false);
  mine.forEach((f, i) => (out[i * step] = scanModule(moduleNameOf(dir, f), reader.take(f))));
  if (theirs) (await theirs).forEach((input, i) => (out[i * 2 + 1] = input));
  return out;
}

/** Where build-cli puts the worker (scripts/build-cli.mjs). */
export function scanWorkerFile(root: string): string {
  return join(root, 'out', 'cli', 'scan-worker.cjs');
}
