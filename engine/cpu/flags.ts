/**
 * RFLAGS arithmetic: the status flags (CF PF AF ZF SF OF) of the integer instructions, computed
 * exactly as the SDM defines them. Operands are unsigned bigints already truncated to `size` bytes;
 * each function returns the truncated result and stores the new flags in `s.flags` (a number: the
 * low 12 bits of RFLAGS). Flags the SDM leaves undefined are given the values current Intel cores
 * produce where that is well known (AF cleared by logic ops, OF of multi-bit shifts as for one bit).
 */

export const CF = 0x1;
export const PF = 0x4;
export const AF = 0x10;
export const ZF = 0x40;
export const SF = 0x80;
/** Interrupt enable: kernel code runs with it set; cli/sti/popf change it. */
export const IF = 0x200;
export const DF = 0x400;
export const OF = 0x800;
/** The six status flags. */
export const STATUS = CF | PF | AF | ZF | SF | OF;
/** Bits of RFLAGS the model keeps (status, IF, DF). */
export const MODELLED = STATUS | IF | DF;

export interface FlagSink {
  flags: number;
}

/** Mask / sign bit by operand size in bytes (index 1, 2, 4, 8). */
export const MASK: readonly bigint[] = [0n, 0xffn, 0xffffn, 0n, 0xffffffffn, 0n, 0n, 0n, 0xffffffffffffffffn];
export const SIGN: readonly bigint[] = [0n, 0x80n, 0x8000n, 0n, 0x80000000n, 0n, 0n, 0n, 0x8000000000000000n];
export const BITS: readonly bigint[] = [0n, 8n, 16n, 0n, 32n, 0n, 0n, 0n, 64n];

/** PF for each low-byte value: set when the number of 1 bits is even. */
export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i;
  let n = 0;
  while (b) {
    n += b & 1;
    b >>= 1;
  }
  PARITY[i] = n % 2 === 0 ? PF : 0;
}

/** ZF SF PF of a truncated result. */
export function szp(r: bigint, size: number): number {
  return (r === 0n ? ZF : 0) | ((r & SIGN[size]) !== 0n ? SF : 0) | PARITY[Number(r & 0xffn)];
}

/** add / adc (carryIn 0 or 1). */
export function add(s: FlagSink, a: bigint, b: bigint, carryIn: bigint, size: number): bigint {
  const full = a + b + carryIn;
  const r = full & MASK[size];
  const sign = SIGN[size];
  s.flags =
    (s.flags & ~STATUS) |
    szp(r, size) |
    (full > MASK[size] ? CF : 0) |
    (((a ^ r) & (b ^ r) & sign) !== 0n ? OF : 0) |
    (((a ^ b ^ r) & 0x10n) !== 0n ? AF : 0);
  return r;
}

/** sub / sbb / cmp / neg (a - b - borrowIn). */
export function sub(s: FlagSink, a: bigint, b: bigint, borrowIn: bigint, size: number): bigint {
  const r = (a - b - borrowIn) & MASK[size];
  const sign = SIGN[size];
  s.flags =
    (s.flags & ~STATUS) |
    szp(r, size) |
    (a < b + borrowIn ? CF : 0) |
    (((a ^ b) & (a ^ r) & sign) !== 0n ? OF : 0) |
    (((a ^ b ^ r) & 0x10n) !== 0n ? AF : 0);
  return r;
}

/** and / or / xor / test: CF = OF = 0, AF cleared (undefined in the SDM). */
export function logic(s: FlagSink, r: bigint, size: number): bigint {
  s.flags = (s.flags & ~STATUS) | szp(r, size);
  return r;
}

/** inc: as add 1 but CF is preserved. */
export function inc(s: FlagSink, a: bigint, size: number): bigint {
  const cf = s.flags & CF;
  const r = add(s, a, 1n, 0n, size);
  s.flags = (s.flags & ~CF) | cf;
  return r;
}

/** dec: as sub 1 but CF is preserved. */
export function dec(s: FlagSink, a: bigint, size: number): bigint {
  const cf = s.flags & CF;
  const r = sub(s, a, 1n, 0n, size);
  s.flags = (s.flags & ~CF) | cf;
  return r;
}

/** neg: 0 - a; CF = (a != 0). */
export function neg(s: FlagSink, a: bigint, size: number): bigint {
  return sub(s, 0n, a, 0n, size);
}

/** Masked shift count (5 bits, 6 for 64-bit operands). */
export function shiftCount(count: bigint, size: number): bigint {
  return count & (size === 8 ? 0x3fn : 0x1fn);
}

/** shl/sal by an already masked count; a count of 0 changes nothing (flags included). */
export function shl(s: FlagSink, a: bigint, c: bigint, size: number): bigint {
  if (c === 0n) return a;
  const n = BITS[size];
  const full = a << c;
  const r = full & MASK[size];
  const cf = ((full >> n) & 1n) !== 0n ? CF : 0;
  const msb = (r & SIGN[size]) !== 0n ? 1 : 0;
  s.flags = (s.flags & ~STATUS) | szp(r, size) | cf | (msb ^ (cf ? 1 : 0) ? OF : 0);
  return r;
}

export function shr(s: FlagSink, a: bigint, c: bigint, size: number): bigint {
  if (c === 0n) return a;
  const r = a >> c;
  const cf = ((a >> (c - 1n)) & 1n) !== 0n ? CF : 0;
  s.flags = (s.flags & ~STATUS) | szp(r, size) | cf | ((a & SIGN[size]) !== 0n ? OF : 0);
  return r;
}

export function sar(s: FlagSink, a: bigint, c: bigint, size: number): bigint {
  if (c === 0n) return a;
  const n = Number(BITS[size]);
  const sa = BigInt.asIntN(n, a);
  const r = BigInt.asUintN(n, sa >> c);
  const cf = ((sa >> (c - 1n)) & 1n) !== 0n ? CF : 0;
  s.flags = (s.flags & ~STATUS) | szp(r, size) | cf;
  return r;
}

/** rol: only CF and OF change. */
export function rol(s: FlagSink, a: bigint, c: bigint, size: number): bigint {
  if (c === 0n) return a;
  const n = BITS[size];
  const k = c % n;
  const r = k === 0n ? a : ((a << k) | (a >> (n - k))) & MASK[size];
  const cf = r & 1n ? CF : 0;
  const msb = (r & SIGN[size]) !== 0n ? 1 : 0;
  s.flags = (s.flags & ~(CF | OF)) | cf | (msb ^ (cf ? 1 : 0) ? OF : 0);
  return r;
}

/** ror: only CF and OF change. */
export function ror(s: FlagSink, a: bigint, c: bigint, size: number): bigint {
  if (c === 0n) return a;
  const n = BITS[size];
  const k = c % n;
  const r = k === 0n ? a : ((a >> k) | (a << (n - k))) & MASK[size];
  const sign = SIGN[size];
  const msb = (r & sign) !== 0n ? 1 : 0;
  const msb2 = (r & (sign >> 1n)) !== 0n ? 1 : 0;
  s.flags = (s.flags & ~(CF | OF)) | (msb ? CF : 0) | (msb ^ msb2 ? OF : 0);
  return r;
}

/** rcl / rcr: rotate through CF, one bit at a time (rare; simplicity over speed). */
export function rcl(s: FlagSink, a: bigint, c: bigint, size: number): bigint {
  const n = BITS[size];
  const k = size === 1 ? c % 9n : size === 2 ? c % 17n : c;
  if (k === 0n) return a;
  let r = a;
  let cf = BigInt(s.flags & CF);
  for (let i = 0n; i < k; i++) {
    const out = (r >> (n - 1n)) & 1n;
    r = ((r << 1n) | cf) & MASK[size];
    cf = out;
  }
  const msb = (r & SIGN[size]) !== 0n ? 1n : 0n;
  s.flags = (s.flags & ~(CF | OF)) | (cf ? CF : 0) | (msb ^ cf ? OF : 0);
  return r;
}

export function rcr(s: FlagSink, a: bigint, c: bigint, size: number): bigint {
  const n = BITS[size];
  const k = size === 1 ? c % 9n : size === 2 ? c % 17n : c;
  if (k === 0n) return a;
  let r = a;
  let cf = BigInt(s.flags & CF);
  const of = (((r >> (n - 1n)) & 1n) ^ cf) !== 0n;
  for (let i = 0n; i < k; i++) {
    const out = r & 1n;
    r = (r >> 1n) | (cf << (n - 1n));
    cf = out;
  }
  s.flags = (s.flags & ~(CF | OF)) | (cf ? CF : 0) | (of ? OF : 0);
  return r;
}

/** shld dst, src, count (count already masked; 16-bit counts above 16 are undefined). */
export function shld(s: FlagSink, a: bigint, b: bigint, c: bigint, size: number): bigint {
  if (c === 0n) return a;
  const n = BITS[size];
  const wide = (a << n) | b;
  const r = ((wide << c) >> n) & MASK[size];
  const cf = ((a >> (n - c)) & 1n) !== 0n ? CF : 0;
  const of = ((a ^ r) & SIGN[size]) !== 0n ? OF : 0;
  s.flags = (s.flags & ~STATUS) | szp(r, size) | cf | of;
  return r;
}

export function shrd(s: FlagSink, a: bigint, b: bigint, c: bigint, size: number): bigint {
  if (c === 0n) return a;
  const n = BITS[size];
  const wide = (b << n) | a;
  const r = (wide >> c) & MASK[size];
  const cf = ((a >> (c - 1n)) & 1n) !== 0n ? CF : 0;
  const of = ((a ^ r) & SIGN[size]) !== 0n ? OF : 0;
  s.flags = (s.flags & ~STATUS) | szp(r, size) | cf | of;
  return r;
}

/**
 * Flags after mul/imul: CF = OF = `overflow`. SF ZF PF AF are undefined; set from the truncated
 * result (as Intel cores do for SF/ZF/PF), AF cleared.
 */
export function mulFlags(s: FlagSink, lowResult: bigint, overflow: boolean, size: number): void {
  s.flags = (s.flags & ~STATUS) | szp(lowResult, size) | (overflow ? CF | OF : 0);
}

/** Condition codes in encoding order (o no b ae e ne be a s ns p np l ge le g). */
export function condition(flags: number, cc: number): boolean {
  switch (cc) {
    case 0:
      return (flags & OF) !== 0;
    case 1:
      return (flags & OF) === 0;
    case 2:
      return (flags & CF) !== 0;
    case 3:
      return (flags & CF) === 0;
    case 4:
      return (flags & ZF) !== 0;
    case 5:
      return (flags & ZF) === 0;
    case 6:
      return (flags & (CF | ZF)) !== 0;
    case 7:
      return (flags & (CF | ZF)) === 0;
    case 8:
      return (flags & SF) !== 0;
    case 9:
      return (flags & SF) === 0;
    case 10:
      return (flags & PF) !== 0;
    case 11:
      return (flags & PF) === 0;
    case 12:
      return ((flags & SF) !== 0) !== ((flags & OF) !== 0);
    case 13:
      return ((flags & SF) !== 0) === ((flags & OF) !== 0);
    case 14:
      return (flags & ZF) !== 0 || ((flags & SF) !== 0) !== ((flags & OF) !== 0);
    case 15:
      return (flags & ZF) === 0 && ((flags & SF) !== 0) === ((flags & OF) !== 0);
    default:
      return false;
  }
}

/** Condition suffix (as iced spells it: a ae b be e g ge l le ne no np ns o p s) → code. */
export const CONDITIONS: ReadonlyMap<string, number> = new Map([
  ['o', 0],
  ['no', 1],
  ['b', 2],
  ['ae', 3],
  ['e', 4],
  ['ne', 5],
  ['be', 6],
  ['a', 7],
  ['s', 8],
  ['ns', 9],
  ['p', 10],
  ['np', 11],
  ['l', 12],
  ['ge', 13],
  ['le', 14],
  ['g', 15],
]);

/** "ZF SF …" for display. */
export function describeFlags(flags: number): string {
  const names: [number, string][] = [
    [CF, 'CF'],
    [PF, 'PF'],
    [AF, 'AF'],
    [ZF, 'ZF'],
    [SF, 'SF'],
    [DF, 'DF'],
    [OF, 'OF'],
  ];
  return names
    .filter(([b]) => flags & b)
    .map(([, n]) => n)
    .join(' ');
}
