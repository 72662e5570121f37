/**
 * Modelled kernel memory: allocations that hold real bytes, each remembering when (timeline
 * position) it was allocated and freed, and a log of bulk writes (memset, section copies, parameter
 * stores, kallsyms) with the bytes they replaced — so any window can be shown as it was at any step.
 * Relocation writes are too many for objects; the load trace keeps them in typed arrays and hands
 * them to windowAt() through `extraWrites`.
 */

import { AllocationIndex } from './allocation-index';

export type AllocationKind = 'module-core' | 'module-init' | 'percpu' | 'kmalloc' | 'vmalloc' | 'reserved';

export interface Allocation {
  id: number;
  base: bigint;
  size: number;
  bytes: Uint8Array;
  kind: AllocationKind;
  /** What it is for, e.g. "hello core (text, rodata, data, kallsyms)". */
  label: string;
  /** Module name that owns it, or null for the kernel. */
  owner: string | null;
  allocatedAt: number;
  freedAt: number | null;
}

export interface WriteRecord {
  pos: number;
  alloc: Allocation;
  offset: number;
  length: number;
  /** The bytes replaced; null means they were zero. */
  before: Uint8Array | null;
  what: string;
}

/** A write known elsewhere (a relocation): enough to undo it. */
export interface ForeignWrite {
  pos: number;
  address: bigint;
  before: Uint8Array;
}

export class MemoryError extends Error {
  constructor(
    message: string,
    readonly address: bigint,
  ) {
    super(message);
    this.name = 'MemoryError';
  }
}

/** Bytes a bucket of writeBuckets covers. */
const WRITE_BUCKET = 256;
/** Allocations with fewer writes than this are scanned whole. */
const BUCKETED_FROM = 64;
const NO_WRITES: number[] = [];

/** Index i (of write w) in every bucket [offset, offset+length) covers (a zero-length write in its offset's). */
function addToBuckets(buckets: Map<number, number[]>, w: WriteRecord, i: number): void {
  const last = Math.floor((w.offset + Math.max(1, w.length) - 1) / WRITE_BUCKET);
  for (let b = Math.floor(w.offset / WRITE_BUCKET); b <= last; b++) {
    const l = buckets.get(b);
    if (l) l.push(i);
    else buckets.set(b, [i]);
  }
}

export class Memory {
  readonly allocations: Allocation[] = [];
  readonly writes: WriteRecord[] = [];
  /** Keep replaced bytes of bulk writes (off for the whole-corpus run, which never seeks). */
  recordWrites = true;
  private nextId = 1;
  /** The same allocations indexed by address, so a lookup does not scan thousands of modules' allocations. */
  private readonly index = new AllocationIndex<Allocation>();
  /** Indices into `writes` of each allocation's writes, in order: a window at a timeline position reads only its own. */
  private readonly writesOf = new Map<Allocation, number[]>();
  /**
   * The same indices by WRITE_BUCKET-byte bucket of the allocation (a write in every bucket it covers), built when a
   * window first reads an allocation with many writes: amdgpu's core allocation has ~11,000 (section copies, kallsyms,
   * init's stores) and a seek's memory window is 40 bytes of it (issue #15: seek p99).
   */
  private readonly writeBuckets = new Map<Allocation, Map<number, number[]>>();

  allocate(base: bigint, size: number, kind: AllocationKind, label: string, owner: string | null, pos: number): Allocation {
    const a: Allocation = { id: this.nextId++, base, size, bytes: new Uint8Array(size), kind, label, owner, allocatedAt: pos, freedAt: null };
    this.allocations.push(a);
    this.index.add(a);
    return a;
  }

  /** An allocation whose bytes are `bytes` itself (the caller gives them up): allocate() + a copy, without the copy. */
  adopt(base: bigint, bytes: Uint8Array, kind: AllocationKind, label: string, owner: string | null, pos: number): Allocation {
    const a: Allocation = { id: this.nextId++, base, size: bytes.length, bytes, kind, label, owner, allocatedAt: pos, freedAt: null };
    this.allocations.push(a);
    this.index.add(a);
    return a;
  }

  /** Record that [off, off+length) of a was written at pos over zero bytes (what writeAt(…, true) records), the bytes being there already. */
  noteWrite(a: Allocation, off: number, length: number, pos: number, what: string): void {
    if (this.recordWrites) this.record({ pos, alloc: a, offset: off, length, before: null, what });
  }

  private record(w: WriteRecord): void {
    const list = this.writesOf.get(w.alloc);
    if (list) list.push(this.writes.length);
    else this.writesOf.set(w.alloc, [this.writes.length]);
    const buckets = this.writeBuckets.get(w.alloc);
    if (buckets) addToBuckets(buckets, w, this.writes.length);
    this.writes.push(w);
  }

  /**
   * The writes into allocations that overlap [address, end), in the order they were made: every write that touches
   * the range, and possibly others of the same allocations (the callers check each write's range).
   */
  private writesNear(address: bigint, end: bigint): WriteRecord[] {
    const idx: number[] = [];
    for (const a of this.index.overlapping(address, end)) {
      const list = this.writesOf.get(a);
      if (!list) continue;
      if (list.length < BUCKETED_FROM) {
        for (const i of list) idx.push(i);
        continue;
      }
      let buckets = this.writeBuckets.get(a);
      if (!buckets) {
        buckets = new Map();
        for (const i of list) addToBuckets(buckets, this.writes[i], i);
        this.writeBuckets.set(a, buckets);
      }
      const from = address > a.base ? Number(address - a.base) : 0;
      const to = Math.min(a.size, Number(end - a.base));
      const b0 = Math.floor(from / WRITE_BUCKET);
      const b1 = Math.floor(Math.max(from, to - 1) / WRITE_BUCKET);
      // A write covering several of these buckets is in each: once here.
      const seen = b1 > b0 ? new Set<number>() : null;
      for (let b = b0; b <= b1; b++)
        for (const i of buckets.get(b) ?? NO_WRITES) {
          if (seen) {
            if (seen.has(i)) continue;
            seen.add(i);
          }
          idx.push(i);
        }
    }
    idx.sort((x, y) => x - y);
    return idx.map((i) => this.writes[i]);
  }

  free(a: Allocation, pos: number): void {
    a.freedAt = pos;
    // The bytes stay: the timeline can still show this memory as it was before the free.
    // Without undo records nobody will look back, so let it go.
    if (!this.recordWrites) {
      const i = this.allocations.lastIndexOf(a);
      if (i >= 0) this.allocations.splice(i, 1);
      this.index.remove(a);
    }
  }

  /** The live allocation containing [address, address+length), or null (the newest, where allocations overlap). */
  live(address: bigint, length = 1): Allocation | null {
    const end = address + BigInt(length);
    return this.index.newest(address, (a) => a.freedAt === null && address >= a.base && end <= a.base + BigInt(a.size));
  }

  /** The allocation containing address at timeline position pos (allocated at or before, not yet freed). */
  at(address: bigint, pos: number): Allocation | null {
    return this.index.newest(
      address,
      (a) => a.allocatedAt <= pos && (a.freedAt === null || a.freedAt > pos) && address >= a.base && address < a.base + BigInt(a.size),
    );
  }

  private locate(address: bigint, length: number): { a: Allocation; off: number } {
    const a = this.live(address, length);
    if (!a) throw new MemoryError(`no memory mapped at 0x${address.toString(16)} (+${length})`, address);
    return { a, off: Number(address - a.base) };
  }

  read(address: bigint, length: number): Uint8Array {
    const { a, off } = this.locate(address, length);
    return a.bytes.slice(off, off + length);
  }

  write(address: bigint, bytes: Uint8Array, pos: number, what: string): void {
    const { a, off } = this.locate(address, bytes.length);
    this.writeAt(a, off, bytes, pos, what);
  }

  /** Write into a known allocation (fast path for section copies). */
  writeAt(a: Allocation, off: number, bytes: Uint8Array, pos: number, what: string, beforeWasZero = false): void {
    if (this.recordWrites) {
      const before = beforeWasZero ? null : a.bytes.slice(off, off + bytes.length);
      this.record({ pos, alloc: a, offset: off, length: bytes.length, before, what });
    }
    a.bytes.set(bytes, off);
  }

  readCString(address: bigint, max = 4096): string {
    const a = this.live(address);
    if (!a) throw new MemoryError(`no memory mapped at 0x${address.toString(16)}`, address);
    const off = Number(address - a.base);
    let end = off;
    while (end < a.size && end - off < max && a.bytes[end] !== 0) end++;
    let s = '';
    for (let i = off; i < end; i++) s += String.fromCharCode(a.bytes[i]);
    return s;
  }

  /**
   * The last write before `pos` to each part of [address, address+length): bulk writes recorded
   * here plus foreign ones (relocations), as ranges relative to address.
   */
  writersAt(
    address: bigint,
    length: number,
    pos: number,
    extra: { pos: number; address: bigint; length: number; what: string }[] = [],
  ): { from: number; to: number; pos: number; what: string }[] {
    const last: ({ pos: number; what: string } | null)[] = new Array<{ pos: number; what: string } | null>(length).fill(null);
    const end = address + BigInt(length);
    const all: { pos: number; start: bigint; length: number; what: string }[] = [];
    for (const w of this.writesNear(address, end)) {
      if (w.pos >= pos) continue;
      const s = w.alloc.base + BigInt(w.offset);
      if (s < end && s + BigInt(w.length) > address) all.push({ pos: w.pos, start: s, length: w.length, what: w.what });
    }
    for (const f of extra) if (f.pos < pos) all.push({ pos: f.pos, start: f.address, length: f.length, what: f.what });
    all.sort((a, b) => a.pos - b.pos);
    for (const w of all) {
      const from = Math.max(0, Number(w.start - address));
      const to = Math.min(length, Number(w.start + BigInt(w.length) - address));
      for (let i = from; i < to; i++) last[i] = { pos: w.pos, what: w.what };
    }
    const out: { from: number; to: number; pos: number; what: string }[] = [];
    for (let i = 0; i < length; i++) {
      const l = last[i];
      if (!l) continue;
      const prev = out[out.length - 1];
      if (prev && prev.to === i && prev.pos === l.pos && prev.what === l.what) prev.to = i + 1;
      else out.push({ from: i, to: i + 1, pos: l.pos, what: l.what });
    }
    return out;
  }

  /**
   * Bytes of [address, address+length) as they were just before timeline position `pos` took effect
   * (pos = the step being looked at; its own writes are not yet applied). Unmapped bytes are null.
   */
  windowAt(address: bigint, length: number, pos: number, extraWrites: ForeignWrite[] = []): (number | null)[] {
    const out: (number | null)[] = new Array<number | null>(length).fill(null);
    const end = address + BigInt(length);
    const touched = new Set<Allocation>();
    // Each byte shows the newest allocation holding it just before pos (what at(address + i, pos - 1) answers), found
    // among the few that overlap the window, with offsets as numbers.
    const live = this.index
      .overlapping(address, end)
      .filter((a) => a.allocatedAt <= pos - 1 && (a.freedAt === null || a.freedAt > pos - 1))
      .sort((x, y) => y.id - x.id)
      .map((a) => ({ a, from: Number(a.base - address), to: Number(a.base - address) + a.size }));
    for (let i = 0; i < length; i++) {
      const hit = live.find((c) => i >= c.from && i < c.to);
      if (!hit) continue;
      touched.add(hit.a);
      out[i] = hit.a.bytes[i - hit.from];
    }
    // Undo, newest first, every write made at or after pos.
    const undo: { pos: number; start: bigint; before: Uint8Array | null; length: number }[] = [];
    for (const w of this.writesNear(address, end)) {
      if (w.pos < pos || !touched.has(w.alloc)) continue;
      const s = w.alloc.base + BigInt(w.offset);
      if (s >= end || s + BigInt(w.length) <= address) continue;
      undo.push({ pos: w.pos, start: s, before: w.before, length: w.length });
    }
    for (const f of extraWrites) if (f.pos >= pos) undo.push({ pos: f.pos, start: f.address, before: f.before, length: f.before.length });
    undo.sort((x, y) => y.pos - x.pos);
    for (const u of undo) {
      for (let k = 0; k < u.length; k++) {
        const at = u.start + BigInt(k);
        if (at < address || at >= end) continue;
        const i = Number(at - address);
        if (out[i] === null) continue;
        out[i] = u.before ? u.before[k] : 0;
      }
    }
    return out;
  }
}
