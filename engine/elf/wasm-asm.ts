/**
 * A very small WebAssembly binary writer: enough to assemble the few hand-written functions of
 * reloc-text-wasm.ts (i32/i64 locals, loads and stores, loops, calls, bulk memory) into a module
 * that imports one memory. Encoding: the WebAssembly core specification 2.0, chapter 5 (binary format).
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
/** Block type of a block/loop/if that leaves nothing on the stack. */
const VOID = 0x40;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 64-bit constant (assembly time only). */
function slebBig(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** Signed LEB128 of a safe integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = ((n % 128) + 128) % 128;
    n = Math.floor(n / 128);
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

export type Code = number | Code[];

/** Flatten nested instruction lists. */
export function flat(code: Code[]): number[] {
  const out: number[] = [];
  const walk = (c: Code): void => {
    if (typeof c === 'number') out.push(c);
    else for (const x of c) walk(x);
  };
  walk(code);
  return out;
}

// Instructions (opcode bytes, spec §5.4). Memory instructions take [align log2, offset].
export const op = {
  unreachable: 0x00,
  end: 0x0b,
  ret: 0x0f,
  drop: 0x1a,
  select: 0x1b,
  i32eqz: 0x45,
  i32eq: 0x46,
  i32ne: 0x47,
  i32ltS: 0x48,
  i32ltU: 0x49,
  i32gtU: 0x4b,
  i32geU: 0x4f,
  i64ltS: 0x53,
  i32add: 0x6a,
  i32sub: 0x6b,
  i32mul: 0x6c,
  i32and: 0x71,
  i32shl: 0x74,
  i32shrU: 0x76,
  i64clz: 0x79,
  i64add: 0x7c,
  i64sub: 0x7d,
  i64mul: 0x7e,
  i64and: 0x83,
  i64or: 0x84,
  i64shl: 0x86,
  i64shrU: 0x88,
  i64extendI32U: 0xad,
  i32wrapI64: 0xa7,
} as const;

export const get = (i: number): Code[] => [0x20, ...uleb(i)];
export const set = (i: number): Code[] => [0x21, ...uleb(i)];
export const i32 = (n: number): Code[] => [0x41, ...sleb(n)];
export const i64 = (n: number): Code[] => [0x42, ...sleb(n)];
/** An i64 constant given as 16 hex digits (beyond a double's integers). */
export const i64x = (hex: string): Code[] => [0x42, ...slebBig(BigInt.asIntN(64, BigInt('0x' + hex)))];
export const call = (f: number): Code[] => [0x10, ...uleb(f)];
export const br = (depth: number): Code[] => [0x0c, ...uleb(depth)];
export const brIf = (depth: number): Code[] => [0x0d, ...uleb(depth)];
export const load32 = (offset = 0): Code[] => [0x28, 2, ...uleb(offset)];
export const load64 = (offset = 0): Code[] => [0x29, 3, ...uleb(offset)];
export const load8u = (offset = 0): Code[] => [0x2d, 0, ...uleb(offset)];
export const load16u = (offset = 0): Code[] => [0x2f, 1, ...uleb(offset)];
export const store32 = (offset = 0): Code[] => [0x36, 2, ...uleb(offset)];
export const store64 = (offset = 0): Code[] => [0x37, 3, ...uleb(offset)];
export const store8 = (offset = 0): Code[] => [0x3a, 0, ...uleb(offset)];
export const store16 = (offset = 0): Code[] => [0x3b, 1, ...uleb(offset)];
/** memory.copy (dest, src, n) and memory.fill (dest, byte, n) of the bulk-memory proposal (in 2.0). */
export const memoryCopy: Code[] = [0xfc, 10, 0, 0];
export const memoryFill: Code[] = [0xfc, 11, 0];
export const block = (...body: Code[]): Code[] => [0x02, VOID, ...body, op.end];
export const loop = (...body: Code[]): Code[] => [0x03, VOID, ...body, op.end];
export const when = (...body: Code[]): Code[] => [0x04, VOID, ...body, op.end];
export const whenElse = (then: Code[], otherwise: Code[]): Code[] => [0x04, VOID, ...then, 0x05, ...otherwise, op.end];

export interface WasmFunction {
  params: number[];
  results: number[];
  /** Extra locals after the params, by type. */
  locals: number[];
  body: Code[];
  /** Export name, if exported. */
  name?: string;
}

const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

/** A module importing memory "m"."memory" (at least `minPages` pages) with these functions. */
export function assemble(functions: WasmFunction[], minPages: number): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const imports = vec([[...name('m'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)]]);
  const funcs = vec(functions.map((_, i) => uleb(i)));
  const exports = vec(functions.flatMap((f, i) => (f.name ? [[...name(f.name), 0x00, ...uleb(i)]] : [])));
  const bodies = vec(
    functions.map((f) => {
      const locals = vec(f.locals.map((t) => [1, t]));
      const code = [...locals, ...flat(f.body), op.end];
      return [...uleb(code.length), ...code];
    }),
  );
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, bodies),
  ]);
}
