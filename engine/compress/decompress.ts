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
  /** Output cap in bytes (default MAX_DECOMPRESSED, 256 MiB). */
  maxOutput?: number;
  /** The data must be an ELF file (a module): refuse at its first bytes when it is not (default true). */
  elf?: boolean;
}

/**
 * Deflate and zstd inflate up to ~1000× (a run of zeros): feed them small pieces so one push can never
 * produce more than a few tens of MiB before the sink's checks see it.
 */
const PUSH_PIECE = 32 * 1024;

async function pushStream(bytes: Uint8Array, push: (chunk: Uint8Array, final: boolean) => void, onProgress?: ProgressFn): Promise<void> {
  if (bytes.length === 0) push(bytes, true);
  for (let o = 0; o < bytes.length; o += INPUT_CHUNK) {
    const end = Math.min(bytes.length, o + INPUT_CHUNK);
    for (let p = o; p < end; p += PUSH_PIECE) {
      const pe = Math.min(end, p + PUSH_PIECE);
      push(bytes.subarray(p, pe), pe === bytes.length);
    }
    onProgress?.(end, bytes.length);
    if (end < bytes.length) await yieldToLoop();
  }
}

async function run(format: Compression, bytes: Uint8Array, onProgress: ProgressFn | undefined, cap: number, elf: boolean): Promise<Uint8Array> {
  switch (format) {
    case 'gzip': {
      const sink = new OutputSink('gzip', cap, elf);
      const g = new Gunzip((chunk) => sink.push(chunk));
      await pushStream(bytes, (c, f) => g.push(c, f), onProgress);
      return sink.result();
    }
    case 'zstd': {
      const sink = new OutputSink('zstd', cap, elf);
      const z = new ZstdDecompress((chunk) => sink.push(chunk));
      await pushStream(bytes, (c, f) => z.push(c, f), onProgress);
      return sink.result();
    }
    case 'xz':
      return decompressXz(bytes, onProgress, cap, elf);
  }
}

/** Decompress `bytes`, whose format is recognised by magic; throws DECOMPRESS_FAILED if none matches. */
export async function decompress(bytes: Uint8Array, onProgress?: ProgressFn, options: DecompressOptions = {}): Promise<Uint8Array> {
  const format = detectCompression(bytes);
  if (!format) throw new ElfError('DECOMPRESS_FAILED', 'not xz, zstd or gzip data (no known magic at offset 0)', 0);
  try {
    const out = await run(format, bytes, onProgress, options.maxOutput ?? MAX_DECOMPRESSED, options.elf ?? true);
    if (out.length === 0) throw new ElfError('DECOMPRESS_FAILED', `${format}: the stream decompressed to nothing`, 0);
    return out;
  } catch (e) {
    if (isElfError(e)) throw e;
    throw new ElfError('DECOMPRESS_FAILED', `${format}: ${e instanceof Error ? e.message : String(e)}`, 0);
  }
}
