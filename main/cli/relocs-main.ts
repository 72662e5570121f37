/**
 * The lean entry for `modscope relocs FILE` (bundled to out/cli/relocs.cjs): it loads only the
 * ELF reader and the readelf text writer, not the whole CLI with the kernel model and the CPU,
 * and writes each chunk to fd 1 with one write(2) — no stream objects. main/cli/bin.cjs sends
 * `relocs FILE` here; anything else (options, help, other commands) goes to the full CLI.
 */
import { writeSync } from 'node:fs';
import { readelfRelocText } from '../../engine/elf/index';
import { CliError, formatError } from './errors';
import { readModuleListing } from './read-module';

class Closed extends Error {}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** write(2) all of `chunk` to fd; waits and retries on EAGAIN (a non-blocking pipe that is full). */
function writeAll(fd: number, chunk: Uint8Array): void {
  for (let off = 0; off < chunk.length;) {
    try {
      off += writeSync(fd, chunk, off, chunk.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 2);
      else if (code === 'EPIPE') throw new Closed();
      else throw e;
    }
  }
}

/** Run `relocs FILE`; resolves with the exit code (0, or 2 with one error line on stderr). */
export async function relocsMain(file: string): Promise<number> {
  try {
    const { elf, load, close } = await readModuleListing(file);
    try {
      // One buffer for every chunk: each is written synchronously before the next is made.
      for (const chunk of readelfRelocText(elf, { reuse: true, load })) writeAll(1, chunk);
    } finally {
      close();
    }
    return 0;
  } catch (e) {
    if (e instanceof Closed) return 0; // the reader went away (| head): like readelf, stop quietly
    const err = e instanceof CliError ? e : new CliError('INTERNAL', e instanceof Error ? e.message : String(e));
    process.stderr.write(formatError(err.code, err.message, err.offset) + '\n');
    return err.exitCode;
  }
}
