/**
 * The WebAssembly functions of reloc-text-wasm.ts, in the assembler of wasm-asm.ts. Their
 * module is assembled once into reloc-text-wasm-bytes.ts (node scripts/gen-reloc-wasm.mjs;
 * reloc-text.test.ts fails when that file is stale): assembling at run time cost more than
 * the rest of `modscope relocs`' setup.
 */
import { assemble, block, br, brIf, call, get, I32, i32, I64, i64, i64x, load32, load64, load8u, loop, memoryCopy, op, set } from './wasm-asm';
import { store16, store32, store64, store8, when, whenElse, type Code, type WasmFunction } from './wasm-asm';
import { DONE, FIXED, FULL, H_FAST, H_HASSTR, H_I, H_K, H_NSYMS, H_OUTEND, H_P, H_POOL, H_POOLEND, H_RELA, H_RELOC } from './reloc-text-wasm';
import {
  H_STRSIZE,
  H_STRTAB,
  H_SYMLEN,
  H_SYMSTART,
  H_SYMTAB,
  JS_LINE,
  JS_ONLY,
  MAX_FAST_NAME,
  NEED_SYMBOL,
  SCRATCH,
  TYPELEN,
  TYPESTART,
} from './reloc-text-wasm';

const hdr = (field: number): Code[] => [i32(field), load32()];
const setHdr = (field: number, value: Code[]): Code[] => [i32(field), ...value, store32()];

/**
 * The 8 hex digits of a 32-bit value (in an i64) as 8 ASCII bytes in an i64, first digit in the
 * low byte (little-endian store order): the nibbles are spread one per byte, most significant
 * first, then '0' is added, and 'a' - '0' - 10 more where a nibble is 10 or more.
 */
const X = 2;
const hex8 = (value: Code[]): Code[] => [
  [...value, set(X)],
  [get(X), i64x('000000000000ffff'), op.i64and, i64(32), op.i64shl, get(X), i64(16), op.i64shrU, op.i64or, set(X)],
  [
    get(X),
    i64x('000000ff000000ff'),
    op.i64and,
    i64(16),
    op.i64shl,
    get(X),
    i64(8),
    op.i64shrU,
    i64x('000000ff000000ff'),
    op.i64and,
    op.i64or,
    set(X),
  ],
  [get(X), i64x('000f000f000f000f'), op.i64and, i64(8), op.i64shl, get(X), i64(4), op.i64shrU, i64x('000f000f000f000f'), op.i64and, op.i64or, set(X)],
  [get(X), i64x('3030303030303030'), op.i64add],
  [get(X), i64x('0606060606060606'), op.i64add, i64(4), op.i64shrU, i64x('0101010101010101'), op.i64and, i64(39), op.i64mul, op.i64add],
];

/** hex16(p, v): the 16 hex digits of v at p, in two 8-byte stores. */
const hex16: WasmFunction = {
  params: [I32, I64],
  results: [],
  locals: [I64],
  body: [
    [get(0), ...hex8([get(1), i64(32), op.i64shrU]), store64()],
    [get(0), ...hex8([get(1), i64x('00000000ffffffff'), op.i64and]), store64(8)],
  ],
};

/**
 * sym(k) → 1 when it made symbol slot k (k < nsyms): " <value, 16 digits> <name>" in the pool;
 * 0 when JavaScript must: a section symbol (its section's name), a name that is not printable
 * ASCII (JavaScript decodes UTF-8), longer than MAX_FAST_NAME, out of the table, or no room.
 */
const F_HEX16 = 0;
const F_SYM = 1;
const K = 0;
const E = 1;
const S = 2;
const N = 3;
const END = 4;
const P = 5;
const B = 6;
const sym: WasmFunction = {
  params: [I32],
  results: [I32],
  locals: [I32, I32, I32, I32, I32, I32],
  body: [
    [...hdr(H_HASSTR), op.i32eqz, when(i32(0), op.ret)],
    [...hdr(H_SYMTAB), get(K), i32(24), op.i32mul, op.i32add, set(E)],
    // st_info & 0xf == STT_SECTION: readelf shows the section's name (relocSymbolDisplayName)
    [get(E), load8u(4), i32(15), op.i32and, i32(3), op.i32eq, when(i32(0), op.ret)],
    [get(E), load32(), set(S)],
    [get(S), ...hdr(H_STRSIZE), op.i32geU, when(i32(0), op.ret)],
    [...hdr(H_STRTAB), get(S), op.i32add, set(S)],
    [...hdr(H_STRTAB), ...hdr(H_STRSIZE), op.i32add, set(END)],
    [i32(0), set(N)],
    block(
      loop(
        [get(S), get(N), op.i32add, get(END), op.i32geU, when(i32(0), op.ret)],
        [get(S), get(N), op.i32add, load8u(), set(B)],
        [get(B), op.i32eqz, brIf(1)],
        [get(B), i32(0x20), op.i32sub, i32(0x5f), op.i32geU, when(i32(0), op.ret)], // not 0x20…0x7e
        [get(N), i32(1), op.i32add, set(N)],
        [get(N), i32(MAX_FAST_NAME), op.i32gtU, when(i32(0), op.ret)],
        br(0),
      ),
    ),
    [...hdr(H_FAST), get(N), op.i32add, ...hdr(H_STRSIZE), op.i32gtU, when(i32(0), op.ret)],
    [...hdr(H_POOL), set(P)],
    [get(P), i32(18), op.i32add, get(N), op.i32add, ...hdr(H_POOLEND), op.i32gtU, when(i32(0), op.ret)],
    [get(P), i32(32), store8()],
    [get(P), i32(1), op.i32add, get(E), load64(8), call(F_HEX16)],
    [get(P), i32(32), store8(17)],
    [get(P), i32(18), op.i32add, get(S), get(N), memoryCopy],
    [...hdr(H_SYMSTART), get(K), i32(2), op.i32shl, op.i32add, get(P), store32()],
    [...hdr(H_SYMLEN), get(K), i32(2), op.i32shl, op.i32add, get(N), i32(18), op.i32add, store32()],
    setHdr(H_POOL, [get(P), i32(18), op.i32add, get(N), op.i32add]),
    setHdr(H_FAST, [...hdr(H_FAST), get(N), op.i32add]),
    i32(1),
  ],
};

// lines(i, count): params and locals
const LI = 0;
const LCOUNT = 1;
const LO = 2;
const LP = 3;
const LT = 4;
const LSI = 5;
const LSK = 6;
const LPL = 7;
const LPS = 8;
const LNEG = 9;
const LNSYMS = 10;
const LEND = 11;
const LSTRIDE = 12;
const LRELA = 13;
const LN = 14;
const LSS = 15;
const LSL = 16;
const LK = 17;
const LSTART = 18;
const LINFO = 19;
const LA = 20;

/** Store i and p in the header and return status s. */
const leave = (s: number): Code[] => [...setHdr(H_I, [get(LI)]), ...setHdr(H_P, [get(LP)]), i32(s), [op.ret]];

/**
 * hexTrim: a (i64) without leading zeros at p ("0" for 0); p moves past it. All 16 digits go
 * to SCRATCH and 16 bytes from the first significant one are copied (what follows the
 * digits is overwritten by the rest of the output).
 */
const hexTrim: Code[] = [
  [i32(67), get(LA), op.i64clz, op.i32wrapI64, op.i32sub, i32(2), op.i32shrU, set(LN)],
  [get(LN), i32(1), get(LN), op.select, set(LN)], // n ? n : 1
  [i32(SCRATCH), get(LA), call(F_HEX16)],
  [get(LP), i32(SCRATCH + 16), get(LN), op.i32sub, load64(), store64()],
  [get(LP), i32(SCRATCH + 16), get(LN), op.i32sub, load64(8), store64(8)],
  [get(LP), get(LN), op.i32add, set(LP)],
];

/**
 * Copy n bytes (n in local `len`) from src to p, 8 at a time: up to 7 bytes more are read and
 * written (the output has room; the pool and type tables end 16 bytes before the memory does).
 */
const copyWords = (src: number, len: number): Code[] => [
  [i32(0), set(LK)],
  loop(
    [get(LP), get(LK), op.i32add, get(src), get(LK), op.i32add, load64(), store64()],
    [get(LK), i32(8), op.i32add, set(LK)],
    [get(LK), get(len), op.i32ltU, brIf(0)],
  ),
];

/**
 * lines(i, count) → status: the lines of entries i… of the section at H_RELOC, from H_P on,
 * while each surely ends before H_OUTEND (readelf.c dump_relocations, the wide ELF64 format:
 * "%16.16lx  %16.16lx %-22s %16.16lx %s + %lx").
 */
const lines: WasmFunction = {
  params: [I32, I32],
  results: [I32],
  locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I64, I64],
  name: 'lines',
  body: [
    [...hdr(H_RELA), set(LRELA)],
    [i32(24), i32(16), get(LRELA), op.select, set(LSTRIDE)],
    [...hdr(H_NSYMS), set(LNSYMS)],
    [...hdr(H_OUTEND), set(LEND)],
    [...hdr(H_SYMSTART), set(LSS)],
    [...hdr(H_SYMLEN), set(LSL)],
    [...hdr(H_RELOC), get(LI), get(LSTRIDE), op.i32mul, op.i32add, set(LO)],
    [...hdr(H_P), set(LP)],
    loop(
      [get(LI), get(LCOUNT), op.i32geU, when(...leave(DONE))],
      [get(LO), load64(8), set(LINFO)],
      [get(LINFO), op.i32wrapI64, set(LT)],
      [get(LINFO), i64(32), op.i64shrU, op.i32wrapI64, set(LSI)],
      [get(LT), i32(256), op.i32geU, when(...leave(JS_LINE))],
      [i32(0), set(LPL)],
      [
        get(LSI),
        when(
          [get(LSI), get(LNSYMS), get(LSI), get(LNSYMS), op.i32ltU, op.select, set(LSK)],
          [get(LSS), get(LSK), i32(2), op.i32shl, op.i32add, load32(), set(LPS)],
          [
            get(LPS),
            i32(0),
            op.i32ltS,
            when(
              [get(LPS), i32(JS_ONLY), op.i32eq, when(...leave(JS_LINE))],
              [get(LSK), get(LNSYMS), op.i32eq, when(...setHdr(H_K, [get(LSK)]), ...leave(NEED_SYMBOL))],
              [get(LSK), call(F_SYM), op.i32eqz, when(...setHdr(H_K, [get(LSK)]), ...leave(NEED_SYMBOL))],
              [get(LSS), get(LSK), i32(2), op.i32shl, op.i32add, load32(), set(LPS)],
            ),
          ],
          [get(LSL), get(LSK), i32(2), op.i32shl, op.i32add, load32(), set(LPL)],
        ),
      ],
      [get(LP), i32(FIXED), op.i32add, get(LPL), op.i32add, get(LEND), op.i32gtU, when(...leave(FULL))],
      // r_offset, two spaces, r_info, a space
      [get(LP), get(LO), load64(), call(F_HEX16)],
      [get(LP), i32(0x2020), store16(16)],
      [get(LP), i32(18), op.i32add, get(LINFO), call(F_HEX16)],
      [get(LP), i32(32), store8(34)],
      [get(LP), i32(35), op.i32add, set(LP)],
      // the type column
      [get(LT), i32(2), op.i32shl, load32(TYPELEN), set(LN)],
      [get(LT), i32(2), op.i32shl, load32(TYPESTART), set(LSTART)],
      copyWords(LSTART, LN),
      [get(LP), get(LN), op.i32add, set(LP)],
      // r_addend as sign and magnitude
      [i32(0), set(LNEG), i64(0), set(LA)],
      [get(LRELA), when([get(LO), load64(16), set(LA)], [get(LA), i64(0), op.i64ltS, when(i32(1), set(LNEG), i64(0), get(LA), op.i64sub, set(LA))])],
      [
        get(LSI),
        whenElse(
          [
            copyWords(LPS, LPL),
            [get(LP), get(LPL), op.i32add, set(LP)],
            [
              get(LRELA),
              when(
                [get(LP), i32(32), store8(), get(LP), i32(45), i32(43), get(LNEG), op.select, store8(1), get(LP), i32(32), store8(2)],
                [get(LP), i32(3), op.i32add, set(LP)],
                ...hexTrim,
              ),
            ],
          ],
          [
            get(LRELA),
            when(
              [get(LP), i64x('2020202020202020'), store64(), get(LP), i64x('2020202020202020'), store64(8), get(LP), i32(0x20202020), store32(16)],
              [get(LP), i32(20), op.i32add, set(LP)],
              [get(LNEG), when(get(LP), i32(45), store8(), get(LP), i32(1), op.i32add, set(LP))],
              ...hexTrim,
            ),
          ],
        ),
      ],
      [get(LP), i32(10), store8(), get(LP), i32(1), op.i32add, set(LP)],
      [get(LI), i32(1), op.i32add, set(LI), get(LO), get(LSTRIDE), op.i32add, set(LO)],
      br(0),
    ),
    op.unreachable,
  ],
};

/** The module: hex16, sym and lines (exported), importing its memory as m.memory. */
export function assembleRelocText(): Uint8Array {
  return assemble([hex16, sym, lines], 1);
}
