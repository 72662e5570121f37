/**
 * Specialised Number handlers for the 64-bit forms that dominate long computations (libcurve25519's self-test is
 * nearly all mov / add / adc / mul / lea / shr / shrd / and / xor between 64-bit registers and stack slots). Each
 * works on the registers' 32-bit halves (Cpu.g32) in locals and stores its result straight into them: no value
 * passes through a helper, so none is boxed in a heap number. A memory operand outside the cached spans, or a write
 * while a recorder collects writes, is handed to fast-ops.ts's general handler for the same form (nothing has
 * changed yet when it is). Flags as flags.ts computes them; fastHandler() picks one of these only for exactly the
 * forms they cover, and the differential test runs them against the host CPU.
 */
import type { Cpu } from './cpu';
import { OP_IMM as IMM, OP_MEM as MEM, OP_REG as REG, type COperand, type Handler, type Op } from './op';
import { AF, CF, OF, PARITY, SF, STATUS, ZF } from './flags';

const TWO32 = 4294967296;
/** 2^-32 exactly: x * INV32 is x / 2^32 without a division. */
const INV32 = 1 / TWO32;

/** The 128-bit product of two unsigned 64-bit values (mul64), as 32-bit words: P[0] (low) … P[3]. */
export const P = new Uint32Array(4);
/** Effective address of the last ea() as halves: EA[0] low, EA[1] high. */
const EA = new Float64Array(2);

/**
 * P = aH:aL × bH:bL (unsigned, 128 bits) from four 32 × 32 products: the low word of each by Math.imul (exact), the
 * high word as (a*b - low) / 2^32 rounded (the double a*b is within 2^11 of the exact product, below 2^64).
 */
export function mul64(aL: number, aH: number, bL: number, bH: number): void {
  const ll = Math.imul(aL, bL) >>> 0;
  const llH = Math.round((aL * bL - ll) * INV32);
  const lh = Math.imul(aL, bH) >>> 0;
  const lhH = Math.round((aL * bH - lh) * INV32);
  const hl = Math.imul(aH, bL) >>> 0;
  const hlH = Math.round((aH * bL - hl) * INV32);
  const hh = Math.imul(aH, bH) >>> 0;
  const hhH = Math.round((aH * bH - hh) * INV32);
  const t1 = llH + lh + hl;
  const p1 = t1 >>> 0;
  const t2 = lhH + hlH + hh + (t1 - p1) * INV32;
  const p2 = t2 >>> 0;
  P[0] = ll;
  P[1] = p1;
  P[2] = p2;
  P[3] = hhH + (t2 - p2) * INV32;
}

/** ZF SF PF of the 64-bit result rL:rH. */
function szp64(rL: number, rH: number): number {
  return ((rL | rH) === 0 ? ZF : 0) | ((rH >>> 24) & SF) | PARITY[rL & 0xff];
}

/** The effective address of op's memory operand into EA (no segment: operands with one are not compiled here). */
function ea(c: Cpu, op: Op): void {
  const g = c.g32;
  let lo = op.mLo >>> 0;
  let hi = op.mHi >>> 0;
  const b = op.mb;
  if (b >= 0) {
    lo += g[b];
    hi += g[b + 1];
  }
  const i = op.mi;
  if (i >= 0) {
    lo += g[i] * op.ms;
    hi += g[i + 1] * op.ms;
  }
  const l = lo >>> 0;
  EA[0] = l;
  EA[1] = op.ma32 ? 0 : (hi + (lo - l) * INV32) >>> 0;
}

// ---- data movement ----------------------------------------------------------------------------------------------

/** mov r64, m64. */
function movRM(general: Handler): Handler {
  return (c, op) => {
    ea(c, op);
    const off = c.spanOffset(EA[0], EA[1], 8, false);
    if (off < 0) return general(c, op);
    const v = c.spanView[c.spanAt];
    const g = c.g32;
    const d = op.r0;
    g[d] = v.getUint32(off, true);
    g[d + 1] = v.getUint32(off + 4, true);
  };
}

/** mov m64, r64 / imm32 (sign-extended). */
function movMR(general: Handler): Handler {
  return (c, op) => {
    ea(c, op);
    const off = c.spanOffset(EA[0], EA[1], 8, true);
    if (off < 0) return general(c, op);
    const v = c.spanView[c.spanAt];
    const s = op.r1;
    if (s >= 0) {
      const g = c.g32;
      v.setUint32(off, g[s], true);
      v.setUint32(off + 4, g[s + 1], true);
    } else {
      v.setUint32(off, op.immLo, true);
      v.setUint32(off + 4, op.immHi, true);
    }
  };
}

/** mov r64, imm64 (movabs and mov $imm32 sign-extended). */
const movRI: Handler = (c, op) => {
  const g = c.g32;
  const d = op.r0;
  g[d] = op.immLo;
  g[d + 1] = op.immHi;
};

/** lea r64, m. */
const lea64: Handler = (c, op) => {
  ea(c, op);
  const g = c.g32;
  const d = op.r0;
  g[d] = EA[0];
  g[d + 1] = EA[1];
};

// ---- ALU r64, r64 / imm ------------------------------------------------------------------------------------------

const add64: Handler = (c, op) => {
  const g = c.g32;
  const d = op.r0;
  const s = op.r1;
  const aL = g[d];
  const aH = g[d + 1];
  const bL = s >= 0 ? g[s] : op.immLo >>> 0;
  const bH = s >= 0 ? g[s + 1] : op.immHi >>> 0;
  const lo = aL + bL;
  const rL = lo >>> 0;
  const hi = aH + bH + (lo - rL) * INV32;
  const rH = hi >>> 0;
  g[d] = rL;
  g[d + 1] = rH;
  c.flags =
    (c.flags & ~STATUS) | szp64(rL, rH) | (hi >= TWO32 ? CF : 0) | ((((aH ^ rH) & (bH ^ rH)) >>> 20) & OF) | ((aL ^ bL ^ rL) & AF);
};

const adc64: Handler = (c, op) => {
  const g = c.g32;
  const d = op.r0;
  const s = op.r1;
  const aL = g[d];
  const aH = g[d + 1];
  const bL = s >= 0 ? g[s] : op.immLo >>> 0;
  const bH = s >= 0 ? g[s + 1] : op.immHi >>> 0;
  const lo = aL + bL + (c.flags & CF);
  const rL = lo >>> 0;
  const hi = aH + bH + (lo - rL) * INV32;
  const rH = hi >>> 0;
  g[d] = rL;
  g[d + 1] = rH;
  c.flags =
    (c.flags & ~STATUS) | szp64(rL, rH) | (hi >= TWO32 ? CF : 0) | ((((aH ^ rH) & (bH ^ rH)) >>> 20) & OF) | ((aL ^ bL ^ rL) & AF);
};

/** sub, sbb (borrow in) and cmp (no write) of r64 and r64 / imm. */
function sub64(kind: 'sub' | 'sbb' | 'cmp'): Handler {
  const body = (c: Cpu, op: Op, bin: number, write: boolean): void => {
    const g = c.g32;
    const d = op.r0;
    const s = op.r1;
    const aL = g[d];
    const aH = g[d + 1];
    const bL = s >= 0 ? g[s] : op.immLo >>> 0;
    const bH = s >= 0 ? g[s + 1] : op.immHi >>> 0;
    const lo = aL - bL - bin;
    const rL = lo >>> 0;
    const hi = aH - bH + (lo - rL) * INV32;
    const rH = hi >>> 0;
    if (write) {
      g[d] = rL;
      g[d + 1] = rH;
    }
    c.flags = (c.flags & ~STATUS) | szp64(rL, rH) | (hi < 0 ? CF : 0) | ((((aH ^ bH) & (aH ^ rH)) >>> 20) & OF) | ((aL ^ bL ^ rL) & AF);
  };
  if (kind === 'sub') return (c, op) => body(c, op, 0, true);
  if (kind === 'sbb') return (c, op) => body(c, op, c.flags & CF, true);
  return (c, op) => body(c, op, 0, false);
}

/** and / or / xor / test of r64 and r64 / imm: CF = OF = AF = 0. */
function logic64(kind: 'and' | 'or' | 'xor' | 'test'): Handler {
  const flags = (c: Cpu, rL: number, rH: number): void => {
    c.flags = (c.flags & ~STATUS) | szp64(rL, rH);
  };
  const operands = (c: Cpu, op: Op): void => {
    const g = c.g32;
    const s = op.r1;
    const d = op.r0;
    B[0] = g[d];
    B[1] = g[d + 1];
    B[2] = s >= 0 ? g[s] : op.immLo >>> 0;
    B[3] = s >= 0 ? g[s + 1] : op.immHi >>> 0;
    B[4] = d;
  };
  switch (kind) {
    case 'and':
      return (c, op) => {
        operands(c, op);
        const g = c.g32;
        const d = B[4];
        g[d] = B[0] & B[2];
        g[d + 1] = B[1] & B[3];
        flags(c, g[d], g[d + 1]);
      };
    case 'or':
      return (c, op) => {
        operands(c, op);
        const g = c.g32;
        const d = B[4];
        g[d] = B[0] | B[2];
        g[d + 1] = B[1] | B[3];
        flags(c, g[d], g[d + 1]);
      };
    case 'xor':
      return (c, op) => {
        operands(c, op);
        const g = c.g32;
        const d = B[4];
        g[d] = B[0] ^ B[2];
        g[d + 1] = B[1] ^ B[3];
        flags(c, g[d], g[d + 1]);
      };
    default:
      return (c, op) => {
        operands(c, op);
        flags(c, (B[0] & B[2]) >>> 0, (B[1] & B[3]) >>> 0);
      };
  }
}
/** The operands of logic64 (a typed array: stores of values above 2^31 box nothing). */
const B = new Uint32Array(5);

// ---- mul, shifts -------------------------------------------------------------------------------------------------

/** mul r/m64: rdx:rax = rax × operand; CF = OF = (rdx != 0); SF ZF PF from rax (as flags.ts's mulFlags). */
function mulR(general: Handler): Handler {
  return (c, op) => {
    const g = c.g32;
    const s = op.r0;
    let bL: number;
    let bH: number;
    if (s >= 0) {
      bL = g[s];
      bH = g[s + 1];
    } else {
      ea(c, op);
      const off = c.spanOffset(EA[0], EA[1], 8, false);
      if (off < 0) return general(c, op);
      const v = c.spanView[c.spanAt];
      bL = v.getUint32(off, true);
      bH = v.getUint32(off + 4, true);
    }
    mul64(g[0], g[1], bL, bH);
    g[0] = P[0];
    g[1] = P[1];
    g[4] = P[2];
    g[5] = P[3];
    c.flags = (c.flags & ~STATUS) | szp64(P[0], P[1]) | ((P[2] | P[3]) !== 0 ? CF | OF : 0);
  };
}

/** shl / shr / sar r64, imm (count masked to 6 bits; 0 changes nothing, flags included). */
function shift64(kind: 'shl' | 'shr' | 'sar'): Handler {
  return (c, op) => {
    const n = op.immLo & 0x3f;
    if (n === 0) return;
    const g = c.g32;
    const d = op.r0;
    const aL = g[d];
    const aH = g[d + 1];
    let rL: number;
    let rH: number;
    let cf: number;
    let of = 0;
    if (kind === 'shl') {
      if (n < 32) {
        rH = ((aH << n) | (aL >>> (32 - n))) >>> 0;
        rL = (aL << n) >>> 0;
        cf = (aH >>> (32 - n)) & 1;
      } else {
        rH = (aL << (n - 32)) >>> 0;
        rL = 0;
        cf = n === 32 ? aH & 1 : (aL >>> (64 - n)) & 1;
      }
      of = (rH >>> 31) ^ cf;
    } else {
      const k = n - 1;
      cf = k < 32 ? (aL >>> k) & 1 : (aH >>> (k - 32)) & 1;
      if (n < 32) {
        rL = ((aL >>> n) | (aH << (32 - n))) >>> 0;
        rH = kind === 'shr' ? aH >>> n : ((aH | 0) >> n) >>> 0;
      } else {
        rL = kind === 'shr' ? aH >>> (n - 32) : ((aH | 0) >> (n - 32)) >>> 0;
        rH = kind === 'shr' ? 0 : ((aH | 0) >> 31) >>> 0;
      }
      if (kind === 'shr') of = aH >>> 31;
    }
    g[d] = rL;
    g[d + 1] = rH;
    c.flags = (c.flags & ~STATUS) | szp64(rL, rH) | cf | (of ? OF : 0);
  };
}

/** shrd r64, r64, imm: bits n … n + 63 of src:dst (flags as flags.ts's shrd). */
const shrd64: Handler = (c, op) => {
  const n = op.immLo & 0x3f;
  if (n === 0) return;
  const g = c.g32;
  const d = op.r0;
  const s = op.r1;
  const aL = g[d];
  const aH = g[d + 1];
  const sL = g[s];
  const sH = g[s + 1];
  let rL: number;
  let rH: number;
  if (n < 32) {
    rL = ((aL >>> n) | (aH << (32 - n))) >>> 0;
    rH = ((aH >>> n) | (sL << (32 - n))) >>> 0;
  } else if (n === 32) {
    rL = aH;
    rH = sL;
  } else {
    rL = ((aH >>> (n - 32)) | (sL << (64 - n))) >>> 0;
    rH = ((sL >>> (n - 32)) | (sH << (64 - n))) >>> 0;
  }
  const k = n - 1;
  const cf = k < 32 ? (aL >>> k) & 1 : (aH >>> (k - 32)) & 1;
  g[d] = rL;
  g[d + 1] = rH;
  c.flags = (c.flags & ~STATUS) | szp64(rL, rH) | cf | ((((aH ^ rH) >>> 31) & 1) !== 0 ? OF : 0);
};

const SUB = sub64('sub');
const SBB = sub64('sbb');
const CMP = sub64('cmp');
const LOGIC = new Map<string, Handler>((['and', 'or', 'xor', 'test'] as const).map((k) => [k, logic64(k)]));
const SHIFT = new Map<string, Handler>([
  ['shl', shift64('shl')],
  ['sal', shift64('shl')],
  ['shr', shift64('shr')],
  ['sar', shift64('sar')],
]);
const reg64 = (o: COperand): boolean => o.kind === REG && o.size === 8;
const mem64 = (o: COperand): boolean => o.kind === MEM && o.size === 8 && o.seg === 0;
const MOV_RM = new Map<Handler, Handler>();
const MOV_MR = new Map<Handler, Handler>();
const MUL = new Map<Handler, Handler>();

/** A specialised handler for this 64-bit form, or null. general: fast-ops.ts's handler for it (the fallback). */
export function fast64Handler(mnemonic: string, op: Op, general: Handler): Handler | null {
  const o = op.o;
  const n = o.length;
  const src = n === 2 && (reg64(o[1]) || o[1].kind === IMM);
  switch (mnemonic) {
    case 'mov':
      if (n !== 2) return null;
      if (reg64(o[0]) && mem64(o[1])) return memo(MOV_RM, movRM, general);
      if (mem64(o[0]) && (reg64(o[1]) || o[1].kind === IMM)) return memo(MOV_MR, movMR, general);
      return reg64(o[0]) && o[1].kind === IMM ? movRI : null;
    case 'lea':
      return n === 2 && reg64(o[0]) && o[1].kind === MEM && o[1].seg === 0 ? lea64 : null;
    case 'add':
      return reg64(o[0]) && src ? add64 : null;
    case 'adc':
      return reg64(o[0]) && src ? adc64 : null;
    case 'sub':
      return reg64(o[0]) && src ? SUB : null;
    case 'sbb':
      return reg64(o[0]) && src ? SBB : null;
    case 'cmp':
      return reg64(o[0]) && src ? CMP : null;
    case 'mul':
      return n === 1 && (reg64(o[0]) || mem64(o[0])) ? memo(MUL, mulR, general) : null;
    case 'shrd':
      return n === 3 && reg64(o[0]) && reg64(o[1]) && o[2].kind === IMM ? shrd64 : null;
    default:
  }
  const l = LOGIC.get(mnemonic);
  if (l) return reg64(o[0]) && src ? l : null;
  const s = SHIFT.get(mnemonic);
  if (s) return n === 2 && reg64(o[0]) && o[1].kind === IMM ? s : null;
  return null;
}

function memo(m: Map<Handler, Handler>, make: (g: Handler) => Handler, general: Handler): Handler {
  let h = m.get(general);
  if (!h) {
    h = make(general);
    m.set(general, h);
  }
  return h;
}
