/**
 * The instructions an init or exit function executed, as timeline items: one position per
 * instruction (up to a cap), with the registers before it, its disassembly, where it is, and the
 * memory it wrote (so memory windows can be shown before and after each instruction).
 *
 * The call stack is tracked as it runs, cheaply: each instruction keeps the index of its innermost
 * frame; a frame starts where a call landed in module code (not back at the next instruction: that
 * was a kernel model or a thunk) and ends once rsp rose above the return address it was entered with
 * (ret, a return-thunk jump, or a tail call into a kernel model). describe(k) walks the chain.
 *
 * A kernel model that calls module code (sort()'s cmp: nested-call.ts) shows as the kernel function's frame with
 * each call of the module function inside it: the call landed in module code with rsp below the pushed return
 * address (the kernel function's stack), and each later call starts again at the same rsp once the last returned.
 */
import type { ForeignWrite } from '../machine/memory';
import type { StepBlock } from '../trace/timeline';
import type { InstructionDetail, InstructionFault, InstructionNav, StackFrame } from '../trace/types';
import { GPR_NAMES, type MemWrite } from './cpu';
import { describeFlags } from './flags';
import { faultReport } from './oops';
import { RegisterLog } from './register-log';
import { SENTINEL_RETURN } from './run';
import { NESTED_RETURN } from './nested-call';
import type { CpuFault, Instruction } from './types';

/** Instructions kept per run (a 40-million-instruction self-test keeps its first 100,000). */
export const MAX_RECORDED = 100_000;

const hex = (v: bigint): `0x${string}` => `0x${v.toString(16).padStart(16, '0')}`;

/** Most bytes of the kernel stack shown with each instruction (from rsp up to the first frame's return address). */
const STACK_WINDOW = 512;

/** Instruction flow kinds (Instruction.flow) as small numbers; NEXT is straight-line code. */
const FLOWS = ['next', 'call', 'ret', 'jmp', 'jcc', 'indirect-call', 'indirect-jmp', 'interrupt', 'exception'];
const FLOW_CODE = new Map(FLOWS.map((f, i) => [f, i]));
const NEXT = 0;
/** First capacity of the per-instruction columns; they double up to MAX_RECORDED. */
const FIRST_CAPACITY = 1024;
const isCall = (f: number): boolean => f === 1 || f === 5;

interface Frame {
  parent: number;
  depth: number;
  /** Item index of the frame's first instruction. */
  start: number;
  /** rsp at entry: it points at the return address. */
  entryRsp: bigint;
  /** null for the outermost frame and for module code a kernel model called (their return address is the kernel's). */
  ret: bigint | null;
  /** A kernel function that called module code (no instruction of its own is recorded): its name. */
  kernel?: string;
}

export class InstructionBlock implements StepBlock {
  readonly kind = 'instructions';
  count = 0;
  // Per-instruction columns in typed arrays (no object per instruction for the GC to trace); grown by doubling.
  private capacity = 0;
  private rip = new BigUint64Array(0);
  /** The decoded instructions (the interpreter decodes each address once: these are shared). */
  private readonly ins: Instruction[] = [];
  /** The 16 general registers before each instruction (kept as changes). */
  private readonly regs = new RegisterLog();
  /** rflags before each instruction (its defined bits are all below bit 32). */
  private flags = new Uint32Array(0);
  private readonly writes = new Map<number, MemWrite[]>();
  private readonly calls = new Map<number, string>();
  private len = new Uint8Array(0);
  private flow = new Uint8Array(0);
  /** Index into frames of each instruction's innermost frame. */
  private frameOf = new Int32Array(0);
  private readonly frames: Frame[] = [];
  /** The exception the last recorded instruction raised (it did not complete), if the run faulted. */
  private fault: { item: number; fault: CpuFault } | null = null;
  /** rsp before the instruction recorded last. */
  private lastRsp = 0n;

  constructor(private readonly symbolize: (a: bigint) => string | null) {}

  /** Instructions executed past MAX_RECORDED (not kept). */
  dropped = 0;

  /** fault: the instruction raised it and did not complete (run.ts gives the faulting instruction as the run's last step). */
  record(ins: Instruction, rip: bigint, gpr: BigUint64Array, rflags: bigint, writes: MemWrite[], fault?: CpuFault): void {
    if (this.count >= MAX_RECORDED) {
      this.dropped++;
      return;
    }
    const i = this.count;
    if (i === this.capacity) this.grow();
    this.count++;
    if (fault) this.fault = { item: i, fault };
    this.rip[i] = rip;
    this.ins.push(ins);
    this.regs.push(gpr);
    this.flags[i] = Number(rflags & 0xffffffffn);
    this.flow[i] = FLOW_CODE.get(ins.flow) ?? NEXT;
    this.len[i] = ins.length;
    this.frameOf[i] = this.enterFrame(i, rip, gpr[4]);
    this.lastRsp = gpr[4];
    if (writes.length)
      this.writes.set(
        i,
        writes.map((w) => ({ address: w.address, bytes: w.bytes.slice(), before: w.before ? w.before.slice() : null })),
      );
  }

  private grow(): void {
    const n = Math.min(MAX_RECORDED, Math.max(FIRST_CAPACITY, this.capacity * 2));
    const rip = new BigUint64Array(n);
    rip.set(this.rip);
    this.rip = rip;
    const flags = new Uint32Array(n);
    flags.set(this.flags);
    this.flags = flags;
    const len = new Uint8Array(n);
    len.set(this.len);
    this.len = len;
    const flow = new Uint8Array(n);
    flow.set(this.flow);
    this.flow = flow;
    const frameOf = new Int32Array(n);
    frameOf.set(this.frameOf);
    this.frameOf = frameOf;
    this.capacity = n;
  }

  /** The 16 general registers before instruction k. */
  private regsAt(k: number): BigUint64Array {
    return this.regs.at(k);
  }

  private enterFrame(i: number, rip: bigint, rsp: bigint): number {
    if (i === 0) {
      this.frames.push({ parent: -1, depth: 0, start: 0, entryRsp: rsp, ret: null });
      return 0;
    }
    let f = this.frameOf[i - 1];
    const back = this.rip[i - 1] + BigInt(this.len[i - 1]);
    if (isCall(this.flow[i - 1]) && rip !== back) {
      if (rsp === this.lastRsp - 8n) {
        this.frames.push({ parent: f, depth: this.frames[f].depth + 1, start: i, entryRsp: rsp, ret: back });
        return this.frames.length - 1;
      }
      // A kernel function called module code (its stack lies between): its frame, then the callee's.
      const op = this.ins[i - 1].operands[0];
      const name = (op?.kind === 'branch' && /^[\w.$]+/.exec(this.symbolize(op.target) ?? '')?.[0]) || 'kernel function';
      const depth = this.frames[f].depth;
      this.frames.push({ parent: f, depth: depth + 1, start: i, entryRsp: this.lastRsp - 8n, ret: back, kernel: name });
      this.frames.push({ parent: this.frames.length - 1, depth: depth + 2, start: i, entryRsp: rsp, ret: null });
      return this.frames.length - 1;
    }
    const fr = this.frames[f];
    if (fr.ret === null && fr.parent >= 0 && this.frames[fr.parent].kernel !== undefined && this.returned(i - 1, fr) && rsp === fr.entryRsp) {
      // The module function returned to the kernel function, which calls module code again.
      this.frames.push({ parent: fr.parent, depth: fr.depth, start: i, entryRsp: rsp, ret: null });
      return this.frames.length - 1;
    }
    while (this.frames[f].parent >= 0 && rsp > this.frames[f].entryRsp) f = this.frames[f].parent;
    return f;
  }

  /** Instruction j of frame fr returns from it: a ret, or a jump to the return thunk, at its entry rsp. */
  private returned(j: number, fr: Frame): boolean {
    if (this.lastRsp !== fr.entryRsp) return false;
    const flow = FLOWS[this.flow[j]];
    const op = this.ins[j].operands[0];
    return flow === 'ret' || (flow === 'jmp' && op?.kind === 'branch' && /^__x86_return_thunk\b/.test(this.symbolize(op.target) ?? ''));
  }

  /**
   * A kernel function model ran for the instruction recorded last (none once past the cap: it was not kept); a model
   * that called module code ends after the module code's last return: its line goes on the call instruction.
   */
  call(text: string): void {
    if (this.count === 0 || this.dropped > 0) return;
    let i = this.count - 1;
    const fr = this.frames[this.frameOf[i]];
    const kernel = fr.ret === null && fr.parent >= 0 ? this.frames[fr.parent] : null;
    if (kernel?.kernel !== undefined && text.startsWith(`${kernel.kernel}()`) && this.returned(i, fr)) i = kernel.start - 1;
    this.calls.set(i, [this.calls.get(i), text].filter(Boolean).join('; '));
  }

  describe(k: number): InstructionDetail {
    const registers: Record<string, `0x${string}`> = {};
    const g = this.regsAt(k);
    GPR_NAMES.forEach((n, i) => (registers[n] = hex(g[i])));
    registers.rip = hex(this.rip[k]);
    return {
      kind: 'instruction',
      item: k,
      rip: hex(this.rip[k]),
      where: this.symbolize(this.rip[k]),
      text: this.ins[k].text,
      registers,
      flags: describeFlags(this.flags[k]),
      call: this.calls.get(k) ?? null,
      writes: (this.writes.get(k) ?? []).map((w) => ({ address: hex(w.address), length: w.bytes.length })),
      stack: this.stack(k),
      nav: this.nav(k),
      around: [],
      stackMemory: this.stackMemory(k),
      fault: this.faultAt(k),
    };
  }

  /** One line for notes: "mov    (%rax),%esi at null_deref_init+0x26/0x1000 [oops] raised #PF (CR2 0000000000000000, error_code 0x0000: …)". */
  faultSummary(): string | null {
    if (!this.fault) return null;
    const k = this.fault.item;
    const f = this.faultAt(k);
    if (!f) return null;
    const where = this.symbolize(this.rip[k]) ?? hex(this.rip[k]);
    const pf = f.lines.filter((l) => l.startsWith('#PF: ')).map((l) => l.slice(5));
    const code = `error_code 0x${f.errorCode.toString(16).padStart(4, '0')}`;
    const detail = f.cr2 !== null ? `CR2 ${f.cr2.slice(2)}, ${pf.length ? pf.join('; ') : code}` : code;
    return `${this.ins[k].text.replace(/\s+/g, ' ')} at ${where} raised ${f.vector} (${detail})`;
  }

  /** The exception instruction k raised, with CR2 and the error code as the oops prints them; null when it completed. */
  faultAt(k: number): InstructionFault | null {
    if (!this.fault || this.fault.item !== k) return null;
    const f = this.fault.fault;
    const r = faultReport(f, this.rip[k]);
    return {
      vector: r.vector,
      cr2: r.cr2 === null ? null : hex(r.cr2),
      errorCode: r.errorCode,
      lines: [...r.lines.map((l) => l.text), `${r.header}: ${r.errorCode.toString(16).padStart(4, '0')}`],
      message: f.message,
    };
  }

  /**
   * The live part of the kernel stack before instruction k ran: runFunction() starts on a zeroed
   * stack with only the sentinel return address pushed, so replaying the recorded writes rebuilds it.
   */
  stackMemory(k: number): { address: `0x${string}`; bytes: number[] } {
    const root = this.frames[0];
    const top = root.entryRsp + 8n;
    let start = this.regsAt(k)[4] & ~0xfn;
    if (start >= top) start = top - 16n;
    const end = top - start > BigInt(STACK_WINDOW) ? start + BigInt(STACK_WINDOW) : top;
    const bytes = new Array<number>(Number(end - start)).fill(0);
    const put = (address: bigint, data: Uint8Array): void => {
      for (let j = 0; j < data.length; j++) {
        const o = address + BigInt(j) - start;
        if (o >= 0n && o < BigInt(bytes.length)) bytes[Number(o)] = data[j];
      }
    };
    const ret = new Uint8Array(8);
    new DataView(ret.buffer).setBigUint64(0, SENTINEL_RETURN, true);
    put(root.entryRsp, ret);
    // The return address of module code a kernel model called (pushed by the model, not by a recorded instruction).
    new DataView(ret.buffer).setBigUint64(0, NESTED_RETURN, true);
    for (const fr of this.frames) if (fr.ret === null && fr.parent >= 0 && fr.start <= k) put(fr.entryRsp, ret);
    for (const [i, ws] of this.writes) {
      if (i >= k) break;
      for (const w of ws) if (w.address < end && w.address + BigInt(w.bytes.length) > start) put(w.address, w.bytes);
    }
    return { address: hex(start), bytes };
  }

  /** The frames at instruction k, innermost first; the kernel models it reached come first. */
  stack(k: number): StackFrame[] {
    const out: StackFrame[] = [];
    const rsp = this.regsAt(k)[4];
    const end = this.rip[k] + BigInt(this.len[k]);
    const called = isCall(this.flow[k]);
    const names = (this.calls.get(k) ?? '')
      .split('; ')
      .map((t) => /^([\w.$]+)\(\)/.exec(t)?.[1])
      .filter((n): n is string => !!n);
    for (const name of names.reverse()) {
      // A call pushed its return address; a tail jump returns to this frame's caller.
      const top = this.frames[this.frameOf[k]];
      const ret = called ? end : top.ret;
      const op = this.ins[k].operands[0];
      const pc = op?.kind === 'branch' ? op.target : null;
      out.push({
        function: name,
        pc: pc === null ? null : hex(pc),
        returnAddress: ret === null ? null : hex(ret),
        returnTo: ret === null ? null : this.symbolize(ret),
        rsp: hex(called ? rsp - 8n : rsp),
        kernel: true,
        entryItem: null,
      });
    }
    let pc = this.rip[k];
    for (let f = this.frameOf[k]; f >= 0; f = this.frames[f].parent) {
      const fr = this.frames[f];
      if (fr.kernel !== undefined) {
        out.push({
          function: fr.kernel,
          pc: null,
          returnAddress: fr.ret === null ? null : hex(fr.ret),
          returnTo: fr.ret === null ? null : this.symbolize(fr.ret),
          rsp: hex(fr.entryRsp),
          kernel: true,
          entryItem: null,
        });
        if (fr.ret !== null) pc = fr.ret;
        continue;
      }
      out.push({
        function: this.symbolize(pc) ?? hex(pc),
        pc: hex(pc),
        returnAddress: fr.ret === null ? null : hex(fr.ret),
        returnTo: fr.ret === null ? null : this.symbolize(fr.ret),
        rsp: hex(fr.entryRsp),
        kernel: false,
        entryItem: fr.start,
      });
      if (fr.ret !== null) pc = fr.ret;
    }
    return out;
  }

  /** Where per-block and per-call stepping goes from instruction k. */
  nav(k: number): InstructionNav {
    const n = this.count;
    const depth = (i: number): number => this.frames[this.frameOf[i]].depth;
    const blockStart = (i: number): number => {
      while (i > 0 && this.flow[i - 1] === NEXT) i--;
      return i;
    };
    let nextBlock: number | null = null;
    for (let i = k; i < n - 1; i++)
      if (this.flow[i] !== NEXT) {
        nextBlock = i + 1;
        break;
      }
    const s = blockStart(k);
    const prevBlock = s < k ? s : k > 0 ? blockStart(k - 1) : null;
    const d = depth(k);
    let stepOver: number | null = null;
    let stepOut: number | null = null;
    for (let i = k + 1; i < n; i++) {
      const di = depth(i);
      if (stepOver === null && di <= d) stepOver = i;
      if (di < d) {
        stepOut = i;
        break;
      }
      if (stepOver !== null && d === 0) break;
    }
    let stepBackOver: number | null = null;
    for (let i = k - 1; i >= 0; i--)
      if (depth(i) <= d) {
        stepBackOver = i;
        break;
      }
    return { prevBlock, nextBlock, stepOver, stepBackOver, stepOut };
  }

  writesOverlapping(address: bigint, length: number, firstPos: number): ForeignWrite[] {
    const out: ForeignWrite[] = [];
    const end = address + BigInt(length);
    for (const [i, ws] of this.writes) {
      for (const w of ws) {
        if (!w.before || w.address >= end || w.address + BigInt(w.bytes.length) <= address) continue;
        out.push({ pos: firstPos + i, address: w.address, before: w.before });
      }
    }
    return out;
  }
}
