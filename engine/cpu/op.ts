/**
 * A compiled instruction (Op) and its operands (COperand), made by exec.ts's compile() and run by a Handler
 * (exec.ts's BigInt handlers, fast-ops.ts's Number ones). exec.ts re-exports all of this.
 */
import { regRef, type Cpu, type RegRef } from './cpu';
import type { Instruction } from './types';

export const OP_REG = 0;
export const OP_IMM = 1;
export const OP_MEM = 2;
export const OP_BRANCH = 3;
/** An xmm register (exec-sse.ts): base is its number. */
export const OP_XMM = 4;
const RAX_REF = regRef('rax') as RegRef;

/** A compiled operand (one shape for all kinds, so handlers stay monomorphic). */
export class COperand {
  kind = OP_REG;
  size = 8;
  reg: RegRef = RAX_REF;
  /** imm: value (sign-extended to 64 bits, unsigned); mem: displacement (absolute for rip-relative); branch: target. */
  value = 0n;
  base = -1;
  index = -1;
  scale = 1n;
  /** 0 none, 1 gs, 2 fs. */
  seg = 0;
  /** 32-bit address size (base/index are e-registers). */
  a32 = false;
  /** value as 32-bit halves, and scale as a number (the Number handlers of fast-ops.ts). */
  vLo = 0;
  vHi = 0;
  scaleN = 1;
}

export type Handler = (c: Cpu, op: Op) => void;

export interface Op {
  ins: Instruction;
  /** Address of the next instruction. */
  next: bigint;
  o: COperand[];
  fn: Handler;
  /** Condition code for jcc / setcc / cmovcc / loopcc. */
  cc: number;
  rep: boolean;
  repne: boolean;
  /** Why it cannot run (set when fn is the unsupported handler). */
  why: string;
  /** The op at `next` once seen, and the last other successor (branch target) with its address. */
  fall: Op | undefined;
  other: Op | undefined;
  otherIp: bigint;
  /** next as 32-bit halves (call pushes it). */
  nextLo: number;
  nextHi: number;
  /**
   * Runs without touching rip, the events or the stop reason (a fast-ops.ts handler that is not call/ret): the run
   * loop chains such ops through `fall` without per-instruction bookkeeping (run.ts).
   */
  straight: boolean;
  /** g32 index (2 × register number) of operand 0's and 1's register, or -1 (fast-ops64.ts). */
  r0: number;
  r1: number;
  /** The first immediate operand's value as 32-bit halves, stored as int32 (small integers: never boxed); 0 without one. */
  immLo: number;
  immHi: number;
  /**
   * The memory operand (fast-ops64.ts): g32 index of its base and index registers (or -1), scale, displacement
   * halves as int32, 32-bit address size.
   */
  mb: number;
  mi: number;
  ms: number;
  mLo: number;
  mHi: number;
  ma32: boolean;
  /** May change rsp (push, pop, a write to rsp): the run loop checks rsp against the stack after it. */
  sp: boolean;
}

