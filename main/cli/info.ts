/** `modscope info <file> [--json]` */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createEngine } from '../../engine/engine';
import { collectJson, must } from './collect';
import { CliError } from './errors';
import { formatInfo, toJson } from './format';

export async function infoCommand(file: string, json: boolean, write: (s: string) => void): Promise<void> {
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
    if (json) write(toJson(await collectJson(engine, overview)) + '\n');
    else write(formatInfo(overview));
  } finally {
    await engine.call('close', { id: overview.id });
  }
}
