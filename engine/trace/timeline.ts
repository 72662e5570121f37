/**
 * The timeline: every step of every operation, in order, addressable by position. Seeking is a binary
 * search; block steps (symbols, relocations) answer item details from typed arrays on demand.
 */
import type { ForeignWrite } from '../machine/memory';
import type { ItemDetail, OpEnd, OperationInfo, StepInfo } from './types';

/** What a block step keeps to describe its items and undo its writes. */
export interface StepBlock {
  readonly kind: 'symbols' | 'relocations' | 'instructions';
  readonly count: number;
  /** The module the block's items belong to, when it has one. */
  readonly module?: string;
  describe(item: number): ItemDetail;
  /** Writes of items overlapping [address, address+length), with their timeline positions. */
  writesOverlapping?(address: bigint, length: number, firstPos: number): ForeignWrite[];
}

export interface SnapshotModule {
  name: string;
  state: string;
  /** core + init layout (what the kernel holds for it); /proc/modules drops init once the module is LIVE. */
  size: number;
  /** /sys/module/NAME/coresize: the Size column of kmod's lsmod. */
  coreSize: number;
  refcount: number;
  usedBy: string[];
  /** /sys/module/NAME/holders in readdir order: lsmod's "Used by" list. */
  holders: string[];
  taints: string;
}

/** Small state saved after each step so any position can show the module list and taints. */
export interface Snapshot {
  modules: SnapshotModule[];
  taints: number;
}

interface Entry {
  info: StepInfo;
  block: StepBlock | null;
  after: Snapshot;
}

export class Timeline {
  private entries: Entry[] = [];
  readonly ops: OperationInfo[] = [];
  private nextPos = 0;
  /**
   * Keep the steps. Off for bulk runs that never look back at a step (load-all, init-all: ModelKernel.lean): positions
   * still advance and operations are still listed, but stepCount() stays 0. Kept, every load's ~25 steps with their
   * effects and texts outlived the load: over the corpus that was ~100,000 steps, a fifth of load-all's heap, copied by
   * each scavenge (load-all's user CPU 11.2–12.1 s → 8.9–9.6 s without them).
   */
  keepSteps = true;

  get length(): number {
    return this.nextPos;
  }

  /** The position the next step will get. */
  get position(): number {
    return this.nextPos;
  }

  beginOp(command: string): OperationInfo {
    const op: OperationInfo = { index: this.ops.length, command, startPos: this.nextPos, endPos: this.nextPos, result: 0, output: [] };
    this.ops.push(op);
    return op;
  }

  endOp(op: OperationInfo, result: number | null, end: OpEnd = { kind: 'returned' }): void {
    op.endPos = this.nextPos;
    op.result = end.kind === 'returned' ? result : null;
    op.end = end;
  }

  add(info: Omit<StepInfo, 'pos' | 'span' | 'op'>, after: Snapshot, block: StepBlock | null = null): StepInfo {
    const op = this.ops.length - 1;
    const step: StepInfo = { ...info, pos: this.nextPos, span: block ? block.count : 1, op };
    if (block) step.block = block.kind;
    if (this.keepSteps) this.entries.push({ info: step, block, after });
    this.nextPos += step.span;
    return step;
  }

  /** Steps in order (paged by index, not position). */
  stepCount(): number {
    return this.entries.length;
  }

  step(index: number): StepInfo | undefined {
    return this.entries[index]?.info;
  }

  /** The step covering position pos (the last one starting at or before it). */
  indexAt(pos: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].info.pos <= pos) lo = mid + 1;
      else hi = mid;
    }
    // Empty blocks (span 0) share a position with the next step; prefer the one that covers pos.
    let i = lo - 1;
    while (i > 0 && this.entries[i].info.span === 0 && this.entries[i].info.pos === pos) i--;
    return i;
  }

  at(pos: number): { step: StepInfo; item: ItemDetail | null; before: Snapshot; after: Snapshot } | null {
    const i = this.indexAt(pos);
    if (i < 0) return null;
    const e = this.entries[i];
    const item = e.block && e.block.count > 0 ? e.block.describe(Math.min(e.block.count - 1, pos - e.info.pos)) : null;
    const before = i > 0 ? this.entries[i - 1].after : { modules: [], taints: 0 };
    return { step: e.info, item, before, after: e.after };
  }

  /** The block of the step at index (null for plain steps or when blocks are not kept). */
  blockOf(index: number): StepBlock | null {
    return this.entries[index]?.block ?? null;
  }

  /** Relocation writes (from blocks) overlapping a window, for Memory.windowAt. */
  foreignWrites(address: bigint, length: number): ForeignWrite[] {
    const out: ForeignWrite[] = [];
    for (const e of this.entries) if (e.block?.writesOverlapping) out.push(...e.block.writesOverlapping(address, length, e.info.pos));
    return out;
  }
}
