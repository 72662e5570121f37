/**
 * SSE/SSE2 instructions on the xmm registers (Cpu.xmm: 16 × 128 bits), as the kernel uses them between
 * kernel_fpu_begin() and kernel_fpu_end() (kernel-calls/fpu.ts): xor.ko's xor_sse_*() (movaps, xorps),
 * lib/raid6's sse2 gen/xor_syndrome() (movdqa, pxor, pcmpgtb, paddb, pand, movntdq) and the integer moves,
 * logic, arithmetic, shifts and shuffles around them. A legacy-SSE 16-byte memory operand must be 16-byte
 * aligned except for the unaligned moves: otherwise #GP (SDM Vol. 1, 15.7 "Alignment of 128-bit memory operands").
 *
 * Instructions the modelled CPU does not have raise #UD as QEMU's TCG does for qemu64 (undefinedOnMachine): it
 * has SSE, SSE2 and SSE3 only, no XSAVE, so CR4.OSXSAVE is clear and every VEX/EVEX (AVX) instruction is #UD
 * (SDM Vol. 2, 2.3.11), as is every SSSE3/SSE4/AES-NI/PCLMUL/SHA instruction (CPUID says the CPU lacks them).
 * Kernel code asks boot_cpu_has() before it uses them (raid6's valid(), xor's AVX_SELECT): reaching one is the
 * module's bug, and the real machine oopses ("invalid opcode").
 * Floating-point arithmetic on xmm (mulsd, cvtsi2sd… amdgpu's display code, run from probe) is not modelled.
 */
import type { Cpu, RegRef } from './cpu';
import { MACHINE } from '../machine/qemu-pc';
import { CpuFault, type Instruction } from './types';

/** A compiled operand as exec.ts makes it (COperand); for an xmm register, base is its number. */
export interface SseOperand {
  kind: number;
  size: number;
  reg: RegRef;
  value: bigint;
  base: number;
}
export interface SseOp {
  ins: Instruction;
  o: SseOperand[];
}
export type SseHandler = (c: Cpu, op: SseOp) => void;

/** exec.ts's operand kinds and accessors, handed in (exec.ts imports this file, not the other way round). */
export interface OperandAccess {
  OP_REG: number;
  OP_IMM: number;
  OP_MEM: number;
  OP_XMM: number;
  /** Effective address with the %gs base. */
  ea(c: Cpu, o: SseOperand): bigint;
  /** A general register, immediate or memory operand's value (its size). */
  get(c: Cpu, o: SseOperand): bigint;
  set(c: Cpu, o: SseOperand, v: bigint): void;
}

/** xmm0..xmm15 (and the ymm/zmm/k registers of VEX/EVEX code) as iced names them. */
export const XMM_NAME = /^xmm(\d+)$/;
const VECTOR_NAME = /^([xyz]mm|k)\d+$/;

/** Moves whose 16-byte memory operand may be misaligned (SDM: MOVUPS, MOVUPD, MOVDQU, LDDQU). */
const UNALIGNED = new Set(['movups', 'movupd', 'movdqu', 'lddqu']);

/** CPUID features (as /proc/cpuinfo names them) of instructions the model knows qemu64 lacks. */
const NEEDS: [string, string[]][] = [
  ['ssse3', ['pshufb', 'phaddw', 'phaddd', 'phaddsw', 'phsubw', 'phsubd', 'phsubsw', 'pmaddubsw', 'pmulhrsw', 'psignb', 'psignw', 'psignd']],
  ['ssse3', ['pabsb', 'pabsw', 'pabsd', 'palignr']],
  ['sse4_1', ['pblendvb', 'pblendw', 'blendps', 'blendpd', 'blendvps', 'blendvpd', 'ptest', 'pinsrb', 'pinsrd', 'pinsrq', 'pextrb', 'pextrd']],
  ['sse4_1', ['pextrq', 'pmovzxbw', 'pmovzxbd', 'pmovzxbq', 'pmovzxwd', 'pmovzxwq', 'pmovzxdq', 'pmovsxbw', 'pmovsxbd', 'pmovsxbq', 'pmovsxwd']],
  ['sse4_1', ['pmovsxwq', 'pmovsxdq', 'pminsb', 'pminsd', 'pminuw', 'pminud', 'pmaxsb', 'pmaxsd', 'pmaxuw', 'pmaxud', 'pmulld', 'pmuldq']],
  ['sse4_1', ['pcmpeqq', 'packusdw', 'movntdqa', 'roundps', 'roundpd', 'roundss', 'roundsd', 'dpps', 'dppd', 'insertps', 'extractps']],
  ['sse4_1', ['phminposuw', 'mpsadbw']],
  ['sse4_2', ['pcmpgtq', 'pcmpestri', 'pcmpestrm', 'pcmpistri', 'pcmpistrm', 'crc32']],
  ['aes', ['aesenc', 'aesenclast', 'aesdec', 'aesdeclast', 'aesimc', 'aeskeygenassist']],
  ['pclmulqdq', ['pclmulqdq']],
  ['sha_ni', ['sha1rnds4', 'sha1nexte', 'sha1msg1', 'sha1msg2', 'sha256rnds2', 'sha256msg1', 'sha256msg2']],
];
const FEATURE = new Map<string, string>();
for (const [f, ms] of NEEDS) for (const m of ms) FEATURE.set(m, f);

function hasFlag(f: string): boolean {
  return (MACHINE.cpuFlags as readonly string[]).includes(f);
}

/**
 * A handler raising #UD when the modelled CPU (qemu64) does not have the instruction: VEX/EVEX-encoded ones
 * (a v-mnemonic with a vector register: AVX needs CR4.OSXSAVE, which a CPU without XSAVE never has) and the
 * extensions in NEEDS. null when the CPU has it (then it is implemented or reported unsupported).
 */
export function undefinedOnMachine(ins: Instruction): SseHandler | null {
  let feature = FEATURE.get(ins.mnemonic);
  if (!feature && ins.mnemonic.startsWith('v') && ins.operands.some((o) => o.kind === 'reg' && VECTOR_NAME.test(o.reg))) feature = 'avx';
  if (!feature || hasFlag(feature) || (feature === 'avx' && hasFlag('xsave'))) return null;
  const why =
    feature === 'avx'
      ? `${ins.mnemonic} is VEX/EVEX-encoded (AVX): qemu64 has no XSAVE, CR4.OSXSAVE is clear, so it raises #UD`
      : `${ins.mnemonic} needs the CPU feature ${feature}, which qemu64 does not have: #UD`;
  return (_c, op) => {
    throw new CpuFault('invalid-opcode', op.ins.ip, false, `invalid opcode at 0x${op.ins.ip.toString(16)}: ${why}`);
  };
}

/** Whether an instruction names an xmm register (then SSE handlers come first: movsd/cmpsd are also string instructions). */
export function usesXmm(ins: Instruction): boolean {
  return ins.operands.some((o) => o.kind === 'reg' && XMM_NAME.test(o.reg));
}

// ---- lanes -----------------------------------------------------------------------------------

type V = Uint8Array;

function lane(v: V, i: number, w: number): bigint {
  let r = 0n;
  for (let k = w - 1; k >= 0; k--) r = (r << 8n) | BigInt(v[i * w + k]);
  return r;
}
function setLane(v: V, i: number, w: number, x: bigint): void {
  for (let k = 0; k < w; k++) v[i * w + k] = Number((x >> BigInt(8 * k)) & 0xffn);
}
function lanewise(w: number, f: (a: bigint, b: bigint) => bigint): (a: V, b: V) => V {
  const mask = (1n << BigInt(8 * w)) - 1n;
  return (a, b) => {
    const r = new Uint8Array(16);
    for (let i = 0; i < 16 / w; i++) setLane(r, i, w, f(lane(a, i, w), lane(b, i, w)) & mask);
    return r;
  };
}
function bytewise(f: (a: number, b: number) => number): (a: V, b: V) => V {
  return (a, b) => {
    const r = new Uint8Array(16);
    for (let i = 0; i < 16; i++) r[i] = f(a[i], b[i]) & 0xff;
    return r;
  };
}
const signed = (x: bigint, w: number): bigint => BigInt.asIntN(8 * w, x);

// ---- handlers ----------------------------------------------------------------------------------

export function sseHandlers(A: OperandAccess): Map<string, SseHandler> {
  const H = new Map<string, SseHandler>();

  const xmmOf = (c: Cpu, n: number): V => c.xmm.slice(n * 16, n * 16 + 16);
  const setXmm = (c: Cpu, n: number, v: V): void => c.xmm.set(v, n * 16);

  /** A 16-byte memory operand's address, #GP when it must be aligned and is not. */
  const address16 = (c: Cpu, op: SseOp, o: SseOperand): bigint => {
    const a = A.ea(c, o);
    if (o.size === 16 && (a & 0xfn) !== 0n && !UNALIGNED.has(op.ins.mnemonic))
      throw new CpuFault(
        'general-protection',
        a,
        false,
        `general protection: ${op.ins.mnemonic}'s 16-byte operand 0x${a.toString(16)} is not 16-byte aligned`,
      );
    return a;
  };
  /** An xmm or memory source as 16 bytes (a smaller memory operand zero-extended). */
  const src = (c: Cpu, op: SseOp, o: SseOperand): V => {
    if (o.kind === A.OP_XMM) return xmmOf(c, o.base);
    if (o.kind === A.OP_MEM) {
      const r = new Uint8Array(16);
      r.set(c.mem.read(address16(c, op, o), o.size, 'read').slice(0, 16));
      return r;
    }
    const r = new Uint8Array(16);
    setLane(r, 0, 8, A.get(c, o));
    return r;
  };
  const store = (c: Cpu, op: SseOp, o: SseOperand, v: V): void => {
    if (o.kind === A.OP_XMM) setXmm(c, o.base, v);
    else if (o.kind === A.OP_MEM) c.writeBytes(address16(c, op, o), v.slice(0, o.size));
    else A.set(c, o, lane(v, 0, o.size));
  };

  // Full 128-bit moves (aligned or not: address16 knows which).
  const move: SseHandler = (c, op) => store(c, op, op.o[0], src(c, op, op.o[1]));
  for (const m of ['movaps', 'movapd', 'movdqa', 'movups', 'movupd', 'movdqu', 'lddqu', 'movntdq', 'movntps', 'movntpd']) H.set(m, move);

  // movd/movq: to an xmm register the value is zero-extended to 128 bits; from one, its low 4/8 bytes.
  const moveLow: SseHandler = (c, op) => {
    const [d, s] = op.o;
    if (d.kind === A.OP_XMM) {
      const v = src(c, op, s);
      const n = s.kind === A.OP_XMM ? 8 : s.size;
      const r = new Uint8Array(16);
      r.set(v.subarray(0, n));
      setXmm(c, d.base, r);
    } else store(c, op, d, xmmOf(c, op.o[1].base));
  };
  H.set('movd', moveLow);
  H.set('movq', moveLow);
  // movss/movsd: from memory zero the rest; between registers only the low element moves.
  const moveScalar =
    (n: number): SseHandler =>
    (c, op) => {
      const [d, s] = op.o;
      if (d.kind !== A.OP_XMM) return store(c, op, d, xmmOf(c, s.base));
      const v = src(c, op, s);
      const r = s.kind === A.OP_XMM ? xmmOf(c, d.base) : new Uint8Array(16);
      r.set(v.subarray(0, n));
      setXmm(c, d.base, r);
    };
  H.set('movss', moveScalar(4));
  H.set('movsd', moveScalar(8));
  // movlps/movlpd/movhps/movhpd: one 8-byte half to or from memory; movlhps/movhlps between registers.
  const moveHalf =
    (high: boolean): SseHandler =>
    (c, op) => {
      const [d, s] = op.o;
      const off = high ? 8 : 0;
      if (d.kind === A.OP_MEM) return store(c, op, d, xmmOf(c, s.base).slice(off, off + 8));
      const r = xmmOf(c, d.base);
      r.set(src(c, op, s).subarray(0, 8), off);
      setXmm(c, d.base, r);
    };
  H.set('movlps', moveHalf(false));
  H.set('movlpd', moveHalf(false));
  H.set('movhps', moveHalf(true));
  H.set('movhpd', moveHalf(true));
  H.set('movlhps', (c, op) => {
    const r = xmmOf(c, op.o[0].base);
    r.set(xmmOf(c, op.o[1].base).subarray(0, 8), 8);
    setXmm(c, op.o[0].base, r);
  });
  H.set('movhlps', (c, op) => {
    const r = xmmOf(c, op.o[0].base);
    r.set(xmmOf(c, op.o[1].base).subarray(8, 16), 0);
    setXmm(c, op.o[0].base, r);
  });

  /** dst = f(dst, src) over 16 bytes. */
  const binary =
    (f: (a: V, b: V) => V): SseHandler =>
    (c, op) => {
      const d = op.o[0].base;
      setXmm(c, d, f(xmmOf(c, d), src(c, op, op.o[1])));
    };
  const and = bytewise((a, b) => a & b);
  const andn = bytewise((a, b) => ~a & b);
  const or = bytewise((a, b) => a | b);
  const xor = bytewise((a, b) => a ^ b);
  for (const [ms, f] of [
    [['pand', 'andps', 'andpd'], and],
    [['pandn', 'andnps', 'andnpd'], andn],
    [['por', 'orps', 'orpd'], or],
    [['pxor', 'xorps', 'xorpd'], xor],
  ] as const)
    for (const m of ms) H.set(m, binary(f));
  const W: [string, number][] = [
    ['b', 1],
    ['w', 2],
    ['d', 4],
    ['q', 8],
  ];
  for (const [s, w] of W) {
    H.set(`padd${s}`, binary(lanewise(w, (a, b) => a + b)));
    H.set(`psub${s}`, binary(lanewise(w, (a, b) => a - b)));
    if (w === 8) continue;
    const ones = (1n << BigInt(8 * w)) - 1n;
    H.set(`pcmpeq${s}`, binary(lanewise(w, (a, b) => (a === b ? ones : 0n))));
    H.set(`pcmpgt${s}`, binary(lanewise(w, (a, b) => (signed(a, w) > signed(b, w) ? ones : 0n))));
  }
  H.set(
    'pmuludq',
    binary((a, b) => {
      const r = new Uint8Array(16);
      setLane(r, 0, 8, lane(a, 0, 4) * lane(b, 0, 4));
      setLane(r, 1, 8, lane(a, 2, 4) * lane(b, 2, 4));
      return r;
    }),
  );

  // Shifts by an imm8 or by the low 64 bits of an xmm/m128 operand; a count past the lane width clears (or sign-fills).
  const shift =
    (w: number, kind: 'l' | 'rl' | 'ra'): SseHandler =>
    (c, op) => {
      const d = op.o[0].base;
      const s = op.o[1];
      const count = s.kind === A.OP_IMM ? s.value & 0xffn : lane(src(c, op, s), 0, 8);
      const bits = BigInt(8 * w);
      const big = count >= bits;
      setXmm(
        c,
        d,
        lanewise(w, (a) => {
          if (kind === 'ra') return BigInt.asUintN(8 * w, signed(a, w) >> (big ? bits - 1n : count));
          if (big) return 0n;
          return kind === 'l' ? a << count : a >> count;
        })(xmmOf(c, d), xmmOf(c, d)),
      );
    };
  for (const [s, w] of W.slice(1)) {
    H.set(`psll${s}`, shift(w, 'l'));
    H.set(`psrl${s}`, shift(w, 'rl'));
    if (w !== 8) H.set(`psra${s}`, shift(w, 'ra'));
  }
  const byteShift =
    (left: boolean): SseHandler =>
    (c, op) => {
      const d = op.o[0].base;
      const n = Number(op.o[1].value & 0xffn);
      const a = xmmOf(c, d);
      const r = new Uint8Array(16);
      for (let i = 0; i < 16; i++) {
        const j = left ? i - n : i + n;
        r[i] = j >= 0 && j < 16 ? a[j] : 0;
      }
      setXmm(c, d, r);
    };
  H.set('pslldq', byteShift(true));
  H.set('psrldq', byteShift(false));

  // Shuffles and interleaves.
  H.set('pshufd', (c, op) => {
    const s = src(c, op, op.o[1]);
    const imm = Number(op.o[2].value & 0xffn);
    const r = new Uint8Array(16);
    for (let i = 0; i < 4; i++) r.set(s.subarray(((imm >> (2 * i)) & 3) * 4, ((imm >> (2 * i)) & 3) * 4 + 4), i * 4);
    setXmm(c, op.o[0].base, r);
  });
  H.set('shufps', (c, op) => {
    const a = xmmOf(c, op.o[0].base);
    const b = src(c, op, op.o[1]);
    const imm = Number(op.o[2].value & 0xffn);
    const r = new Uint8Array(16);
    for (let i = 0; i < 4; i++) {
      const k = (imm >> (2 * i)) & 3;
      r.set((i < 2 ? a : b).subarray(k * 4, k * 4 + 4), i * 4);
    }
    setXmm(c, op.o[0].base, r);
  });
  H.set('shufpd', (c, op) => {
    const a = xmmOf(c, op.o[0].base);
    const b = src(c, op, op.o[1]);
    const imm = Number(op.o[2].value & 0xffn);
    const r = new Uint8Array(16);
    r.set(a.subarray((imm & 1) * 8, (imm & 1) * 8 + 8), 0);
    r.set(b.subarray(((imm >> 1) & 1) * 8, ((imm >> 1) & 1) * 8 + 8), 8);
    setXmm(c, op.o[0].base, r);
  });
  const unpack = (w: number, high: boolean): ((a: V, b: V) => V) => {
    return (a, b) => {
      const r = new Uint8Array(16);
      const half = 8 / w;
      for (let i = 0; i < half; i++) {
        const k = (high ? half : 0) + i;
        r.set(a.subarray(k * w, k * w + w), 2 * i * w);
        r.set(b.subarray(k * w, k * w + w), (2 * i + 1) * w);
      }
      return r;
    };
  };
  for (const [name, w] of [
    ['bw', 1],
    ['wd', 2],
    ['dq', 4],
    ['qdq', 8],
  ] as const) {
    H.set(`punpckl${name}`, binary(unpack(w, false)));
    H.set(`punpckh${name}`, binary(unpack(w, true)));
  }
  H.set('unpcklps', binary(unpack(4, false)));
  H.set('unpckhps', binary(unpack(4, true)));
  H.set('unpcklpd', binary(unpack(8, false)));
  H.set('unpckhpd', binary(unpack(8, true)));

  // Between xmm and general registers.
  H.set('pmovmskb', (c, op) => {
    const s = xmmOf(c, op.o[1].base);
    let m = 0n;
    for (let i = 0; i < 16; i++) if (s[i] & 0x80) m |= 1n << BigInt(i);
    A.set(c, op.o[0], m);
  });
  H.set('pextrw', (c, op) => {
    const s = xmmOf(c, op.o[1].base);
    A.set(c, op.o[0], lane(s, Number(op.o[2].value & 7n), 2));
  });
  H.set('pinsrw', (c, op) => {
    const d = op.o[0].base;
    const r = xmmOf(c, d);
    setLane(r, Number(op.o[2].value & 7n), 2, A.get(c, op.o[1]) & 0xffffn);
    setXmm(c, d, r);
  });
  return H;
}
