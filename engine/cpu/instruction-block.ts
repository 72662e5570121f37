/**
 * The instructions an init or exit function executed, as timeline items: one position per
 * instruction (up to a cap), with the registers before it, its disassembly, where it is, and the
 * memory it wrote (so memory windows can be shown before and after each instruction).
 */
import type { ForeignWrite } from '../machine/memory';
import type { StepBlock } from '../trace/timeline';
import type { InstructionDetail } from '../trace/types';
import { GPR_NAMES, type MemWrite } from './cpu';
import { describeFlags } from './flags';
import type { Instruction } from './types';

/** Instructions kept per run (a 40-million-instruction self-test keeps its first 100,000). */
export const MAX_RECORDED = 100_000;

const hex = (v: bigint): `0x${string}` => `0x${v.toString(16).padStart(16, '0')}`;

export class InstructionBlock implements StepBlock {
  readonly kind = 'instructions';
  count = 0;
  private readonly rip: bigint[] = [];
  private readonly text: string[] = [];
  private readonly regs: BigUint64Array[] = [];
  private readonly flags: bigint[] = [];
  private readonly writes = new Map<number, MemWrite[]>();
  private readonly calls = new Map<number, string>();

  constructor(private readonly symbolize: (a: bigint) => string | null) {}

  record(ins: Instruction, rip: bigint, gpr: BigUint64Array, rflags: bigint, writes: MemWrite[]): void {
    if (this.count >= MAX_RECORDED) return;
    const i = this.count++;
    this.rip.push(rip);
    this.text.push(ins.text);
    this.regs.push(gpr.slice());
    this.flags.push(rflags);
    if (writes.length) this.writes.set(i, writes.map((w) => ({ address: w.address, bytes: w.bytes.slice(), before: w.before ? w.before.slice() : null })));
  }

  /** A kernel function model ran for the instruction recorded last. */
  call(text: string): void {
    if (this.count === 0) return;
    const i = this.count - 1;
    this.calls.set(i, [this.calls.get(i), text].filter(Boolean).join('; '));
  }

  describe(k: number): InstructionDetail {
    const registers: Record<string, `0x${string}`> = {};
    const g = this.regs[k];
    GPR_NAMES.forEach((n, i) => (registers[n] = hex(g[i])));
    registers.rip = hex(this.rip[k]);
    return {
      kind: 'instruction',
      item: k,
      rip: hex(this.rip[k]),
      where: this.symbolize(this.rip[k]),
      text: this.text[k],
      registers,
      flags: describeFlags(Number(this.flags[k])),
      call: this.calls.get(k) ?? null,
      writes: (this.writes.get(k) ?? []).map((w) => ({ address: hex(w.address), length: w.bytes.length })),
    };
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
