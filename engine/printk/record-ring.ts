/**
 * Linux 6.1's printk_ringbuffer (kernel/printk/printk_ringbuffer.[ch]) laid out in bytes:
 *
 *   descriptor ring  2^descBits × struct prb_desc      (24 bytes: state_var, text_blk_lpos.begin/.next)
 *   info array       2^descBits × struct printk_info   (88 bytes: seq, ts_nsec, text_len, facility,
 *                                                       flags:5|level:3, caller_id, dev_info)
 *   text data ring   2^sizeBits bytes of data blocks   ({unsigned long id; char data[]}, 8-aligned)
 *
 * Single writer, no concurrency: a record is written with reserve() → text → commit() → finalize(),
 * following prb_reserve()/desc_reserve()/data_alloc()/data_push_tail()/desc_push_tail() step by step,
 * including the bootstrap values (DESC0_ID, BLK0_LPOS, infos[0].seq = -DESCS_COUNT).
 * IDs are 62-bit and lpos values 64-bit unsigned longs, so both are bigint here.
 */
import { decodeUtf8 } from '../elf/strings';

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** Descriptor states (the top 2 bits of state_var). desc_miss (-1) means "the ID does not match". */
export type DescState = 'reserved' | 'committed' | 'finalized' | 'reusable' | 'miss';
const STATE_NAMES: DescState[] = ['reserved', 'committed', 'finalized', 'reusable'];
export const DESC_RESERVED = 0n;
export const DESC_COMMITTED = 1n;
export const DESC_FINALIZED = 2n;
export const DESC_REUSABLE = 3n;

/** DESC_SV_BITS = BITS_PER_LONG; DESC_FLAGS_SHIFT = DESC_SV_BITS - 2. */
const DESC_FLAGS_SHIFT = 62n;
const DESC_ID_MASK = (1n << DESC_FLAGS_SHIFT) - 1n;
export const DESC_ID = (sv: bigint): bigint => sv & DESC_ID_MASK;
export const DESC_STATE = (sv: bigint): bigint => (sv >> DESC_FLAGS_SHIFT) & 3n;
export const DESC_SV = (id: bigint, state: bigint): bigint => U64((state << DESC_FLAGS_SHIFT) | DESC_ID(id));

/** Data-less text block positions (printk_ringbuffer.h). */
export const FAILED_LPOS = 0x1n;
export const NO_LPOS = 0x3n;
const LPOS_DATALESS = (lpos: bigint): boolean => (lpos & 1n) !== 0n;

/** sizeof(struct prb_desc), sizeof(struct printk_info), sizeof(struct prb_data_block.id). */
export const PRB_DESC_SIZE = 24;
export const PRINTK_INFO_SIZE = 88;
export const ID_SIZE = 8;

/** enum printk_info_flags. */
export const LOG_NEWLINE = 2;
export const LOG_CONT = 8;

export interface PrbDesc {
  stateVar: bigint;
  begin: bigint;
  next: bigint;
}

export interface PrintkInfo {
  seq: bigint;
  tsNsec: bigint;
  textLen: number;
  facility: number;
  flags: number;
  level: number;
  callerId: number;
}

/** What prb_reserve() hands the writer: the descriptor ID and where its text buffer is. */
export interface Reservation {
  id: bigint;
  index: number;
  seq: number;
  /** Offset of r->text_buf inside the data ring (after the block ID), or -1 for a data-less record. */
  textOffset: number;
  textBufSize: number;
}

export interface RecordRingOptions {
  /** log2 of the text data ring size (LOG_BUF_SHIFT: Debian 17 → 128 KiB). */
  sizeBits: number;
  /** log2 of the descriptor count; _DEFINE_PRINTKRB(printk_rb_static, LOG_BUF_SHIFT - PRB_AVGBITS, PRB_AVGBITS, …) with PRB_AVGBITS = 5. */
  descBits?: number;
}

/** A record read back (prb_read_valid()). */
export interface ReadRecord {
  seq: number;
  tsNs: number;
  level: number;
  facility: number;
  flags: number;
  callerId: number;
  text: string;
  /** Bytes of text that were stored (info->text_len, clipped to the data block). */
  textLen: number;
}

export const PRB_AVGBITS = 5;

export class RecordRing {
  readonly sizeBits: number;
  readonly descBits: number;
  readonly dataSize: number;
  readonly descCount: number;
  /** The text data ring (__log_buf). */
  readonly data: Uint8Array;
  /** _printk_rb_static_descs as bytes. */
  readonly descBytes: Uint8Array;
  /** _printk_rb_static_infos as bytes. */
  readonly infoBytes: Uint8Array;
  headId: bigint;
  tailId: bigint;
  headLpos: bigint;
  tailLpos: bigint;
  /** rb->fail: descriptor reservation failures. */
  fail = 0;
  private readonly dv: DataView;
  private readonly descDv: DataView;
  private readonly infoDv: DataView;

  constructor(opts: RecordRingOptions) {
    if (opts.sizeBits < 6 || opts.sizeBits > 25) throw new RangeError(`sizeBits ${opts.sizeBits} out of range 6..25`);
    this.sizeBits = opts.sizeBits;
    this.descBits = opts.descBits ?? opts.sizeBits - PRB_AVGBITS;
    if (this.descBits < 1 || this.descBits > 20) throw new RangeError(`descBits ${this.descBits} out of range 1..20`);
    this.dataSize = 2 ** this.sizeBits;
    this.descCount = 2 ** this.descBits;
    this.data = new Uint8Array(this.dataSize);
    this.descBytes = new Uint8Array(this.descCount * PRB_DESC_SIZE);
    this.infoBytes = new Uint8Array(this.descCount * PRINTK_INFO_SIZE);
    this.dv = new DataView(this.data.buffer);
    this.descDv = new DataView(this.descBytes.buffer);
    this.infoDv = new DataView(this.infoBytes.buffer);

    // _DEFINE_PRINTKRB: the last descriptor is the initial head and tail, reusable and data-less;
    // infos[0].seq = -DESCS_COUNT so the first reservation gets seq 0.
    const desc0 = this.desc0Id;
    this.writeDesc(this.descCount - 1, { stateVar: DESC_SV(desc0, DESC_REUSABLE), begin: FAILED_LPOS, next: FAILED_LPOS });
    this.infoDv.setBigUint64(0, U64(-BigInt(this.descCount)), true);
    this.headId = desc0;
    this.tailId = desc0;
    this.headLpos = this.blk0Lpos;
    this.tailLpos = this.blk0Lpos;
  }

  /** DESC0_ID(ct_bits) = DESC_ID(-(DESCS_COUNT + 1)): at the last index, overflows on the second wrap. */
  get desc0Id(): bigint {
    return DESC_ID(U64(-BigInt(this.descCount + 1)));
  }

  /** BLK0_LPOS(sz_bits) = -DATA_SIZE: index 0, overflows on the first wrap. */
  get blk0Lpos(): bigint {
    return U64(-BigInt(this.dataSize));
  }

  descIndex(id: bigint): number {
    return Number(id & BigInt(this.descCount - 1));
  }

  dataIndex(lpos: bigint): number {
    return Number(lpos & BigInt(this.dataSize - 1));
  }

  /** DATA_WRAPS(): how many times lpos has gone round the ring. */
  dataWraps(lpos: bigint): bigint {
    return lpos >> BigInt(this.sizeBits);
  }

  readDesc(index: number): PrbDesc {
    const o = index * PRB_DESC_SIZE;
    return {
      stateVar: this.descDv.getBigUint64(o, true),
      begin: this.descDv.getBigUint64(o + 8, true),
      next: this.descDv.getBigUint64(o + 16, true),
    };
  }

  private writeDesc(index: number, d: PrbDesc): void {
    const o = index * PRB_DESC_SIZE;
    this.descDv.setBigUint64(o, d.stateVar, true);
    this.descDv.setBigUint64(o + 8, d.begin, true);
    this.descDv.setBigUint64(o + 16, d.next, true);
  }

  private setStateVar(index: number, sv: bigint): void {
    this.descDv.setBigUint64(index * PRB_DESC_SIZE, sv, true);
  }

  readInfo(index: number): PrintkInfo {
    const o = index * PRINTK_INFO_SIZE;
    const dv = this.infoDv;
    const fl = dv.getUint8(o + 19);
    return {
      seq: dv.getBigUint64(o, true),
      tsNsec: dv.getBigUint64(o + 8, true),
      textLen: dv.getUint16(o + 16, true),
      facility: dv.getUint8(o + 18),
      // u8 flags:5; u8 level:3 — GCC on x86-64 allocates bit-fields from the least significant bit.
      flags: fl & 0x1f,
      level: fl >> 5,
      callerId: dv.getUint32(o + 20, true),
    };
  }

  private writeInfo(index: number, i: PrintkInfo): void {
    const o = index * PRINTK_INFO_SIZE;
    const dv = this.infoDv;
    this.infoBytes.fill(0, o, o + PRINTK_INFO_SIZE);
    dv.setBigUint64(o, U64(i.seq), true);
    dv.setBigUint64(o + 8, U64(i.tsNsec), true);
    dv.setUint16(o + 16, i.textLen, true);
    dv.setUint8(o + 18, i.facility);
    dv.setUint8(o + 19, (i.flags & 0x1f) | ((i.level & 7) << 5));
    dv.setUint32(o + 20, i.callerId >>> 0, true);
  }

  /** get_desc_state(): the state if the descriptor still holds id, else 'miss'. */
  descState(id: bigint): DescState {
    const sv = this.readDesc(this.descIndex(id)).stateVar;
    if (DESC_ID(sv) !== DESC_ID(id)) return 'miss';
    return STATE_NAMES[Number(DESC_STATE(sv))];
  }

  /** to_blk_size(): ALIGN(size + sizeof(id), sizeof(id)). */
  static blkSize(size: number): number {
    return Math.ceil((size + ID_SIZE) / ID_SIZE) * ID_SIZE;
  }

  /** data_check_size(): the padded block must leave room for at least the next block's ID. */
  checkSize(size: number): boolean {
    if (size === 0) return true;
    return RecordRing.blkSize(size) <= this.dataSize - ID_SIZE;
  }

  /**
   * get_next_lpos(): a block that would wrap is placed whole at the start of the next wrap.
   * 6.1 compares the wraps of begin and next (not next - 1), so a block that would end exactly at
   * the end of the ring wraps too; "printk_ringbuffer: don't needlessly wrap data blocks around"
   * (2025) changed that later.
   */
  private nextLpos(lpos: bigint, size: number): bigint {
    const next = U64(lpos + BigInt(size));
    if (this.dataWraps(lpos) === this.dataWraps(next)) return next;
    const thisWrapStart = next & ~BigInt(this.dataSize - 1);
    return U64(thisWrapStart + BigInt(size));
  }

  private desc_make_reusable(id: bigint): void {
    const i = this.descIndex(id);
    if (this.readDesc(i).stateVar === DESC_SV(id, DESC_FINALIZED)) this.setStateVar(i, DESC_SV(id, DESC_REUSABLE));
  }

  /** data_make_reusable(): walk the blocks from lposBegin, making their descriptors reusable. */
  private dataMakeReusable(lposBegin: bigint, lposEnd: bigint): bigint | null {
    const size = BigInt(this.dataSize);
    let begin = lposBegin;
    while (U64(U64(lposEnd - begin) - 1n) < size) {
      const id = this.dv.getBigUint64(this.dataIndex(begin), true);
      const st = this.descState(id);
      const d = this.readDesc(this.descIndex(id));
      if (st === 'miss' || st === 'reserved' || st === 'committed') return null;
      // The data block is invalid if the descriptor does not point back to it.
      if (d.begin !== begin) return null;
      if (st === 'finalized') this.desc_make_reusable(id);
      begin = d.next;
    }
    return begin;
  }

  /** data_push_tail(): make sure the data tail is at or beyond lpos. */
  private dataPushTail(lpos: bigint): boolean {
    if (LPOS_DATALESS(lpos)) return true;
    const size = BigInt(this.dataSize);
    if (U64(U64(lpos - this.tailLpos) - 1n) >= size) return true;
    const next = this.dataMakeReusable(this.tailLpos, lpos);
    if (next === null) return false;
    this.tailLpos = next;
    return true;
  }

  /** desc_push_tail(): recycle the oldest descriptor (and its data) so its slot can be reserved. */
  private descPushTail(tailId: bigint): boolean {
    const st = this.descState(tailId);
    const d = this.readDesc(this.descIndex(tailId));
    switch (st) {
      case 'miss':
        return DESC_ID(d.stateVar) !== DESC_ID(U64(tailId - BigInt(this.descCount)));
      case 'reserved':
      case 'committed':
        return false;
      case 'finalized':
        this.desc_make_reusable(tailId);
        break;
      case 'reusable':
        break;
    }
    // Data blocks must be invalidated before their descriptor can be recycled.
    if (!this.dataPushTail(d.next)) return false;
    const nextId = DESC_ID(tailId + 1n);
    const ns = this.descState(nextId);
    if (ns === 'finalized' || ns === 'reusable') this.tailId = nextId;
    else return false;
    return true;
  }

  /** desc_reserve(): the next ID; pushes the tail when the ring is full. */
  private descReserve(): bigint | null {
    const id = DESC_ID(this.headId + 1n);
    const idPrevWrap = DESC_ID(U64(id - BigInt(this.descCount)));
    if (idPrevWrap === this.tailId && !this.descPushTail(idPrevWrap)) return null;
    this.headId = id;
    const i = this.descIndex(id);
    const prev = this.readDesc(i).stateVar;
    // A recycled descriptor must be reusable under its previous ID (0 = never used).
    if (prev !== 0n && (DESC_ID(prev) !== idPrevWrap || DESC_STATE(prev) !== DESC_REUSABLE)) return null;
    this.setStateVar(i, DESC_SV(id, DESC_RESERVED));
    return id;
  }

  /** data_alloc(): a block of to_blk_size(size) bytes at head_lpos; writes its ID (twice if it wraps). */
  private dataAlloc(size: number, id: bigint): { begin: bigint; next: bigint; textOffset: number } | null {
    if (size === 0) return { begin: NO_LPOS, next: NO_LPOS, textOffset: -1 };
    const blk = RecordRing.blkSize(size);
    const begin = this.headLpos;
    const next = this.nextLpos(begin, blk);
    if (!this.dataPushTail(U64(next - BigInt(this.dataSize)))) return null;
    this.headLpos = next;
    this.dv.setBigUint64(this.dataIndex(begin), id, true);
    let at = this.dataIndex(begin);
    if (this.dataWraps(begin) !== this.dataWraps(next)) {
      // Wrapping data blocks store their data at the beginning.
      this.dv.setBigUint64(0, id, true);
      at = 0;
    }
    return { begin, next, textOffset: at + ID_SIZE };
  }

  /** prb_reserve(): a descriptor and textBufSize bytes of text space, or null (rb->fail counts descriptor failures). */
  reserve(textBufSize: number): Reservation | null {
    if (!this.checkSize(textBufSize)) return null;
    const id = this.descReserve();
    if (id === null) {
      this.fail++;
      return null;
    }
    const index = this.descIndex(id);
    const prevSeq = this.infoDv.getBigUint64(index * PRINTK_INFO_SIZE, true);
    // "Never set" is seq 0, except for infos[0] which the initializer bootstrapped.
    const seq = prevSeq === 0n && index !== 0 ? BigInt(index) : U64(prevSeq + BigInt(this.descCount));
    this.writeInfo(index, { seq, tsNsec: 0n, textLen: 0, facility: 0, flags: 0, level: 0, callerId: 0 });
    // New data is about to be reserved: the previous record can no longer be extended.
    if (seq > 0n) this.descMakeFinal(DESC_ID(id - 1n));
    const blk = this.dataAlloc(textBufSize, id);
    if (!blk) {
      this.writeDesc(index, { stateVar: DESC_SV(id, DESC_RESERVED), begin: FAILED_LPOS, next: FAILED_LPOS });
      this.commit({ id, index, seq: Number(seq), textOffset: -1, textBufSize: 0 });
      return null;
    }
    this.writeDesc(index, { stateVar: DESC_SV(id, DESC_RESERVED), begin: blk.begin, next: blk.next });
    return { id, index, seq: Number(seq), textOffset: blk.textOffset, textBufSize };
  }

  /** Fill in r->info (what vprintk_store() does between reserve and commit). */
  setInfo(r: Reservation, info: Omit<PrintkInfo, 'seq'>): void {
    const seq = this.infoDv.getBigUint64(r.index * PRINTK_INFO_SIZE, true);
    this.writeInfo(r.index, { ...info, seq });
  }

  /** prb_commit(): reserved → committed (the record may still be extended by prb_reserve_in_last). */
  commit(r: Reservation): void {
    if (this.descState(r.id) === 'reserved') this.setStateVar(r.index, DESC_SV(r.id, DESC_COMMITTED));
  }

  /** prb_final_commit(): → finalized, visible to readers. */
  finalize(r: Reservation): void {
    const st = this.descState(r.id);
    if (st === 'reserved' || st === 'committed') this.setStateVar(r.index, DESC_SV(r.id, DESC_FINALIZED));
  }

  /** desc_make_final(): committed → finalized. */
  private descMakeFinal(id: bigint): void {
    const i = this.descIndex(id);
    if (this.readDesc(i).stateVar === DESC_SV(id, DESC_COMMITTED)) this.setStateVar(i, DESC_SV(id, DESC_FINALIZED));
  }

  /** get_data(): where a block's data is and how many bytes it has (after the ID), or null if illegal. */
  blockData(d: PrbDesc): { offset: number; size: number } | null {
    if (LPOS_DATALESS(d.begin) || LPOS_DATALESS(d.next)) return d.begin === NO_LPOS && d.next === NO_LPOS ? { offset: 0, size: 0 } : null;
    let offset: number;
    let size: number;
    if (this.dataWraps(d.begin) === this.dataWraps(d.next) && d.begin < d.next) {
      offset = this.dataIndex(d.begin);
      size = Number(d.next - d.begin);
    } else if (this.dataWraps(U64(d.begin + BigInt(this.dataSize))) === this.dataWraps(d.next)) {
      offset = 0;
      size = this.dataIndex(d.next);
    } else return null;
    if (size < ID_SIZE) return null;
    return { offset: offset + ID_SIZE, size: size - ID_SIZE };
  }

  /** The sequence number the next record will get (prb_next_seq()). */
  nextSeq(): number {
    // The head descriptor holds the newest record (or is the bootstrap descriptor, seq 0 → next 0).
    if (this.headId === this.desc0Id) return 0;
    return Number(this.readInfo(this.descIndex(this.headId)).seq) + 1;
  }

  /** The oldest readable sequence number (prb_first_valid_seq()), or nextSeq() if none. */
  firstValidSeq(): number {
    const next = this.nextSeq();
    for (let s = Math.max(0, next - this.descCount); s < next; s++) if (this.read(s)) return s;
    return next;
  }

  /** prb_read(): the finalized record with exactly this seq, or null (overwritten, reusable or not yet written). */
  read(seq: number): ReadRecord | null {
    if (seq < 0) return null;
    const index = seq % this.descCount;
    const d = this.readDesc(index);
    const info = this.readInfo(index);
    if (Number(info.seq) !== seq || DESC_STATE(d.stateVar) !== DESC_FINALIZED) return null;
    const blk = this.blockData(d);
    if (!blk) return null;
    const n = Math.min(info.textLen, blk.size);
    return {
      seq,
      tsNs: Number(info.tsNsec),
      level: info.level,
      facility: info.facility,
      flags: info.flags,
      callerId: info.callerId,
      text: decodeUtf8(this.data, blk.offset, blk.offset + n),
      textLen: n,
    };
  }

  /** prb_read_valid(): the record at seq or the next one that still exists. */
  readValid(seq: number): ReadRecord | null {
    const next = this.nextSeq();
    for (let s = Math.max(seq, next - this.descCount); s < next; s++) {
      const r = this.read(s);
      if (r) return r;
    }
    return null;
  }
}
