/** `modscope info <file> [--json]` */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createEngine, type Engine } from '../../engine/engine';
import type { ModuleOverview } from '../../engine/api-types';
import { must, streamJson } from './collect';
import { CliError } from './errors';
import { formatInfo } from './format';
import { BufferedWriter, type Sink } from './out';

/** Read a module file and open it in a fresh engine; always closes the session after `use`. */
export async function withModule<T>(file: string, use: (engine: Engine, o: ModuleOverview) => Promise<T>): Promise<T> {
  let bytes: Uint8Array;
  try {
    const buf = await readFile(file);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CliError(err.code ?? 'EIO', `cannot read ${file}: ${err.message.replace(/^[A-Z]+: /, '')}`);
  }
  const engine = createEngine();
  const overview = await must(engine, 'open', { name: basename(file), bytes });
  try {
    return await use(engine, overview);
  } finally {
    await engine.call('close', { id: overview.id });
  }
}

export async function infoCommand(file: string, json: boolean, write: Sink): Promise<void> {
  await withModule(file, async (engine, overview) => {
    if (json) await streamJson(engine, overview, new BufferedWriter(write));
    else await write(formatInfo(overview));
  });
}
