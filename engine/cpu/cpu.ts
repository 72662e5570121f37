/**
 * The architectural state of the modelled CPU (one x86-64 core running kernel code) and the
 * primitive accesses instructions are made of: registers with the partial-register rules of long
 * mode (32-bit writes zero-extend to 64 bits, 8/16-bit writes merge, ah/bh/ch/dh are bits 8-15),
 * memory reads and writes through a CpuMemory (little endian; %gs adds the per-CPU base), the stack.
 */
import { CpuFault, type CpuMemory, type CpuState } from './types';
import { MODELLED } from './flags';

/** Encoding order of the 16 general registers. */
export const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;
export const RAX = 0,
  RCX = 1,
  RDX = 2,
  RBX = 3,
  RSP = 4,
  RBP = 5,
  RSI = 6,
  RDI = 7;

export interface RegRef {
  idx: number;
  size: 1 | 2 | 4 | 8;
  /** ah ch dh bh: bits 8..15 of idx 0..3. */
  high: boolean;
}

const REGS = new Map<string, RegRef>();
{
  const d = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
  const w = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
  const b = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
  for (let i = 0; i < 16; i++) {
    REGS.set(GPR_NAMES[i], { idx: i, size: 8, high: false });
    REGS.set(i < 8 ? d[i] : `r${i}d`, { idx: i, size: 4, high: false });
    REGS.set(i < 8 ? w[i] : `r${i}w`, { idx: i, size: 2, high: false });
    REGS.set(i < 8 ? b[i] : `r${i}b`, { idx: i, size: 1, high: false });
    if (i >= 8) REGS.set(`r${i}l`, { idx: i, size: 1, high: false });
  }
  ['ah', 'ch', 'dh', 'bh'].forEach((n, i) => REGS.set(n, { idx: i, size: 1, high: true }));
}

/** A general register by (iced, lower-case) name, or undefined for rip, segment, vector… registers. */
export function regRef(name: string): RegRef | undefined {
  return REGS.get(name);
}

const M64 = 0xffffffffffffffffn;

/** CpuState with RFLAGS kept as a number internally (the hot path never builds bigints for flags). */
export class CpuStateImpl implements CpuState {
  readonly gpr = new BigUint64Array(16);
  /** The same registers as 32-bit halves (g32[2i] low, g32[2i + 1] high; hosts are little endian): the hot handlers' Number view. */
  readonly g32 = new Uint32Array(this.gpr.buffer);
  rip = 0n;
  gsBase = 0n;
  /** xmm0..xmm15, 16 bytes each little endian (exec-sse.ts); kernel code uses them between kernel_fpu_begin()/end(). */
  readonly xmm = new Uint8Array(16 * 16);
  /** Low 12 bits of RFLAGS (CF PF AF ZF SF IF DF OF modelled). */
  flags = 0;
  get rflags(): bigint {
    return BigInt(this.flags | 0x2);
  }
  set rflags(v: bigint) {
    this.flags = Number(v & BigInt(MODELLED));
  }
}

export interface MemWrite {
  address: bigint;
  bytes: Uint8Array;
  /** What was there before (null when it could not be read). */
  before: Uint8Array | null;
}

export class Cpu extends CpuStateImpl {
  /** Writes of the current instruction, collected only while a recorder is attached. */
  writes: MemWrite[] | null = null;
  /** Stack region bounds (rsp must stay inside [stackLow, stackHigh]). */
  stackLow = 0n;
  stackHigh = M64;
  /** stackLow as 32-bit halves, for the stackLow value stackLowOf (fast-ops.ts's push refreshes them). */
  stackLowOf = -1n;
  stackLowLo = 0;
  stackLowHi = 0;
  /** Events of the current run (kernel calls, device accesses, warnings). */
  events: CpuEvent[] = [];
  /** Told about each event as it happens, with the instructions completed so far. */
  onEvent: ((e: CpuEvent, executed: number) => void) | null = null;
  /** Instructions completed in the current run (kept by the run loop). */
  executed = 0;
  /** The modelled machine's time since boot in ns (kernel-memory.ts), for rdtsc (tsc.ts); null outside a kernel. */
  clockNs: (() => number) | null = null;

  emit(e: CpuEvent): void {
    this.events.push(e);
    if (this.onEvent) this.onEvent(e, this.executed);
  }

  /** Set by an instruction that ends the run (int3, an unsupported instruction). */
  stop: StopReason | null = null;
  /** Classifies a ud2 (the module's __bug_table): 'warn' continues after it, anything else is BUG(). */
  bugType: ((rip: bigint) => 'warn' | 'bug' | null) | null = null;

  constructor(readonly mem: CpuMemory) {
    super();
  }

  // ---- direct memory spans (CpuMemory.span): two cached runs of bytes, addressed by 32-bit halves ---------------

  /** Span k: high half of its base, low half of its base, end of the low half (may pass 2^32), bytes, view, writable. */
  readonly spanHi = [-1, -1];
  readonly spanLo = [0, 0];
  readonly spanEnd = [0, 0];
  readonly spanView: DataView[] = [new DataView(new ArrayBuffer(0)), new DataView(new ArrayBuffer(0))];
  readonly spanWritable = [false, false];
  private spanNext = 0;

  /** Forget the spans (the mappings may have changed: a kernel call ran, a run starts). */
  dropSpans(): void {
    this.spanHi[0] = this.spanHi[1] = -1;
  }

  /**
   * The DataView offset of size bytes at address hi:lo inside a span (writable when write), or -1. spanAt is set
   * to the span's index. Looks the span up from the memory on a miss.
   */
  spanOffset(lo: number, hi: number, size: number, write: boolean): number {
    if (write && this.writes) return -1; // recorded writes go through writeBytes
    for (let k = 0; k < 2; k++) {
      if (hi === this.spanHi[k] && lo >= this.spanLo[k] && lo + size <= this.spanEnd[k] && (!write || this.spanWritable[k])) {
        this.spanAt = k;
        return lo - this.spanLo[k];
      }
    }
    if (!this.mem.span) return -1;
    const s = this.mem.span((BigInt(hi) << 32n) | BigInt(lo));
    if (!s) return -1;
    const k = this.spanNext;
    this.spanNext ^= 1;
    this.spanHi[k] = Number(s.base >> 32n);
    this.spanLo[k] = Number(s.base & 0xffffffffn);
    this.spanEnd[k] = this.spanLo[k] + s.bytes.length;
    this.spanView[k] = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
    this.spanWritable[k] = s.writable;
    if (hi === this.spanHi[k] && lo >= this.spanLo[k] && lo + size <= this.spanEnd[k] && (!write || s.writable)) {
      this.spanAt = k;
      return lo - this.spanLo[k];
    }
    return -1;
  }
  spanAt = 0;

  // ---- registers -------------------------------------------------------------------------

  getReg(r: RegRef): bigint {
    const v = this.gpr[r.idx];
    switch (r.size) {
      case 8:
        return v;
      case 4:
        return v & 0xffffffffn;
      case 2:
        return v & 0xffffn;
      default:
        return r.high ? (v >> 8n) & 0xffn : v & 0xffn;
    }
  }

  /** Write with long-mode rules; v may carry bits above the register size (they are dropped). */
  setReg(r: RegRef, v: bigint): void {
    switch (r.size) {
      case 8:
        this.gpr[r.idx] = v; // BigUint64Array stores modulo 2^64
        return;
      case 4:
        this.gpr[r.idx] = v & 0xffffffffn;
        return;
      case 2:
        this.gpr[r.idx] = (this.gpr[r.idx] & ~0xffffn) | (v & 0xffffn);
        return;
      default:
        if (r.high) this.gpr[r.idx] = (this.gpr[r.idx] & ~0xff00n) | ((v & 0xffn) << 8n);
        else this.gpr[r.idx] = (this.gpr[r.idx] & ~0xffn) | (v & 0xffn);
    }
  }

  /** Register by name (tests, kernel-call models); throws on names that are not general registers. */
  reg(name: string): bigint {
    const r = REGS.get(name);
    if (!r) throw new Error(`not a general register: ${name}`);
    return this.getReg(r);
  }

  setRegByName(name: string, v: bigint): void {
    const r = REGS.get(name);
    if (!r) throw new Error(`not a general register: ${name}`);
    this.setReg(r, v);
  }

  // ---- memory ----------------------------------------------------------------------------

  /** Read size (1, 2, 4, 8) bytes little endian. */
  readMem(address: bigint, size: number): bigint {
    const b = this.mem.read(address, size, 'read');
    switch (size) {
      case 1:
        return BigInt(b[0]);
      case 2:
        return BigInt(b[0] | (b[1] << 8));
      case 4:
        return BigInt((b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0);
      case 8: {
        const lo = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
        const hi = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
        return (BigInt(hi) << 32n) | BigInt(lo);
      }
      default: {
        let v = 0n;
        for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        return v;
      }
    }
  }

  writeMem(address: bigint, v: bigint, size: number): void {
    const b = new Uint8Array(size);
    if (size <= 4) {
      let n = Number(v & 0xffffffffn);
      for (let i = 0; i < size; i++) {
        b[i] = n & 0xff;
        n >>>= 8;
      }
    } else {
      let lo = Number(v & 0xffffffffn);
      let hi = Number((v >> 32n) & 0xffffffffn);
      for (let i = 0; i < 4; i++) {
        b[i] = lo & 0xff;
        lo >>>= 8;
        b[i + 4] = hi & 0xff;
        hi >>>= 8;
      }
      for (let i = 8; i < size; i++) b[i] = 0;
    }
    this.writeBytes(address, b);
  }

  writeBytes(address: bigint, bytes: Uint8Array): void {
    if (this.writes) {
      let before: Uint8Array | null = null;
      try {
        before = this.mem.read(address, bytes.length, 'read').slice();
      } catch {
        before = null;
      }
      this.mem.write(address, bytes);
      this.writes.push({ address, bytes, before });
      return;
    }
    this.mem.write(address, bytes);
  }

  // ---- stack -----------------------------------------------------------------------------

  push(v: bigint, size = 8): void {
    const sp = (this.gpr[RSP] - BigInt(size)) & M64;
    if (sp < this.stackLow)
      throw new CpuFault(
        'stack-overflow',
        sp,
        true,
        `kernel stack overflow: rsp 0x${sp.toString(16)} is below the stack (0x${this.stackLow.toString(16)})`,
      );
    this.writeMem(sp, v, size);
    this.gpr[RSP] = sp;
  }

  pop(size = 8): bigint {
    const sp = this.gpr[RSP];
    const v = this.readMem(sp, size);
    this.gpr[RSP] = sp + BigInt(size);
    return v;
  }

  /** Copy of the registers and flags for views. */
  snapshot(): CpuSnapshot {
    const regs: Record<string, bigint> = {};
    for (let i = 0; i < 16; i++) regs[GPR_NAMES[i]] = this.gpr[i];
    return { regs, rip: this.rip, rflags: this.rflags, gsBase: this.gsBase };
  }
}

export interface CpuSnapshot {
  regs: Record<string, bigint>;
  rip: bigint;
  rflags: bigint;
  gsBase: bigint;
}

/** Something the run did besides executing module instructions, for the timeline and the report. */
export type CpuEvent =
  /** A modelled kernel function ran. */
  | { kind: 'kernel-call'; name: string; address: bigint; from: bigint; args: bigint[]; ret: bigint }
  /** A kernel function without a model: it returned 0. */
  | { kind: 'not-modelled'; name: string; address: bigint; from: bigint }
  /** in/out, wbinvd, sidt…: a device or CPU state the model answers as QEMU's PC does (the event says how). */
  | { kind: 'device'; what: string; mnemonic: string; rip: bigint }
  /** WARN(): a ud2 the bug table marks as a warning; execution goes on after it. */
  | { kind: 'warn'; rip: bigint }
  /** What the default kernel services saw (no host services given). */
  | { kind: 'printk'; level: number | 'cont' | 'default'; text: string }
  | { kind: 'note'; text: string };

/** Why execution stopped early (besides faults, which are CpuFault exceptions). */
export type StopReason =
  { kind: 'unsupported'; mnemonic: string; text: string; rip: bigint; why: string } | { kind: 'trap'; rip: bigint; text: string };
