/** 2.4's relocations happen in insmod's own buffer, so the Memory view shows their writes there. */
import type { RelocationBlock } from '../load/relocate';
import type { ForeignWrite } from '../machine/memory';
import type { StepBlock } from '../trace/timeline';
import type { RelocationDetail } from '../trace/types';
import { hex64 } from '../base/hex';

/** Where insmod's xmalloc'd image sits in its own address space (a modelled heap address). */
export const USER_BUFFER = 0x0000555555600000n;

/** The relocations happen in insmod's buffer: their writes are shown there (at buffer + (P − base)), not at P. */
export class UserSpaceRelocations implements StepBlock {
  readonly kind = 'relocations';
  readonly count: number;
  constructor(
    private readonly inner: RelocationBlock,
    private readonly shift: bigint,
  ) {
    this.count = inner.count;
  }

  /** The entry as relocated for its final address P, written at buffer + (P − base) in insmod's image. */
  describe(item: number): RelocationDetail {
    const d = this.inner.describe(item);
    return { ...d, writtenAt: { address: hex64(BigInt(d.P) + this.shift), where: "insmod's image in user space" } };
  }

  writesOverlapping(address: bigint, length: number, firstPos: number): ForeignWrite[] {
    return this.inner.writesOverlapping(address - this.shift, length, firstPos).map((w) => ({ ...w, address: w.address + this.shift }));
  }
}
