/**
 * The `readelf -r -W` lines of an ELF64 little-endian file (every x86-64 module) written by a
 * small WebAssembly function instead of JavaScript: `modscope relocs amdgpu.ko` prints 30 MB,
 * and most of a short process's JavaScript runs in the interpreter before the optimising
 * compiler is done with the hot loop; WebAssembly is compiled before its first call.
 *
 * The WebAssembly writes what is regular: the offset and info columns, the type column and
 * the " <value> <name>" piece per symbol (copied from tables), the addend. Anything unusual
 * goes back to the JavaScript writer (readelf-relocs.ts), which stays the reference: symbols
 * whose name is not plain printable ASCII under 256 bytes, section symbols, indices past the
 * symbol table, types above 255, a line longer than a chunk. Both produce the same bytes
 * (readelf-relocs.test.ts compares them on real modules and on mutated ones).
 */
import { RELOC_TEXT_WASM } from './reloc-text-wasm-bytes';

// Memory layout: a header of i32 fields, a scratch area, the type column tables, then regions
// placed by the driver (addresses in the header).
export const H_RELOC = 0; // entries of the current section
export const H_RELA = 4; // 1: Elf64_Rela (24 bytes), 0: Elf64_Rel (16 bytes)
export const H_NSYMS = 8; // symbols in the table; slot nsyms is "an index past the end"
export const H_SYMSTART = 12; // i32[nsyms + 1]: address of a symbol's piece, -1 while not made
export const H_SYMLEN = 16; // i32[nsyms + 1]: its length
export const H_SYMTAB = 20; // a copy of the symbol table's entries (Elf64_Sym, 24 bytes)
export const H_STRTAB = 24; // a copy of its string table
export const H_STRSIZE = 28;
export const H_HASSTR = 32; // 0: the table has no usable string table (names are empty: JS makes them)
export const H_POOL = 36; // next free byte of the piece pool
export const H_POOLEND = 40;
export const H_FAST = 44; // name bytes the WebAssembly copied so far (bounded by the string table size)
export const H_OUTEND = 48; // a line starts only if it surely ends before this
export const H_I = 52; // out: the next entry
export const H_P = 56; // in/out: the output position
export const H_K = 60; // out: the symbol slot JavaScript must make (status NEED_SYMBOL)
export const SCRATCH = 128; // 16 digits of an addend, read back from the first significant one (32 bytes)
export const TYPESTART = 1024; // i32[256]: the type column of each type number below 256
export const TYPELEN = 2048;
/** Where the driver's regions start. */
export const FIRST_FREE = 3072;

/** Status of lines(): the section is done; the chunk is full; JS must make symbol slot [H_K]; JS must write line [H_I]. */
export const DONE = 0;
export const FULL = 1;
export const NEED_SYMBOL = 2;
export const JS_LINE = 3;
/** A symbol slot's start when JavaScript writes its lines (no room left for its piece). */
export const JS_ONLY = -2;
/** The longest line the WebAssembly writes, without the symbol piece (types are at most 32 bytes). */
export const FIXED = 160;
/** Names longer than this are left to JavaScript (StringTable's SHORT_STRING cut never reaches them). */
export const MAX_FAST_NAME = 255;

let wasmModule: unknown = null;

/** The minimal WebAssembly API used here (the engine's lib has no DOM or Node types). */
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (module: unknown, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => WasmMemory;
}

/** The WebAssembly API when the host has one (browsers, Node, Electron). */
export function wasmApi(): WasmApi | null {
  const w = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return w && typeof w.Module === 'function' ? w : null;
}

export const PAGE = 65536;

/** An instance of the line writer and its memory. */
export interface LineWriter {
  memory: WasmMemory;
  lines: (i: number, count: number) => number;
}

/** An instance of the line writer over a fresh memory of `bytes` bytes (rounded up to pages). */
export function instantiate(api: WasmApi, bytes: number): LineWriter {
  if (wasmModule === null) wasmModule = new api.Module(RELOC_TEXT_WASM);
  const memory = new api.Memory({ initial: Math.ceil(bytes / PAGE) });
  const inst = new api.Instance(wasmModule, { m: { memory } });
  return { memory, lines: inst.exports.lines as (i: number, count: number) => number };
}

export const header = {
  H_RELOC,
  H_RELA,
  H_NSYMS,
  H_SYMSTART,
  H_SYMLEN,
  H_SYMTAB,
  H_STRTAB,
  H_STRSIZE,
  H_HASSTR,
  H_POOL,
  H_POOLEND,
  H_FAST,
  H_OUTEND,
  H_I,
  H_P,
  H_K,
  TYPESTART,
  TYPELEN,
} as const;
