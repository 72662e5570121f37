/**
 * Number versions of the hottest handlers (mov, lea, the ALU ops, inc/dec/neg/not, 32/64-bit shifts, push/pop,
 * call/ret, cmovcc/setcc): registers read and written as 32-bit halves through Cpu.g32 (the same bytes as
 * Cpu.gpr), addresses computed as halves, memory of a cached span read and written through a DataView, flags as
 * numbers. No BigInt is made on their common paths; anything else (another memory, a %gs operand, an odd size)
 * goes through exec.ts's BigInt handlers, which stay the reference: compile() picks one of these only for the forms
 * it covers, and the differential test runs them against the host CPU.
 */
import type { Cpu } from './cpu';
import { OP_BRANCH as BRANCH, OP_IMM as IMM, OP_MEM as MEM, OP_REG as REG, type COperand, type Handler, type Op } from './op';
import { AF, CF, OF, PARITY, SF, STATUS, ZF, condition } from './flags';
import { P, fast64Handler, mul64 as mul64Words } from './fast-ops64';

const TWO32 = 4294967296;
/** g32 indexes of rsp's halves. */
const SP_LO = 8,
  SP_HI = 9;
const MASKN = [0, 0xff, 0xffff, 0, 0xffffffff, 0, 0, 0, 0xffffffff];
const SIGNN = [0, 0x80, 0x8000, 0, 0x80000000, 0, 0, 0, 0x80000000];

/**
 * Results of the helpers, in the fields of one object: a field holding a number stores it in place, where a module
 * variable would box every value above 2^31 in a new heap number (the garbage collector's work). L:H a value,
 * AL:AH an address, P0..P3 a 128-bit product.
 */
class Scratch {
  L = 0;
  H = 0;
  AL = 0;
  AH = 0;
  P0 = 0;
  P1 = 0;
  P2 = 0;
  P3 = 0;
}
const S = new Scratch();

const big = (lo: number, hi: number): bigint => (hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo));

/** The operand's effective address (no segment base: operands with one are not compiled here). */
function address(c: Cpu, o: COperand): void {
  const g = c.g32;
  let lo = o.vLo;
  let hi = o.vHi;
  if (o.base >= 0) {
    lo += g[2 * o.base];
    hi += g[2 * o.base + 1];
  }
  if (o.index >= 0) {
    lo += g[2 * o.index] * o.scaleN;
    hi += g[2 * o.index + 1] * o.scaleN;
  }
  S.AL = lo >>> 0;
  S.AH = o.a32 ? 0 : (hi + Math.floor(lo / TWO32)) >>> 0;
}

function readAt(c: Cpu, size: number): void {
  const off = c.spanOffset(S.AL, S.AH, size, false);
  if (off >= 0) {
    const v = c.spanView[c.spanAt];
    S.H = 0;
    if (size === 8) {
      S.L = v.getUint32(off, true);
      S.H = v.getUint32(off + 4, true);
    } else if (size === 4) S.L = v.getUint32(off, true);
    else if (size === 2) S.L = v.getUint16(off, true);
    else S.L = v.getUint8(off);
    return;
  }
  const x = c.readMem(big(S.AL, S.AH), size);
  S.L = Number(x & 0xffffffffn);
  S.H = Number(x >> 32n);
}

function writeAt(c: Cpu, size: number, lo: number, hi: number): void {
  const off = c.spanOffset(S.AL, S.AH, size, true);
  if (off >= 0) {
    const v = c.spanView[c.spanAt];
    if (size === 8) {
      v.setUint32(off, lo, true);
      v.setUint32(off + 4, hi, true);
    } else if (size === 4) v.setUint32(off, lo, true);
    else if (size === 2) v.setUint16(off, lo, true);
    else v.setUint8(off, lo);
    return;
  }
  c.writeMem(big(S.AL, S.AH), big(lo, hi), size);
}

/** Operand value into L:H (registers and memory zero-extended from their size; immediates sign-extended to 64 bits). */
function read(c: Cpu, o: COperand): void {
  if (o.kind === REG) {
    const g = c.g32;
    const r = o.reg;
    const i = 2 * r.idx;
    S.H = 0;
    if (r.size === 8) {
      S.L = g[i];
      S.H = g[i + 1];
    } else if (r.size === 4) S.L = g[i];
    else if (r.size === 2) S.L = g[i] & 0xffff;
    else S.L = r.high ? (g[i] >>> 8) & 0xff : g[i] & 0xff;
  } else if (o.kind === MEM) {
    address(c, o);
    readAt(c, o.size);
  } else {
    S.L = o.vLo;
    S.H = o.vHi;
  }
}

/** L:H truncated to size bytes. */
function maskTo(size: number): void {
  if (size === 8) return;
  S.H = 0;
  if (size !== 4) S.L &= MASKN[size];
}

/** Write lo:hi (already truncated) with long-mode register rules. */
function writeReg(c: Cpu, o: COperand, lo: number, hi: number): void {
  const g = c.g32;
  const r = o.reg;
  const i = 2 * r.idx;
  if (r.size === 8) {
    g[i] = lo;
    g[i + 1] = hi;
  } else if (r.size === 4) {
    g[i] = lo;
    g[i + 1] = 0;
  } else if (r.size === 2) g[i] = (g[i] & 0xffff0000) | lo;
  else if (r.high) g[i] = (g[i] & 0xffff00ff) | (lo << 8);
  else g[i] = (g[i] & 0xffffff00) | lo;
}

/** Write to a register, or to memory at the address read() computed last (AL:AH). */
function writeBack(c: Cpu, o: COperand, lo: number, hi: number): void {
  if (o.kind === REG) writeReg(c, o, lo, hi);
  else writeAt(c, o.size, lo, hi);
}

function write(c: Cpu, o: COperand, lo: number, hi: number): void {
  if (o.kind === MEM) address(c, o);
  writeBack(c, o, lo, hi);
}

const szp = (lo: number, hi: number, size: number): number =>
  ((lo | hi) === 0 ? ZF : 0) | ((size === 8 ? hi : lo) & SIGNN[size] ? SF : 0) | PARITY[lo & 0xff];

// ---- arithmetic: a = aL:aH, b = bL:bH (truncated), result in L:H, flags into c.flags ----------------------------

function add(c: Cpu, aL: number, aH: number, bL: number, bH: number, cin: number, size: number): void {
  let cf: number;
  let of: number;
  if (size === 8) {
    const lo = aL + bL + cin;
    const hi = aH + bH + (lo >= TWO32 ? 1 : 0);
    S.L = lo >>> 0;
    S.H = hi >>> 0;
    cf = hi >= TWO32 ? CF : 0;
    of = (aH ^ S.H) & (bH ^ S.H) & 0x80000000 ? OF : 0;
  } else {
    const full = aL + bL + cin;
    S.L = size === 4 ? full >>> 0 : full & MASKN[size];
    S.H = 0;
    cf = full > MASKN[size] ? CF : 0;
    of = (aL ^ S.L) & (bL ^ S.L) & SIGNN[size] ? OF : 0;
  }
  c.flags = (c.flags & ~STATUS) | szp(S.L, S.H, size) | cf | of | ((aL ^ bL ^ S.L) & 0x10 ? AF : 0);
}

function sub(c: Cpu, aL: number, aH: number, bL: number, bH: number, bin: number, size: number): void {
  let cf: number;
  let of: number;
  if (size === 8) {
    const lo = aL - bL - bin;
    const hi = aH - bH - (lo < 0 ? 1 : 0);
    S.L = lo >>> 0;
    S.H = hi >>> 0;
    cf = hi < 0 ? CF : 0;
    of = (aH ^ bH) & (aH ^ S.H) & 0x80000000 ? OF : 0;
  } else {
    const d = aL - bL - bin;
    S.L = size === 4 ? d >>> 0 : d & MASKN[size];
    S.H = 0;
    cf = d < 0 ? CF : 0;
    of = (aL ^ bL) & (aL ^ S.L) & SIGNN[size] ? OF : 0;
  }
  c.flags = (c.flags & ~STATUS) | szp(S.L, S.H, size) | cf | of | ((aL ^ bL ^ S.L) & 0x10 ? AF : 0);
}

type AluKind = 'add' | 'adc' | 'sub' | 'sbb' | 'cmp' | 'and' | 'or' | 'xor' | 'test';

function alu(kind: AluKind): Handler {
  const writes = kind !== 'cmp' && kind !== 'test';
  return (c, op) => {
    const d = op.o[0];
    const size = d.size;
    read(c, d);
    const aL = S.L;
    const aH = S.H;
    const dAL = S.AL;
    const dAH = S.AH;
    read(c, op.o[1]);
    maskTo(size);
    const bL = S.L;
    const bH = S.H;
    switch (kind) {
      case 'add':
        add(c, aL, aH, bL, bH, 0, size);
        break;
      case 'adc':
        add(c, aL, aH, bL, bH, c.flags & CF, size);
        break;
      case 'sub':
      case 'cmp':
        sub(c, aL, aH, bL, bH, 0, size);
        break;
      case 'sbb':
        sub(c, aL, aH, bL, bH, c.flags & CF, size);
        break;
      default:
        S.L = (kind === 'and' || kind === 'test' ? aL & bL : kind === 'or' ? aL | bL : aL ^ bL) >>> 0;
        S.H = (kind === 'and' || kind === 'test' ? aH & bH : kind === 'or' ? aH | bH : aH ^ bH) >>> 0;
        c.flags = (c.flags & ~STATUS) | szp(S.L, S.H, size);
    }
    if (!writes) return;
    S.AL = dAL;
    S.AH = dAH;
    writeBack(c, d, S.L, S.H);
  };
}

function unary(kind: 'inc' | 'dec' | 'neg' | 'not'): Handler {
  return (c, op) => {
    const d = op.o[0];
    const size = d.size;
    read(c, d);
    if (kind === 'not') {
      S.L = (~S.L & MASKN[size]) >>> 0;
      S.H = size === 8 ? ~S.H >>> 0 : 0;
    } else if (kind === 'neg') sub(c, 0, 0, S.L, S.H, 0, size);
    else {
      const cf = c.flags & CF;
      if (kind === 'inc') add(c, S.L, S.H, 1, 0, 0, size);
      else sub(c, S.L, S.H, 1, 0, 0, size);
      c.flags = (c.flags & ~CF) | cf;
    }
    writeBack(c, d, S.L, S.H);
  };
}

/** shl / shr / sar of a 32- or 64-bit operand by an immediate, cl or 1 (flags as flags.ts's shl, shr, sar). */
function shift(kind: 'shl' | 'shr' | 'sar'): Handler {
  return (c, op) => {
    const d = op.o[0];
    const size = d.size;
    let n = 1;
    if (op.o.length > 1) {
      read(c, op.o[1]);
      n = S.L & (size === 8 ? 0x3f : 0x1f);
    }
    read(c, d);
    if (n === 0) {
      if (size === 4) writeBack(c, d, S.L, 0); // a 32-bit destination is still written: upper half cleared
      return;
    }
    const aL = S.L;
    const aH = S.H;
    let cf: number;
    let of = 0;
    if (size === 4) {
      if (kind === 'shl') {
        S.L = (aL << n) >>> 0;
        cf = (aL >>> (32 - n)) & 1;
        of = (S.L >>> 31) ^ cf;
      } else if (kind === 'shr') {
        S.L = aL >>> n;
        cf = (aL >>> (n - 1)) & 1;
        of = aL >>> 31;
      } else {
        S.L = ((aL | 0) >> n) >>> 0;
        cf = ((aL | 0) >> (n - 1)) & 1;
      }
      S.H = 0;
    } else {
      if (kind === 'shl') {
        if (n < 32) {
          S.H = ((aH << n) | (aL >>> (32 - n))) >>> 0;
          S.L = (aL << n) >>> 0;
          cf = (aH >>> (32 - n)) & 1;
        } else {
          S.H = (aL << (n - 32)) >>> 0;
          S.L = 0;
          cf = n === 32 ? aH & 1 : (aL >>> (64 - n)) & 1;
        }
        of = (S.H >>> 31) ^ cf;
      } else {
        const k = n - 1;
        cf = k < 32 ? (aL >>> k) & 1 : (aH >>> (k - 32)) & 1;
        if (n < 32) {
          S.L = ((aL >>> n) | (aH << (32 - n))) >>> 0;
          S.H = kind === 'shr' ? aH >>> n : ((aH | 0) >> n) >>> 0;
        } else {
          S.L = kind === 'shr' ? aH >>> (n - 32) : ((aH | 0) >> (n - 32)) >>> 0;
          S.H = kind === 'shr' ? 0 : ((aH | 0) >> 31) >>> 0;
        }
        if (kind === 'shr') of = aH >>> 31;
      }
    }
    c.flags = (c.flags & ~STATUS) | szp(S.L, S.H, size) | (cf ? CF : 0) | (of ? OF : 0);
    writeBack(c, d, S.L, S.H);
  };
}

// ---- multiplication and double shifts ---------------------------------------------------------------------------

/** The 128-bit product of two unsigned 64-bit values, as 32-bit words P0 (low) … P3. */
function mul64(aL: number, aH: number, bL: number, bH: number): void {
  mul64Words(aL, aH, bL, bH);
  S.P0 = P[0];
  S.P1 = P[1];
  S.P2 = P[2];
  S.P3 = P[3];
}

/** P2:P3 turned into the high half of the signed product (a, b the 64-bit operands). */
function signedHigh(aL: number, aH: number, bL: number, bH: number): void {
  let lo = S.P2;
  let hi = S.P3;
  if (aH >>> 31) {
    lo -= bL;
    hi -= bH;
  }
  if (bH >>> 31) {
    lo -= aL;
    hi -= aH;
  }
  S.P2 = lo >>> 0;
  S.P3 = (hi + Math.floor(lo / TWO32)) >>> 0;
}

/** mul / imul with one operand, 32 or 64 bits: rdx:rax (edx:eax) = rax (eax) × operand. */
function mulWide(signed: boolean): Handler {
  return (c, op) => {
    const s = op.o[0];
    const size = s.size;
    read(c, s);
    const g = c.g32;
    const aL = g[0];
    let aH = size === 8 ? g[1] : 0;
    const bL = S.L;
    let bH = S.H;
    if (signed && size === 4) {
      aH = aL >>> 31 ? 0xffffffff : 0;
      bH = bL >>> 31 ? 0xffffffff : 0;
    }
    mul64(aL, aH, bL, bH);
    let overflow: boolean;
    if (size === 8) {
      if (signed) signedHigh(aL, aH, bL, bH);
      g[0] = S.P0;
      g[1] = S.P1;
      g[4] = S.P2;
      g[5] = S.P3;
      overflow = signed ? S.P2 !== S.P3 || S.P3 !== (S.P1 >>> 31 ? 0xffffffff : 0) : (S.P2 | S.P3) !== 0;
    } else {
      g[0] = S.P0;
      g[1] = 0;
      g[4] = S.P1;
      g[5] = 0;
      overflow = signed ? S.P1 !== (S.P0 >>> 31 ? 0xffffffff : 0) : S.P1 !== 0;
    }
    c.flags = (c.flags & ~STATUS) | szp(S.P0, size === 8 ? S.P1 : 0, size) | (overflow ? CF | OF : 0);
  };
}

/** imul with two or three operands (32 or 64 bits): the truncated signed product. */
const imulN: Handler = (c, op) => {
  const o = op.o;
  const d = o[0];
  const size = d.size;
  read(c, o.length === 3 ? o[1] : d);
  maskTo(size);
  const aL = S.L;
  const aH = S.H;
  read(c, o.length === 3 ? o[2] : o[1]);
  maskTo(size);
  let overflow: boolean;
  if (size === 8) {
    mul64(aL, aH, S.L, S.H);
    signedHigh(aL, aH, S.L, S.H);
    overflow = S.P2 !== S.P3 || S.P3 !== (S.P1 >>> 31 ? 0xffffffff : 0);
    S.L = S.P0;
    S.H = S.P1;
  } else {
    const lo = Math.imul(aL, S.L);
    overflow = (aL | 0) * (S.L | 0) !== lo;
    S.L = lo >>> 0;
    S.H = 0;
  }
  c.flags = (c.flags & ~STATUS) | szp(S.L, S.H, size) | (overflow ? CF | OF : 0);
  writeReg(c, d, S.L, S.H);
};

/** Bits k … k + 63 of the 128-bit w3:w2:w1:w0 (0 < k < 64) into L:H. */
function funnel(w0: number, w1: number, w2: number, w3: number, k: number): void {
  const r = k & 31;
  if (k >= 32) {
    w0 = w1;
    w1 = w2;
    w2 = w3;
  }
  S.L = r ? ((w0 >>> r) | (w1 << (32 - r))) >>> 0 : w0;
  S.H = r ? ((w1 >>> r) | (w2 << (32 - r))) >>> 0 : w1;
}

/** shld / shrd of 32 or 64 bits by an immediate or cl (flags as flags.ts's shld, shrd). */
function dshift(left: boolean): Handler {
  return (c, op) => {
    const [d, s, cnt] = op.o;
    const size = d.size;
    read(c, cnt);
    const n = S.L & (size === 8 ? 0x3f : 0x1f);
    read(c, d);
    if (n === 0) {
      if (size === 4) writeBack(c, d, S.L, 0); // a 32-bit destination is still written: upper half cleared
      return;
    }
    const aL = S.L;
    const aH = S.H;
    const dAL = S.AL;
    const dAH = S.AH;
    read(c, s);
    const sL = S.L;
    const sH = S.H;
    let cf: number;
    if (size === 4) {
      S.L = left ? ((aL << n) | (sL >>> (32 - n))) >>> 0 : ((aL >>> n) | (sL << (32 - n))) >>> 0;
      S.H = 0;
      cf = left ? (aL >>> (32 - n)) & 1 : (aL >>> (n - 1)) & 1;
    } else if (left) {
      funnel(sL, sH, aL, aH, 64 - n);
      const k = 64 - n;
      cf = k < 32 ? (aL >>> k) & 1 : (aH >>> (k - 32)) & 1;
    } else {
      funnel(aL, aH, sL, sH, n);
      const k = n - 1;
      cf = k < 32 ? (aL >>> k) & 1 : (aH >>> (k - 32)) & 1;
    }
    const of = ((size === 8 ? aH ^ S.H : aL ^ S.L) >>> 31) & 1;
    c.flags = (c.flags & ~STATUS) | szp(S.L, S.H, size) | (cf ? CF : 0) | (of ? OF : 0);
    S.AL = dAL;
    S.AH = dAH;
    writeBack(c, d, S.L, S.H);
  };
}

// ---- data movement ----------------------------------------------------------------------------------------------

const mov: Handler = (c, op) => {
  const d = op.o[0];
  read(c, op.o[1]);
  maskTo(d.size);
  write(c, d, S.L, S.H);
};
const movRegReg64: Handler = (c, op) => {
  const g = c.g32;
  const d = op.r0;
  const s = op.r1;
  g[d] = g[s];
  g[d + 1] = g[s + 1];
};
const movsx: Handler = (c, op) => {
  const d = op.o[0];
  const s = op.o[1];
  read(c, s);
  const v = s.size === 1 ? (S.L << 24) >> 24 : s.size === 2 ? (S.L << 16) >> 16 : S.L | 0;
  S.L = v >>> 0;
  S.H = v < 0 ? 0xffffffff : 0;
  maskTo(d.size);
  write(c, d, S.L, S.H);
};
const lea: Handler = (c, op) => {
  const d = op.o[0];
  address(c, op.o[1]);
  S.L = S.AL;
  S.H = S.AH;
  maskTo(d.size);
  writeReg(c, d, S.L, S.H);
};

/** Push lo:hi (size bytes); the same stack-overflow fault as Cpu.push below the stack. */
function push(c: Cpu, lo: number, hi: number, size: number): void {
  const g = c.g32;
  let sl = g[SP_LO] - size;
  let sh = g[SP_HI];
  if (sl < 0) {
    sl += TWO32;
    sh = (sh - 1) >>> 0;
  }
  if (c.stackLow !== c.stackLowOf) {
    c.stackLowOf = c.stackLow;
    c.stackLowLo = Number(c.stackLow & 0xffffffffn);
    c.stackLowHi = Number(c.stackLow >> 32n);
  }
  if (sh < c.stackLowHi || (sh === c.stackLowHi && sl < c.stackLowLo)) {
    c.push(big(lo, hi), size); // throws the fault
    return;
  }
  S.AL = sl;
  S.AH = sh;
  writeAt(c, size, lo, hi);
  g[SP_LO] = sl;
  g[SP_HI] = sh;
}

/** Pop size bytes into L:H (rsp wraps as Cpu.pop's BigUint64Array store does). */
function pop(c: Cpu, size: number): void {
  const g = c.g32;
  S.AL = g[SP_LO];
  S.AH = g[SP_HI];
  readAt(c, size);
  const sl = S.AL + size;
  g[SP_LO] = sl >>> 0;
  if (sl >= TWO32) g[SP_HI] = (S.AH + 1) >>> 0;
}

const pushOp: Handler = (c, op) => {
  const s = op.o[0];
  // push imm is 8 bytes, or 2 with a 0x66 prefix (pushw); the decoder gives the immediate that size.
  const size = s.kind === IMM ? (s.size === 2 ? 2 : 8) : s.size;
  read(c, s);
  maskTo(size);
  push(c, S.L, S.H, size);
};
const popReg: Handler = (c, op) => {
  const d = op.o[0];
  pop(c, d.size);
  writeReg(c, d, S.L, S.H);
};
const callDirect: Handler = (c, op) => {
  push(c, op.nextLo, op.nextHi, 8);
  c.rip = op.o[0].value;
};
const ret: Handler = (c) => {
  const g = c.g32;
  S.AL = g[SP_LO];
  S.AH = g[SP_HI];
  const off = c.spanOffset(S.AL, S.AH, 8, false);
  c.rip = off >= 0 ? c.spanView[c.spanAt].getBigUint64(off, true) : c.readMem(big(S.AL, S.AH), 8);
  const sl = S.AL + 8;
  g[SP_LO] = sl >>> 0;
  if (sl >= TWO32) g[SP_HI] = (S.AH + 1) >>> 0;
};
const cmovcc: Handler = (c, op) => {
  const d = op.o[0];
  // The source is read whatever the condition (a false cmov from a bad address faults: SDM CMOVcc).
  read(c, op.o[1]);
  if (condition(c.flags, op.cc)) writeReg(c, d, S.L, S.H);
  else if (d.size === 4) c.g32[2 * d.reg.idx + 1] = 0; // a 32-bit cmov zero-extends even when false
};
const setcc: Handler = (c, op) => write(c, op.o[0], condition(c.flags, op.cc) ? 1 : 0, 0);

const ALU: ReadonlySet<string> = new Set(['add', 'adc', 'sub', 'sbb', 'cmp', 'and', 'or', 'xor', 'test']);
const ALU_H = new Map([...ALU].map((k) => [k, alu(k as AluKind)]));
const UNARY = new Map<string, Handler>((['inc', 'dec', 'neg', 'not'] as const).map((k) => [k, unary(k)]));
const SHIFT = new Map<string, Handler>([
  ['shl', shift('shl')],
  ['sal', shift('shl')],
  ['shr', shift('shr')],
  ['sar', shift('sar')],
]);

const MUL = mulWide(false);
const IMUL1 = mulWide(true);
const SHLD = dshift(true);
const SHRD = dshift(false);

/** True for the Number handlers that leave rip alone (all but call and ret): run.ts chains them. */
export function straightHandler(h: Handler): boolean {
  return h !== callDirect && h !== ret;
}

/**
 * A Number handler for this compiled instruction, or null when exec.ts's handler must run it: fast-ops64.ts's
 * specialised one for its 64-bit forms (falling back to the general one here), else the general one.
 */
export function fastHandler(mnemonic: string, op: Op): Handler | null {
  const h = generalHandler(mnemonic, op);
  return h && (fast64Handler(mnemonic, op, h) ?? h);
}

function generalHandler(mnemonic: string, op: Op): Handler | null {
  const o = op.o;
  for (const x of o) {
    if (x.kind === MEM && x.seg !== 0) return null;
    // lea's memory operand has no access size.
    if (x.kind === BRANCH || (x.kind === MEM && mnemonic === 'lea')) continue;
    if (x.size !== 1 && x.size !== 2 && x.size !== 4 && x.size !== 8) return null;
  }
  const n = o.length;
  if (op.cc >= 0 && mnemonic.startsWith('cmov')) return n === 2 && o[0].kind === REG ? cmovcc : null;
  if (op.cc >= 0 && mnemonic.startsWith('set')) return n === 1 ? setcc : null;
  switch (mnemonic) {
    case 'mov':
    case 'movzx':
      if (n !== 2 || o[0].kind === IMM) return null;
      return o[0].kind === REG && o[1].kind === REG && o[0].size === 8 && o[1].size === 8 ? movRegReg64 : mov;
    case 'movsx':
    case 'movsxd':
      return n === 2 && o[0].kind !== IMM && o[1].kind !== IMM ? movsx : null;
    case 'lea':
      return n === 2 && o[0].kind === REG && o[1].kind === MEM ? lea : null;
    case 'push':
      return n === 1 && o[0].kind !== MEM ? pushOp : null;
    case 'pop':
      return n === 1 && o[0].kind === REG ? popReg : null;
    case 'call':
      return n === 1 && o[0].kind === BRANCH ? callDirect : null;
    case 'ret':
      return n === 0 ? ret : null;
    case 'mul':
    case 'imul':
      if (n === 1) return o[0].size === 4 || o[0].size === 8 ? (mnemonic === 'mul' ? MUL : IMUL1) : null;
      return (n === 2 || n === 3) && o[0].kind === REG && (o[0].size === 4 || o[0].size === 8) ? imulN : null;
    case 'shld':
    case 'shrd':
      return n === 3 && o[0].kind !== IMM && (o[0].size === 4 || o[0].size === 8) ? (mnemonic === 'shld' ? SHLD : SHRD) : null;
    default:
  }
  if (ALU.has(mnemonic)) return n === 2 && o[0].kind !== IMM ? (ALU_H.get(mnemonic) ?? null) : null;
  const u = UNARY.get(mnemonic);
  if (u) return n === 1 && o[0].kind !== IMM ? u : null;
  const s = SHIFT.get(mnemonic);
  if (s) return (n === 1 || n === 2) && o[0].kind !== IMM && (o[0].size === 4 || o[0].size === 8) ? s : null;
  return null;
}
