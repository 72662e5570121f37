/**
 * The text `readelf -r -W` prints for a file, as byte chunks: the WebAssembly writer
 * (reloc-text-wasm-writer.ts) for ELF64 little-endian files, else the JavaScript one
 * (readelf-relocs.ts), which is also the WebAssembly writer's fallback for unusual lines.
 */
import { utf8Bytes } from '../base/utf8';
import { jsRelocText } from './readelf-relocs';
import type { RelocListing } from './reader';
import { wasmWriter } from './reloc-text-wasm-writer';

export { relocListingBuffer } from './reloc-text-wasm-writer';

export interface RelocTextOptions {
  /** Bytes per chunk handed out (default 1 MiB). */
  chunkSize?: number;
  /**
   * Reuse one buffer for every chunk: the consumer must be done with a chunk before asking
   * for the next (true for a synchronous write). Default false: a fresh buffer per chunk.
   */
  reuse?: boolean;
  /** Write ELF64 little-endian lines with WebAssembly when the host has it (default true); false: JavaScript only. */
  wasm?: boolean;
  /**
   * The listing's bytes lack the relocation entries (left as zeros): this reads dest.length
   * bytes of the file at `offset` into dest. The WebAssembly writer then reads entries a part
   * at a time into one small buffer, the way readelf does, instead of holding them all.
   */
  load?: (offset: number, dest: Uint8Array) => void;
}

/**
 * The whole `readelf -r -W` text of a file (see readRelocListing), as a sequence of byte chunks
 * (UTF-8). Each chunk is at most about `chunkSize` bytes; memory is one chunk plus one piece per
 * symbol named.
 */
export function* readelfRelocText(elf: RelocListing, options: RelocTextOptions = {}): Generator<Uint8Array, void, undefined> {
  const chunkSize = Math.max(256, options.chunkSize ?? 1 << 20);
  const sections = elf.relocSections.filter((r) => r.count > 0);
  if (sections.length === 0) {
    yield utf8Bytes('\nThere are no relocations in this file.\n');
    return;
  }
  const w = options.wasm === false ? null : wasmWriter(elf, sections, chunkSize, options.load);
  if (w !== null) {
    yield* w.chunks(options.reuse === true);
    return;
  }
  const load = options.load;
  if (load) for (const r of sections) load(r.offset, elf.bytes.subarray(r.offset, r.offset + r.count * (r.rela ? 24 : 16)));
  yield* jsRelocText(elf, sections, chunkSize, options.reuse === true);
}
