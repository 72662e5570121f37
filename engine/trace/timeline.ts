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
  describe(item: number): ItemDetail;
  /** Writes of items overlapping [address, address+length), with their timeline positions. */
  writesOverlapping?(address: bigint, length: number, firstPos: number): ForeignWrite[];
}

export interface SnapshotModule {
  name: string;
  state: string;
  size: number;
  refcount: number;
  usedBy: string[];
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
  /** Keep block steps' item data (off for bulk runs that never seek). */
  keepBlocks = true;

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
    this.entries.push({ info: step, block: this.keepBlocks ? block : null, after });
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

  /** Relocation writes (from blocks) overlapping a window, for Memory.windowAt. */
  foreignWrites(address: bigint, length: number): ForeignWrite[] {
    const out: ForeignWrite[] = [];
    for (const e of this.entries) if (e.block?.writesOverlapping) out.push(...e.block.writesOverlapping(address, length, e.info.pos));
    return out;
  }
}
