/**
 * The 16 general registers before each recorded instruction, kept as changes: a full copy every
 * SNAPSHOT_EVERY instructions, otherwise only the registers that differ from the instruction before
 * (usually one or two). About 25 bytes per instruction instead of 128, and no BigInt per register:
 * registers are compared and stored as 32-bit halves. at(k) rebuilds the registers of instruction k
 * from the snapshot before it and at most SNAPSHOT_EVERY - 1 sets of changes.
 */

const SNAPSHOT_SHIFT = 6;
/** A full copy of the registers every 64 instructions. */
const SNAPSHOT_EVERY = 1 << SNAPSHOT_SHIFT;
/** 16 registers as 32-bit halves. */
const WORDS = 32;

function grown<T extends Uint8Array | Uint32Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2, 1024));
  b.set(a);
  return b;
}

export class RegisterLog {
  count = 0;
  /** Full copies: WORDS per snapshot, snapshot s for instruction s * SNAPSHOT_EVERY. */
  private snaps = new Uint32Array(0);
  /** Instruction i's changes are deltas [start[i], start[i + 1]). */
  private start = new Uint32Array(1);
  private reg = new Uint8Array(0);
  /** Two words (the register's halves) per change. */
  private val = new Uint32Array(0);
  private deltas = 0;
  private readonly prev = new Uint32Array(WORDS);
  private viewOf: BigUint64Array | null = null;
  private view: Uint32Array<ArrayBufferLike> = new Uint32Array(WORDS);

  /** Record the registers before the next instruction (gpr holds at least 16 registers). */
  push(gpr: BigUint64Array): void {
    if (gpr !== this.viewOf) {
      // run.ts hands over the same array every step: one view of it.
      this.viewOf = gpr;
      this.view = new Uint32Array(gpr.buffer, gpr.byteOffset, WORDS);
    }
    const cur = this.view;
    const i = this.count;
    this.start = grown(this.start, i + 2, (n) => new Uint32Array(n));
    if ((i & (SNAPSHOT_EVERY - 1)) === 0) {
      const at = (i >> SNAPSHOT_SHIFT) * WORDS;
      this.snaps = grown(this.snaps, at + WORDS, (n) => new Uint32Array(n));
      this.snaps.set(cur, at);
    } else {
      const prev = this.prev;
      for (let r = 0; r < 16; r++) {
        const lo = cur[2 * r];
        const hi = cur[2 * r + 1];
        if (lo === prev[2 * r] && hi === prev[2 * r + 1]) continue;
        const d = this.deltas++;
        this.reg = grown(this.reg, d + 1, (n) => new Uint8Array(n));
        this.val = grown(this.val, 2 * d + 2, (n) => new Uint32Array(n));
        this.reg[d] = r;
        this.val[2 * d] = lo;
        this.val[2 * d + 1] = hi;
      }
    }
    this.start[i + 1] = this.deltas;
    this.prev.set(cur);
    this.count++;
  }

  /** The registers before instruction k (0 ≤ k < count), as a new array. */
  at(k: number): BigUint64Array {
    const w = new Uint32Array(WORDS);
    const s = k >> SNAPSHOT_SHIFT;
    w.set(this.snaps.subarray(s * WORDS, s * WORDS + WORDS));
    for (let i = (s << SNAPSHOT_SHIFT) + 1; i <= k; i++) {
      for (let d = this.start[i]; d < this.start[i + 1]; d++) {
        const r = this.reg[d];
        w[2 * r] = this.val[2 * d];
        w[2 * r + 1] = this.val[2 * d + 1];
      }
    }
    return new BigUint64Array(w.buffer);
  }
}
