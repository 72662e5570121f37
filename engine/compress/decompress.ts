/**
 * Decompress a .ko.xz / .ko.zst / .ko.gz the way kmod does before init_module(2)
 * (or as the kernel does itself for MODULE_INIT_COMPRESSED_FILE in kernel/module/decompress.c).
 * Any failure becomes ElfError DECOMPRESS_FAILED.
 */
import { Gunzip } from 'fflate';
import { Decompress as ZstdDecompress } from 'fzstd';
import { ElfError, isElfError } from '../elf/errors';
import { type Compression, detectCompression } from './detect';
import { INPUT_CHUNK, MAX_DECOMPRESSED, OutputSink, yieldToLoop } from './sink';
import { decompressXz } from './xz';

export type ProgressFn = (done: number, total: number) => void;

export interface DecompressOptions {
  /** Output cap in bytes (default 1 GiB). */
  maxOutput?: number;
}

async function pushStream(
  bytes: Uint8Array,
  push: (chunk: Uint8Array, final: boolean) => void,
  onProgress?: ProgressFn,
): Promise<void> {
  if (bytes.length === 0) push(bytes, true);
  for (let o = 0; o < bytes.length; o += INPUT_CHUNK) {
    const end = Math.min(bytes.length, o + INPUT_CHUNK);
    push(bytes.subarray(o, end), end === bytes.length);
    onProgress?.(end, bytes.length);
    if (end < bytes.length) await yieldToLoop();
  }
}

async function run(format: Compression, bytes: Uint8Array, onProgress: ProgressFn | undefined, cap: number): Promise<Uint8Array> {
  switch (format) {
    case 'gzip': {
      const sink = new OutputSink('gzip', cap);
      const g = new Gunzip((chunk) => sink.push(chunk));
      await pushStream(bytes, (c, f) => g.push(c, f), onProgress);
      return sink.result();
    }
    case 'zstd': {
      const sink = new OutputSink('zstd', cap);
      const z = new ZstdDecompress((chunk) => sink.push(chunk));
      await pushStream(bytes, (c, f) => z.push(c, f), onProgress);
      return sink.result();
    }
    case 'xz':
      return decompressXz(bytes, onProgress, cap);
  }
}

/** Decompress `bytes`, whose format is recognised by magic; throws DECOMPRESS_FAILED if none matches. */
export async function decompress(bytes: Uint8Array, onProgress?: ProgressFn, options: DecompressOptions = {}): Promise<Uint8Array> {
  const format = detectCompression(bytes);
  if (!format) throw new ElfError('DECOMPRESS_FAILED', 'not xz, zstd or gzip data (no known magic at offset 0)', 0);
  try {
    const out = await run(format, bytes, onProgress, options.maxOutput ?? MAX_DECOMPRESSED);
    if (out.length === 0) throw new ElfError('DECOMPRESS_FAILED', `${format}: the stream decompressed to nothing`, 0);
    return out;
  } catch (e) {
    if (isElfError(e)) throw e;
    throw new ElfError('DECOMPRESS_FAILED', `${format}: ${e instanceof Error ? e.message : String(e)}`, 0);
  }
}
