/**
 * Instruction semantics. A decoded Instruction is compiled once (per address, cached by the
 * interpreter) into an Op: operands resolved to register references / address descriptors and a
 * handler function chosen by mnemonic. Executing is then `cpu.rip = op.next; op.fn(cpu, op)`.
 * Handlers that branch overwrite rip; faults are CpuFault exceptions; int3 and unsupported
 * instructions set cpu.stop.
 */
import { Cpu, RAX, RBX, RCX, RDI, RDX, RSI, RSP, RBP, regRef, type RegRef } from './cpu';
import * as F from './flags';
import { CpuFault, type Instruction, type Operand } from './types';
import { IO_DELAY_PORT, portDevice } from './port-io';
import { XMM_NAME, sseHandlers, undefinedOnMachine, usesXmm } from './exec-sse';
import { tscNow } from './tsc';
import { fastHandler, straightHandler } from './fast-ops';
import { COperand, OP_BRANCH, OP_IMM, OP_MEM, OP_REG, OP_XMM, type Handler, type Op } from './op';

export { COperand, OP_BRANCH, OP_IMM, OP_MEM, OP_REG, OP_XMM, type Handler, type Op };

/** The start of an unsupported stop's why when the instruction reached a device the model does not have. */
export const DEVICE_WHY = 'a device of QEMU\'s PC the model does not have: ';

const M64 = 0xffffffffffffffffn;
const M32 = 0xffffffffn;

const ACC: RegRef[] = [];
const DXR: RegRef[] = [];
for (const [size, a, d] of [
  [1, 'al', 'dl'],
  [2, 'ax', 'dx'],
  [4, 'eax', 'edx'],
  [8, 'rax', 'rdx'],
] as const) {
  ACC[size] = regRef(a) as RegRef;
  DXR[size] = regRef(d) as RegRef;
}
const AH_REF = regRef('ah') as RegRef;

// ---- operand access ------------------------------------------------------------------------

/** Effective address without the segment base (lea). */
function eaRaw(c: Cpu, o: COperand): bigint {
  let a = o.value;
  if (o.base >= 0) a += c.gpr[o.base];
  if (o.index >= 0) a += c.gpr[o.index] * o.scale;
  return o.a32 ? a & M32 : a & M64;
}

export function ea(c: Cpu, o: COperand): bigint {
  const a = eaRaw(c, o);
  return o.seg === 1 ? (a + c.gsBase) & M64 : a;
}

/** Operand value (imm: the sign-extended 64-bit value; mask it to the operation size). */
function get(c: Cpu, o: COperand): bigint {
  switch (o.kind) {
    case OP_REG:
      return c.getReg(o.reg);
    case OP_IMM:
    case OP_BRANCH:
      return o.value;
    default:
      return c.readMem(ea(c, o), o.size);
  }
}

function set(c: Cpu, o: COperand, v: bigint): void {
  if (o.kind === OP_REG) c.setReg(o.reg, v);
  else if (o.kind === OP_MEM) c.writeMem(ea(c, o), v, o.size);
  else throw new Error('write to an immediate operand');
}

/** Read-modify-write destination: the address is computed once. */
let rmwAddr = 0n;
function getD(c: Cpu, o: COperand): bigint {
  if (o.kind === OP_MEM) {
    rmwAddr = ea(c, o);
    return c.readMem(rmwAddr, o.size);
  }
  return c.getReg(o.reg);
}
function setD(c: Cpu, o: COperand, v: bigint): void {
  if (o.kind === OP_MEM) c.writeMem(rmwAddr, v, o.size);
  else c.setReg(o.reg, v);
}

// ---- handlers --------------------------------------------------------------------------------

const H = new Map<string, Handler>();

function unsupported(c: Cpu, op: Op): void {
  c.rip = op.ins.ip;
  c.stop = { kind: 'unsupported', mnemonic: op.ins.mnemonic, text: op.ins.text, rip: op.ins.ip, why: op.why };
}

const nop: Handler = () => {};
for (const m of [
  'nop',
  'endbr64',
  'endbr32',
  'pause',
  'lfence',
  'mfence',
  'sfence',
  'prefetch',
  'prefetchw',
  'prefetchwt1',
  'prefetchnta',
  'prefetcht0',
  'prefetcht1',
  'prefetcht2',
  'clflush',
  'clflushopt',
  'clwb',
  'clac',
  'stac',
])
  H.set(m, nop);
// IF is modelled: local_irq_save() is pushf; pop; cli and irqs_disabled() tests bit 9 of a pushf (arch/x86/include/asm/irqflags.h).
H.set('cli', (c) => {
  c.flags &= ~F.IF;
});
H.set('sti', (c) => {
  c.flags |= F.IF;
});

// data movement
H.set('mov', (c, op) => set(c, op.o[0], get(c, op.o[1])));
H.set('movnti', (c, op) => set(c, op.o[0], get(c, op.o[1])));
H.set('movzx', (c, op) => set(c, op.o[0], get(c, op.o[1])));
const movsx: Handler = (c, op) => {
  const s = op.o[1];
  set(c, op.o[0], BigInt.asUintN(64, BigInt.asIntN(s.size * 8, get(c, s))));
};
H.set('movsx', movsx);
H.set('movsxd', movsx);
H.set('lea', (c, op) => set(c, op.o[0], eaRaw(c, op.o[1])));
H.set('push', (c, op) => {
  const s = op.o[0];
  // push imm is 8 bytes, or 2 with a 0x66 prefix (pushw); the decoder gives the immediate that size.
  const size = s.kind === OP_IMM ? (s.size === 2 ? 2 : 8) : s.size;
  c.push(get(c, s), size);
});
H.set('pop', (c, op) => {
  const d = op.o[0];
  if (d.kind !== OP_MEM) {
    set(c, d, c.pop(d.size));
    return;
  }
  // pop to memory: the address is computed after rsp moved (SDM: POP); a faulting write leaves rsp as it was.
  const sp = c.gpr[RSP];
  const v = c.readMem(sp, d.size);
  c.gpr[RSP] = (sp + BigInt(d.size)) & M64;
  try {
    c.writeMem(ea(c, d), v, d.size);
  } catch (e) {
    c.gpr[RSP] = sp;
    throw e;
  }
});
H.set('pushfq', (c) => c.push(BigInt(c.flags | 0x2), 8));
H.set('pushf', (c) => c.push(BigInt((c.flags | 0x2) & 0xffff), 2));
H.set('popfq', (c) => {
  c.flags = Number(c.pop(8) & BigInt(F.MODELLED));
});
H.set('popf', (c) => {
  c.flags = (c.flags & ~0xffff) | Number(c.pop(2) & BigInt(F.MODELLED));
});
H.set('lahf', (c) => c.setReg(AH_REF, BigInt((c.flags & 0xd5) | 0x2)));
H.set('sahf', (c) => {
  c.flags = (c.flags & ~0xd5) | Number(c.getReg(AH_REF) & 0xd5n);
});
H.set('leave', (c) => {
  c.gpr[RSP] = c.gpr[RBP];
  c.gpr[RBP] = c.pop(8);
});
H.set('xchg', (c, op) => {
  const [a, b] = op.o;
  const va = getD(c, a);
  const vb = get(c, b);
  setD(c, a, vb);
  set(c, b, va);
});
H.set('cmpxchg', (c, op) => {
  const [d, s] = op.o;
  const acc = ACC[d.size];
  const cur = getD(c, d);
  const a = c.getReg(acc);
  F.sub(c, a, cur, 0n, d.size);
  if (a === cur) setD(c, d, get(c, s));
  else {
    // A memory destination is written back even when the compare fails (SDM: CMPXCHG): read-only faults.
    if (d.kind === OP_MEM) setD(c, d, cur);
    c.setReg(acc, cur);
  }
});
/** cmpxchg8b / cmpxchg16b: edx:eax (rdx:rax) against the memory operand; ecx:ebx (rcx:rbx) stored when equal. */
function cmpxchgDouble(half: 4 | 8): Handler {
  return (c, op) => {
    const d = op.o[0];
    const address = ea(c, d);
    if (half === 8 && (address & 0xfn) !== 0n)
      throw new CpuFault(
        'general-protection',
        address,
        false,
        `general protection: cmpxchg16b operand 0x${address.toString(16)} is not 16-byte aligned`,
      );
    const mask = half === 4 ? M32 : M64;
    const lo = c.readMem(address, half);
    const hi = c.readMem(address + BigInt(half), half);
    if (lo === (c.gpr[RAX] & mask) && hi === (c.gpr[RDX] & mask)) {
      c.writeMem(address, c.gpr[RBX] & mask, half);
      c.writeMem(address + BigInt(half), c.gpr[RCX] & mask, half);
      c.flags |= F.ZF;
    } else {
      c.writeMem(address, lo, half);
      c.writeMem(address + BigInt(half), hi, half);
      c.gpr[RAX] = lo;
      c.gpr[RDX] = hi;
      c.flags &= ~F.ZF;
    }
  };
}
H.set('cmpxchg8b', cmpxchgDouble(4));
H.set('cmpxchg16b', cmpxchgDouble(8));
function byteSwap(v: bigint, size: number): bigint {
  let r = 0n;
  for (let i = 0; i < size; i++) {
    r = (r << 8n) | (v & 0xffn);
    v >>= 8n;
  }
  return r;
}
H.set('movbe', (c, op) => set(c, op.o[0], byteSwap(get(c, op.o[1]), op.o[0].size)));
H.set('xlatb', (c) => {
  c.setReg(ACC[1], c.readMem((c.gpr[RBX] + (c.gpr[RAX] & 0xffn)) & M64, 1));
});
H.set('xadd', (c, op) => {
  const [d, s] = op.o;
  const a = getD(c, d);
  const b = get(c, s);
  const r = F.add(c, a, b, 0n, d.size);
  set(c, s, a);
  setD(c, d, r);
});
H.set('bswap', (c, op) => set(c, op.o[0], byteSwap(get(c, op.o[0]), op.o[0].size)));
H.set('cbw', (c) => c.setReg(ACC[2], BigInt.asUintN(16, BigInt.asIntN(8, c.getReg(ACC[1])))));
H.set('cwde', (c) => c.setReg(ACC[4], BigInt.asUintN(32, BigInt.asIntN(16, c.getReg(ACC[2])))));
H.set('cdqe', (c) => c.setReg(ACC[8], BigInt.asUintN(64, BigInt.asIntN(32, c.getReg(ACC[4])))));
H.set('cwd', (c) => c.setReg(DXR[2], c.getReg(ACC[2]) & 0x8000n ? 0xffffn : 0n));
H.set('cdq', (c) => c.setReg(DXR[4], c.getReg(ACC[4]) & 0x80000000n ? M32 : 0n));
H.set('cqo', (c) => c.setReg(DXR[8], c.getReg(ACC[8]) & 0x8000000000000000n ? M64 : 0n));

// arithmetic and logic
function alu(kind: 'add' | 'adc' | 'sub' | 'sbb' | 'cmp' | 'and' | 'or' | 'xor' | 'test'): Handler {
  const write = kind !== 'cmp' && kind !== 'test';
  return (c, op) => {
    const d = op.o[0];
    const size = d.size;
    const a = write ? getD(c, d) : get(c, d);
    const b = get(c, op.o[1]) & F.MASK[size];
    let r: bigint;
    switch (kind) {
      case 'add':
        r = F.add(c, a, b, 0n, size);
        break;
      case 'adc':
        r = F.add(c, a, b, BigInt(c.flags & F.CF), size);
        break;
      case 'sub':
      case 'cmp':
        r = F.sub(c, a, b, 0n, size);
        break;
      case 'sbb':
        r = F.sub(c, a, b, BigInt(c.flags & F.CF), size);
        break;
      case 'and':
      case 'test':
        r = F.logic(c, a & b, size);
        break;
      case 'or':
        r = F.logic(c, a | b, size);
        break;
      default:
        r = F.logic(c, a ^ b, size);
    }
    if (write) setD(c, d, r);
  };
}
for (const k of ['add', 'adc', 'sub', 'sbb', 'cmp', 'and', 'or', 'xor', 'test'] as const) H.set(k, alu(k));
H.set('inc', (c, op) => setD(c, op.o[0], F.inc(c, getD(c, op.o[0]), op.o[0].size)));
H.set('dec', (c, op) => setD(c, op.o[0], F.dec(c, getD(c, op.o[0]), op.o[0].size)));
H.set('neg', (c, op) => setD(c, op.o[0], F.neg(c, getD(c, op.o[0]), op.o[0].size)));
H.set('not', (c, op) => setD(c, op.o[0], ~getD(c, op.o[0]) & F.MASK[op.o[0].size]));

function shift(fn: (s: F.FlagSink, a: bigint, c: bigint, size: number) => bigint): Handler {
  return (c, op) => {
    const d = op.o[0];
    const count = op.o.length > 1 ? F.shiftCount(get(c, op.o[1]) & 0xffn, d.size) : 1n;
    const a = getD(c, d);
    if (count === 0n) {
      if (d.size === 4) setD(c, d, a); // a 32-bit destination is still written: upper half cleared
      return;
    }
    setD(c, d, fn(c, a, count, d.size));
  };
}
H.set('shl', shift(F.shl));
H.set('sal', shift(F.shl));
H.set('shr', shift(F.shr));
H.set('sar', shift(F.sar));
H.set('rol', shift(F.rol));
H.set('ror', shift(F.ror));
H.set('rcl', shift(F.rcl));
H.set('rcr', shift(F.rcr));
function dshift(fn: typeof F.shld): Handler {
  return (c, op) => {
    const [d, s, n] = op.o;
    const count = F.shiftCount(get(c, n) & 0xffn, d.size);
    const a = getD(c, d);
    if (count === 0n) {
      if (d.size === 4) setD(c, d, a); // a 32-bit destination is still written: upper half cleared
      return;
    }
    setD(c, d, fn(c, a, get(c, s), count, d.size));
  };
}
H.set('shld', dshift(F.shld));
H.set('shrd', dshift(F.shrd));

H.set('imul', (c, op) => {
  const o = op.o;
  if (o.length === 1) {
    const size = o[0].size;
    const n = size * 8;
    const full = BigInt.asIntN(n, c.getReg(ACC[size])) * BigInt.asIntN(n, get(c, o[0]));
    const lo = BigInt.asUintN(n, full);
    if (size === 1) c.setReg(ACC[2], BigInt.asUintN(16, full));
    else {
      c.setReg(ACC[size], lo);
      c.setReg(DXR[size], BigInt.asUintN(n, full >> BigInt(n)));
    }
    F.mulFlags(c, lo, BigInt.asIntN(n, lo) !== full, size);
    return;
  }
  const d = o[0];
  const size = d.size;
  const n = size * 8;
  const a = o.length === 3 ? get(c, o[1]) : get(c, d);
  const b = get(c, o.length === 3 ? o[2] : o[1]);
  const full = BigInt.asIntN(n, a & F.MASK[size]) * BigInt.asIntN(n, b & F.MASK[size]);
  const r = BigInt.asUintN(n, full);
  F.mulFlags(c, r, BigInt.asIntN(n, r) !== full, size);
  set(c, d, r);
});
H.set('mul', (c, op) => {
  const s = op.o[0];
  const size = s.size;
  const full = c.getReg(ACC[size]) * get(c, s);
  const lo = full & F.MASK[size];
  const hi = full >> F.BITS[size];
  if (size === 1) c.setReg(ACC[2], full);
  else {
    c.setReg(ACC[size], lo);
    c.setReg(DXR[size], hi);
  }
  F.mulFlags(c, lo, hi !== 0n, size);
});
function divide(signed: boolean): Handler {
  return (c, op) => {
    const s = op.o[0];
    const size = s.size;
    const n = size * 8;
    const bits = BigInt(n);
    const raw = get(c, s);
    if (raw === 0n) throw new CpuFault('divide-error', op.ins.ip, false, `divide error: ${op.ins.mnemonic} by zero at 0x${op.ins.ip.toString(16)}`);
    const dividendU = size === 1 ? c.getReg(ACC[2]) : (c.getReg(DXR[size]) << bits) | c.getReg(ACC[size]);
    let q: bigint;
    let r: bigint;
    if (signed) {
      const dividend = BigInt.asIntN(2 * n, dividendU);
      const divisor = BigInt.asIntN(n, raw);
      q = dividend / divisor;
      r = dividend % divisor;
      if (q > (1n << (bits - 1n)) - 1n || q < -(1n << (bits - 1n)))
        throw new CpuFault('divide-error', op.ins.ip, false, `divide error: idiv quotient overflow at 0x${op.ins.ip.toString(16)}`);
      q = BigInt.asUintN(n, q);
      r = BigInt.asUintN(n, r);
    } else {
      q = dividendU / raw;
      r = dividendU % raw;
      if (q > F.MASK[size])
        throw new CpuFault('divide-error', op.ins.ip, false, `divide error: div quotient overflow at 0x${op.ins.ip.toString(16)}`);
    }
    if (size === 1) {
      c.setReg(ACC[1], q);
      c.setReg(AH_REF, r);
    } else {
      c.setReg(ACC[size], q);
      c.setReg(DXR[size], r);
    }
  };
}
H.set('div', divide(false));
H.set('idiv', divide(true));

// bits
function bitOp(kind: 'bt' | 'bts' | 'btr' | 'btc'): Handler {
  return (c, op) => {
    const [d, s] = op.o;
    const nbits = BigInt(d.size * 8);
    let bit: bigint;
    let addr = 0n;
    let v: bigint;
    if (d.kind === OP_MEM && s.kind === OP_REG) {
      // The bit string extends beyond the operand: a signed bit offset from the address.
      const off = BigInt.asIntN(s.size * 8, get(c, s));
      addr = (ea(c, d) + (off >> 3n)) & M64;
      bit = off & 7n;
      v = c.readMem(addr, 1);
    } else {
      bit = get(c, s) & (nbits - 1n);
      v = getD(c, d);
    }
    const was = (v >> bit) & 1n;
    c.flags = (c.flags & ~F.CF) | (was ? F.CF : 0);
    if (kind === 'bt') return;
    const m = 1n << bit;
    const nv = kind === 'bts' ? v | m : kind === 'btr' ? v & ~m : v ^ m;
    if (d.kind === OP_MEM && s.kind === OP_REG) c.writeMem(addr, nv, 1);
    else setD(c, d, nv);
  };
}
for (const k of ['bt', 'bts', 'btr', 'btc'] as const) H.set(k, bitOp(k));
H.set('bsf', (c, op) => {
  const v = get(c, op.o[1]);
  if (v === 0n) {
    c.flags |= F.ZF;
    return;
  }
  let i = 0n;
  while (!((v >> i) & 1n)) i++;
  c.flags &= ~F.ZF;
  set(c, op.o[0], i);
});
H.set('bsr', (c, op) => {
  const v = get(c, op.o[1]);
  if (v === 0n) {
    c.flags |= F.ZF;
    return;
  }
  let i = BigInt(op.o[1].size * 8 - 1);
  while (!((v >> i) & 1n)) i--;
  c.flags &= ~F.ZF;
  set(c, op.o[0], i);
});
H.set('tzcnt', (c, op) => {
  const v = get(c, op.o[1]);
  const n = BigInt(op.o[1].size * 8);
  let i = 0n;
  while (i < n && !((v >> i) & 1n)) i++;
  c.flags = (c.flags & ~(F.CF | F.ZF)) | (v === 0n ? F.CF : 0) | (i === 0n ? F.ZF : 0);
  set(c, op.o[0], i);
});
H.set('lzcnt', (c, op) => {
  const v = get(c, op.o[1]);
  const n = BigInt(op.o[1].size * 8);
  let i = 0n;
  while (i < n && !((v >> (n - 1n - i)) & 1n)) i++;
  c.flags = (c.flags & ~(F.CF | F.ZF)) | (v === 0n ? F.CF : 0) | (i === 0n ? F.ZF : 0);
  set(c, op.o[0], i);
});
H.set('popcnt', (c, op) => {
  let v = get(c, op.o[1]);
  const z = v === 0n;
  let n = 0n;
  while (v) {
    n += v & 1n;
    v >>= 1n;
  }
  c.flags = (c.flags & ~F.STATUS) | (z ? F.ZF : 0);
  set(c, op.o[0], n);
});

// flags
H.set('cld', (c) => {
  c.flags &= ~F.DF;
});
H.set('std', (c) => {
  c.flags |= F.DF;
});
H.set('clc', (c) => {
  c.flags &= ~F.CF;
});
H.set('stc', (c) => {
  c.flags |= F.CF;
});
H.set('cmc', (c) => {
  c.flags ^= F.CF;
});

// control flow
function target(c: Cpu, o: COperand): bigint {
  return o.kind === OP_BRANCH ? o.value : get(c, o);
}
H.set('jmp', (c, op) => {
  c.rip = target(c, op.o[0]);
});
H.set('call', (c, op) => {
  const t = target(c, op.o[0]);
  c.push(op.next, 8);
  c.rip = t;
});
H.set('ret', (c, op) => {
  c.rip = c.pop(8);
  if (op.o.length) c.gpr[RSP] += op.o[0].value & 0xffffn;
});
const jcc: Handler = (c, op) => {
  if (F.condition(c.flags, op.cc)) c.rip = op.o[0].value;
};
const setcc: Handler = (c, op) => set(c, op.o[0], F.condition(c.flags, op.cc) ? 1n : 0n);
const cmovcc: Handler = (c, op) => {
  const d = op.o[0];
  // The source is read whatever the condition (a false cmov from a bad address faults: SDM CMOVcc).
  const v = get(c, op.o[1]);
  if (F.condition(c.flags, op.cc)) set(c, d, v);
  else if (d.size === 4) c.setReg(d.reg, c.getReg(d.reg)); // a 32-bit cmov zero-extends even when false
};
for (const cc of F.CONDITIONS.keys()) {
  H.set(`j${cc}`, jcc);
  H.set(`set${cc}`, setcc);
  H.set(`cmov${cc}`, cmovcc);
}
H.set('jrcxz', (c, op) => {
  if (c.gpr[RCX] === 0n) c.rip = op.o[0].value;
});
H.set('jecxz', (c, op) => {
  if ((c.gpr[RCX] & M32) === 0n) c.rip = op.o[0].value;
});
function loop(kind: 'loop' | 'loope' | 'loopne'): Handler {
  return (c, op) => {
    const n = (c.gpr[RCX] - 1n) & M64;
    c.gpr[RCX] = n;
    const z = (c.flags & F.ZF) !== 0;
    if (n !== 0n && (kind === 'loop' || (kind === 'loope' ? z : !z))) c.rip = op.o[0].value;
  };
}
H.set('loop', loop('loop'));
H.set('loope', loop('loope'));
H.set('loopne', loop('loopne'));

// traps and things the model has no device for
H.set('int3', (c, op) => {
  c.rip = op.ins.ip;
  c.stop = { kind: 'trap', rip: op.ins.ip, text: 'int3: breakpoint trap (no debugger attached)' };
});
H.set('ud2', (c, op) => {
  const t = c.bugType ? c.bugType(op.ins.ip) : null;
  if (t === 'warn') {
    c.emit({ kind: 'warn', rip: op.ins.ip });
    return;
  }
  throw new CpuFault('invalid-opcode', op.ins.ip, false, `invalid opcode (ud2) at 0x${op.ins.ip.toString(16)}: BUG()`);
});
function device(what: string, zero: (c: Cpu, op: Op) => void): Handler {
  return (c, op) => {
    zero(c, op);
    c.emit({ kind: 'device', what, mnemonic: op.ins.mnemonic, rip: op.ins.ip });
  };
}
// CPUID leaves, model-specific and extended control registers and performance counters are the CPU's own state,
// which the model does not keep: the run stops there (see deviceStop) rather than inventing zeros.
const cpuStateStop =
  (what: string): Handler =>
  (c, op) => {
    c.rip = op.ins.ip;
    c.stop = { kind: 'unsupported', mnemonic: op.ins.mnemonic, text: op.ins.text, rip: op.ins.ip, why: `${DEVICE_WHY}${what}` };
  };
H.set('cpuid', cpuStateStop("qemu64's CPUID leaves are not modelled"));
// The TSC of the modelled machine (tsc.ts): its time since boot at tsc_khz; rdtscp's ecx is IA32_TSC_AUX, 0 on CPU 0.
const rdtsc = (c: Cpu): void => {
  const t = tscNow(c);
  c.gpr[RAX] = t & M32;
  c.gpr[RDX] = (t >> 32n) & M32;
};
H.set('rdtsc', rdtsc);
H.set('rdtscp', (c) => {
  rdtsc(c);
  c.gpr[RCX] = 0n;
});
H.set('rdpmc', cpuStateStop('performance counters are not modelled'));
H.set('rdmsr', cpuStateStop('model-specific registers are not modelled'));
H.set('wrmsr', cpuStateStop('model-specific registers are not modelled'));
H.set('xgetbv', cpuStateStop('extended control registers are not modelled'));
H.set(
  'wbinvd',
  device('wbinvd: caches are not modelled', () => {}),
);
// sidt: the IDT is read-only at CPU_ENTRY_AREA_RO_IDT (0xfffffe0000000000 with 4-level paging,
// arch/x86/include/asm/pgtable_areas.h), limit IDT_ENTRIES * 16 - 1 (load_idt() in arch/x86/kernel/idt.c).
H.set(
  'sidt',
  device('sidt: the IDT descriptor of a 6.1 kernel (limit 0xfff, base 0xfffffe0000000000)', (c, op) => {
    const address = ea(c, op.o[0]);
    c.writeMem(address, 0xfffn, 2);
    c.writeMem(address + 2n, 0xfffffe0000000000n, 8);
  }),
);
// Port I/O as QEMU's PC answers it (port-io.ts): no device → reads all ones, writes dropped; a device → stop.
const deviceStop = (c: Cpu, op: Op, port: number, dev: string): void => {
  c.rip = op.ins.ip;
  c.stop = { kind: 'unsupported', mnemonic: op.ins.mnemonic, text: op.ins.text, rip: op.ins.ip, why: `${DEVICE_WHY}${portText(port)}, ${dev}` };
};
const portText = (port: number): string => `port 0x${port.toString(16)}`;
/** in/out's port: dx, or an unsigned imm8 (the decoder may hand it sign-extended). */
const portOf = (c: Cpu, o: COperand): number => Number(get(c, o) & (o.kind === OP_IMM ? 0xffn : 0xffffn));
H.set('in', (c, op) => {
  const port = portOf(c, op.o[1]);
  const dev = portDevice(port);
  if (dev !== null) return deviceStop(c, op, port, dev);
  set(c, op.o[0], (1n << BigInt(op.o[0].size * 8)) - 1n);
  c.emit({ kind: 'device', what: `in from ${portText(port)}: no device there on QEMU's PC, reads all ones`, mnemonic: 'in', rip: op.ins.ip });
});
H.set('out', (c, op) => {
  const port = portOf(c, op.o[0]);
  const dev = port === IO_DELAY_PORT ? null : portDevice(port);
  if (dev !== null) return deviceStop(c, op, port, dev);
  c.emit({ kind: 'device', what: `out to ${portText(port)}: no device takes it on QEMU's PC (dropped)`, mnemonic: 'out', rip: op.ins.ip });
});

// string instructions
function strStep(c: Cpu, size: number): bigint {
  return c.flags & F.DF ? -BigInt(size) : BigInt(size);
}
const BULK = 65536;
const stos: Handler = (c, op) => {
  const size = op.o[0].size;
  const v = c.getReg(ACC[size]);
  if (!op.rep) {
    c.writeMem(c.gpr[RDI], v, size);
    c.gpr[RDI] = (c.gpr[RDI] + strStep(c, size)) & M64;
    return;
  }
  if (c.flags & F.DF) {
    while (c.gpr[RCX] !== 0n) {
      c.writeMem(c.gpr[RDI], v, size);
      c.gpr[RDI] = (c.gpr[RDI] - BigInt(size)) & M64;
      c.gpr[RCX] -= 1n;
    }
    return;
  }
  // Forward rep stos in chunks: one write per chunk, registers updated as each completes.
  const pattern = new Uint8Array(size);
  for (let i = 0; i < size; i++) pattern[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  while (c.gpr[RCX] !== 0n) {
    const n = c.gpr[RCX] > BigInt(BULK / size) ? BULK / size : Number(c.gpr[RCX]);
    const buf = new Uint8Array(n * size);
    for (let i = 0; i < buf.length; i++) buf[i] = pattern[i % size];
    c.writeBytes(c.gpr[RDI], buf);
    c.gpr[RDI] = (c.gpr[RDI] + BigInt(buf.length)) & M64;
    c.gpr[RCX] -= BigInt(n);
  }
};
function srcAddr(c: Cpu, o: COperand): bigint {
  return o.seg === 1 ? (c.gpr[RSI] + c.gsBase) & M64 : c.gpr[RSI];
}
const movs: Handler = (c, op) => {
  const size = op.o[0].size;
  const src = op.o[1];
  const one = (): void => {
    c.writeMem(c.gpr[RDI], c.readMem(srcAddr(c, src), size), size);
    const st = strStep(c, size);
    c.gpr[RDI] = (c.gpr[RDI] + st) & M64;
    c.gpr[RSI] = (c.gpr[RSI] + st) & M64;
  };
  if (!op.rep) return one();
  while (c.gpr[RCX] !== 0n) {
    const s = srcAddr(c, src);
    const d = c.gpr[RDI];
    const n = c.gpr[RCX] > BigInt(BULK / size) ? BULK / size : Number(c.gpr[RCX]);
    const len = BigInt(n * size);
    // Forward copies whose destination starts inside the source repeat bytes: go element by element.
    if (c.flags & F.DF || (d > s && d < s + len)) {
      one();
      c.gpr[RCX] -= 1n;
      continue;
    }
    const bytes = c.mem.read(s, n * size, 'read').slice();
    c.writeBytes(d, bytes);
    c.gpr[RDI] = (d + len) & M64;
    c.gpr[RSI] = (c.gpr[RSI] + len) & M64;
    c.gpr[RCX] -= BigInt(n);
  }
};
const lods: Handler = (c, op) => {
  const size = op.o[0].size;
  const src = op.o[1];
  const one = (): void => {
    c.setReg(ACC[size], c.readMem(srcAddr(c, src), size));
    c.gpr[RSI] = (c.gpr[RSI] + strStep(c, size)) & M64;
  };
  if (!op.rep) return one();
  while (c.gpr[RCX] !== 0n) {
    one();
    c.gpr[RCX] -= 1n;
  }
};
/** scas / cmps: with repe/repne they stop on the compare result. */
function compareString(kind: 'scas' | 'cmps'): Handler {
  return (c, op) => {
    const size = kind === 'scas' ? op.o[1].size : op.o[0].size;
    const one = (): void => {
      const st = strStep(c, size);
      if (kind === 'scas') {
        F.sub(c, c.getReg(ACC[size]), c.readMem(c.gpr[RDI], size), 0n, size);
      } else {
        F.sub(c, c.readMem(srcAddr(c, op.o[0]), size), c.readMem(c.gpr[RDI], size), 0n, size);
        c.gpr[RSI] = (c.gpr[RSI] + st) & M64;
      }
      c.gpr[RDI] = (c.gpr[RDI] + st) & M64;
    };
    if (!op.rep && !op.repne) return one();
    while (c.gpr[RCX] !== 0n) {
      one();
      c.gpr[RCX] -= 1n;
      const z = (c.flags & F.ZF) !== 0;
      if (op.rep ? !z : z) break;
    }
  };
}
for (const s of ['b', 'w', 'd', 'q']) {
  H.set(`stos${s}`, stos);
  H.set(`movs${s}`, movs);
  H.set(`lods${s}`, lods);
  H.set(`scas${s}`, compareString('scas'));
  H.set(`cmps${s}`, compareString('cmps'));
}

// SSE/SSE2 on the xmm registers (exec-sse.ts), given this file's operand accessors.
const SSE = sseHandlers({ OP_REG, OP_IMM, OP_MEM, OP_XMM, ea, get, set });

// ---- compile ---------------------------------------------------------------------------------

const STRING = /^(stos|movs|lods|scas|cmps)[bwdq]$/;

function compileOperand(o: Operand): COperand | string {
  const c = new COperand();
  switch (o.kind) {
    case 'reg': {
      const x = XMM_NAME.exec(o.reg);
      if (x) {
        c.kind = OP_XMM;
        c.base = Number(x[1]);
        c.size = 16;
        return c;
      }
      const r = regRef(o.reg);
      if (!r) return `register ${o.reg} is not modelled`;
      c.kind = OP_REG;
      c.reg = r;
      c.size = r.size;
      return c;
    }
    case 'imm':
      c.kind = OP_IMM;
      c.size = o.size;
      c.value = BigInt.asUintN(64, o.value);
      return c;
    case 'branch':
      c.kind = OP_BRANCH;
      c.value = o.target;
      return c;
    default: {
      c.kind = OP_MEM;
      c.size = o.size;
      c.value = o.disp;
      c.scale = BigInt(o.scale);
      if (o.segment === 'gs') c.seg = 1;
      else if (o.segment === 'fs') c.seg = 2;
      if (o.ripRelative) return c;
      if (o.base) {
        const r = regRef(o.base);
        if (!r || (r.size !== 8 && r.size !== 4)) return `address register ${o.base} is not modelled`;
        c.base = r.idx;
        c.a32 = r.size === 4;
      }
      if (o.index) {
        const r = regRef(o.index);
        if (!r || (r.size !== 8 && r.size !== 4)) return `index register ${o.index} is not modelled`;
        c.index = r.idx;
        c.a32 = r.size === 4;
      }
      return c;
    }
  }
}

export function compile(ins: Instruction): Op {
  const next = ins.ip + BigInt(ins.length);
  // The fields the chained run loop and fast-ops64.ts read first: an object's fields lie in this order, so they share
  // the first cache lines (the ops of a long loop do not all stay in the cache).
  const op: Op = {
    fn: unsupported,
    fall: undefined,
    straight: false,
    sp: true,
    r0: -1,
    r1: -1,
    immLo: 0,
    immHi: 0,
    mb: -1,
    mi: -1,
    ms: 1,
    mLo: 0,
    mHi: 0,
    ma32: false,
    ins,
    next,
    nextLo: Number(next & M32),
    nextHi: Number((next >> 32n) & M32),
    o: [],
    cc: -1,
    rep: ins.rep,
    repne: ins.repne,
    why: '',
    other: undefined,
    otherIp: -1n,
  };
  // #UD for what qemu64 lacks (AVX, SSSE3, SSE4…); with an xmm operand only SSE handlers (movsd/cmpsd are also string instructions).
  const ud = undefinedOnMachine(ins);
  if (ud) {
    op.fn = ud;
    return op;
  }
  const handler = usesXmm(ins) ? SSE.get(ins.mnemonic) : H.get(ins.mnemonic);
  if (!handler) {
    op.why = `the CPU model does not implement ${ins.mnemonic}`;
    return op;
  }
  // xlatb's operand is [rbx + al]: the handler addresses it itself.
  for (const x of ins.mnemonic === 'xlatb' ? [] : ins.operands) {
    const c = compileOperand(x);
    if (typeof c === 'string') {
      op.why = c;
      return op;
    }
    op.o.push(c);
  }
  if (STRING.test(ins.mnemonic) && op.o.length < 2) {
    op.why = `${ins.mnemonic}: unexpected operands`;
    return op;
  }
  if (op.o.some((x) => x.seg === 2)) {
    op.why = '%fs is not used by 64-bit kernel code and is not modelled';
    return op;
  }
  const m = /^(j|set|cmov)(.+)$/.exec(ins.mnemonic);
  if (m && m[2] !== 'mp' && m[2] !== 'rcxz' && m[2] !== 'ecxz') op.cc = F.CONDITIONS.get(m[2]) ?? -1;
  for (const x of op.o) {
    x.vLo = Number(x.value & M32);
    x.vHi = Number((x.value >> 32n) & M32);
    x.scaleN = Number(x.scale);
  }
  const regAt = (i: number): number => (op.o.length > i && op.o[i].kind === OP_REG ? 2 * op.o[i].reg.idx : -1);
  op.r0 = regAt(0);
  op.r1 = regAt(1);
  const imm = op.o.find((x) => x.kind === OP_IMM);
  op.immLo = imm ? imm.vLo | 0 : 0;
  op.immHi = imm ? imm.vHi | 0 : 0;
  const mem = op.o.find((x) => x.kind === OP_MEM);
  if (mem) {
    op.mb = mem.base >= 0 ? 2 * mem.base : -1;
    op.mi = mem.index >= 0 ? 2 * mem.index : -1;
    op.ms = mem.scaleN;
    op.mLo = mem.vLo | 0;
    op.mHi = mem.vHi | 0;
    op.ma32 = mem.a32;
  }
  const fast = fastHandler(ins.mnemonic, op);
  op.fn = fast ?? handler;
  op.straight = fast !== null && straightHandler(fast);
  op.sp = !op.straight || /^(push|pop)/.test(ins.mnemonic) || op.o.some((x) => x.kind === OP_REG && x.reg.idx === RSP);
  return op;
}

/** Mnemonics the interpreter implements (for reports and tests). */
export function supportedMnemonics(): string[] {
  return [...H.keys()].sort();
}
