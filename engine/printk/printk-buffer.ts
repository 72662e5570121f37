/**
 * PrintkBuffer: the same printk() calls fed to both buffer designs — Linux 2.4's char ring and
 * 6.1's record ring — plus what reached the console under each, and small snapshots for the view.
 */
import { decodeUtf8 } from '../elf/strings';
import { utf8Bytes } from '../base/utf8';
import { ClassicRing, type ClassicConsoleLine } from './classic-ring';
import { DESC_ID, DESC_STATE, FAILED_LPOS, LOG_NEWLINE, NO_LPOS, RecordRing, type DescState, type Reservation } from './record-ring';
import { Syslog } from './syslog';
import { hex } from '../base/hex';

export interface PrintkInput {
  /** 0 (EMERG) … 7 (DEBUG). */
  level: number;
  /** 0 = kernel, 1 = user (a line written to /dev/kmsg). */
  facility?: number;
  /** The message without level prefix or trailing newline. */
  text: string;
  /** local_clock() at the printk, ns since boot. */
  tsNs: number;
  /** printk_caller_id(): the task's PID (or 0x80000000 + CPU in interrupt context). */
  callerId?: number;
  /** The caller's own identifier for the record (e.g. the engine's log seq). */
  tag?: number;
}

/** The text vprintk_store() formats: KERN_SOH + level digit for kernel messages, then the text and "\n". */
export function printkFormat(rec: PrintkInput): string {
  return (rec.facility ?? 0) === 0 ? `\x01${rec.level}${rec.text}\n` : `${rec.text}\n`;
}

/** LOG_LINE_MAX = CONSOLE_LOG_MAX (1024) - PREFIX_MAX (32). */
export const LOG_LINE_MAX = 992;

/**
 * vprintk_store() of 6.1 for one complete line: reserve vsnprintf()+1 bytes, vscnprintf() the
 * formatted text (with its NUL), strip the trailing newline (LOG_NEWLINE) and, for facility 0,
 * memmove() the text over the KERN_SOH prefix — leaving the old tail bytes behind it, as the kernel does.
 */
export function vprintkStore(ring: RecordRing, rec: PrintkInput): Reservation | null {
  const facility = rec.facility ?? 0;
  const full = utf8Bytes(printkFormat(rec));
  const reserveSize = Math.min(full.length + 1, LOG_LINE_MAX);
  const r = ring.reserve(reserveSize);
  if (!r) return null;
  // vscnprintf(text, size): at most size-1 chars plus the NUL.
  let textLen = Math.min(full.length, reserveSize - 1);
  const buf = ring.data.subarray(r.textOffset, r.textOffset + reserveSize);
  buf.set(full.subarray(0, textLen), 0);
  buf[textLen] = 0;
  let flags = 0;
  if (textLen && buf[textLen - 1] === 0x0a) {
    textLen--;
    flags |= LOG_NEWLINE;
  }
  if (facility === 0 && buf[0] === 0x01 && textLen >= 2) {
    // printk_parse_prefix(): KERN_SOH + level is two bytes.
    textLen -= 2;
    buf.copyWithin(0, 2, 2 + textLen);
  }
  ring.setInfo(r, { tsNsec: BigInt(Math.round(rec.tsNs)), textLen, facility, flags, level: rec.level & 7, callerId: rec.callerId ?? 1 });
  ring.commit(r);
  if (flags & LOG_NEWLINE) ring.finalize(r);
  return r;
}

export interface ConsoleOutput {
  /** Record sequence number in the record ring (the 6.1 design). */
  seq: number;
  tag: number | null;
  level: number;
  text: string;
  /** 6.1: level < console_loglevel when it was printed. */
  console: boolean;
  /** 2.4: call_console_drivers() printed it (level < console_loglevel). */
  classicConsole: boolean;
}

/** A line of text in the 2.4 ring, free-running indices; [start, end) includes "<n>" and "\n". */
export interface ClassicSpan {
  start: number;
  end: number;
  level: number;
  seq: number;
  /** Bytes of it already overwritten (start < logEnd - LOG_BUF_LEN). */
  lost: number;
}

export interface ClassicState {
  design: 'classic';
  len: number;
  logStart: number;
  conStart: number;
  logEnd: number;
  loggedChars: number;
  consoleLoglevel: number;
  /** The ring's bytes, base64. */
  bytes: string;
  spans: ClassicSpan[];
}

export interface DescView {
  index: number;
  state: DescState;
  /** The ID in state_var, 0x… */
  id: string;
  seq: number;
  /** Data ring indexes of the block; -1 for data-less (FAILED_LPOS / NO_LPOS). */
  begin: number;
  next: number;
  /** The block wrapped: its ID is at begin and at 0, its data at 0. */
  wraps: boolean;
  textLen: number;
  level: number;
  facility: number;
  text: string;
}

export interface BlockSpan {
  /** Data ring indexes; a wrapped block covers [begin, size) unused and [0, end). */
  begin: number;
  end: number;
  wraps: boolean;
  seq: number;
  descIndex: number;
  level: number;
  state: DescState;
}

export interface RecordState {
  design: 'record';
  dataSize: number;
  descCount: number;
  headId: string;
  tailId: string;
  headLpos: string;
  tailLpos: string;
  head: number;
  tail: number;
  nextSeq: number;
  firstSeq: number;
  syslogSeq: number;
  clearSeq: number;
  consoleLoglevel: number;
  fail: number;
  /** Descriptors ever used (state_var ≠ 0), in index order. */
  descs: DescView[];
  /** Data blocks from tail_lpos to head_lpos, oldest first. */
  blocks: BlockSpan[];
}

export interface PrintkBufferOptions {
  /** 2.4 LOG_BUF_LEN. */
  classicLen?: number;
  /** 6.1 LOG_BUF_SHIFT (text ring = 2^shift). */
  recordShift?: number;
  /** Descriptor bits (default recordShift - 5). */
  descBits?: number;
  consoleLoglevel?: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (the engine has no btoa). */
export function base64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
  }
  return s;
}

export class PrintkBuffer {
  readonly classic: ClassicRing;
  readonly ring: RecordRing;
  readonly syslog: Syslog;
  readonly console: ConsoleOutput[] = [];
  private readonly spans: { start: number; end: number; level: number; seq: number }[] = [];

  constructor(opts: PrintkBufferOptions = {}) {
    this.classic = new ClassicRing(opts.classicLen ?? 16384);
    this.ring = new RecordRing({ sizeBits: opts.recordShift ?? 17, descBits: opts.descBits });
    this.syslog = new Syslog(this.ring);
    if (opts.consoleLoglevel !== undefined) this.setConsoleLoglevel(opts.consoleLoglevel);
  }

  /** syslog(SYSLOG_ACTION_CONSOLE_LEVEL, n) on both designs (same -EINVAL and minimum rules). */
  setConsoleLoglevel(n: number): number {
    this.classic.syslog(8, n);
    return this.syslog.doSyslog(8, n).ret;
  }

  /** One printk(): stored in both designs; returns the 6.1 sequence number (-1 if dropped). */
  printk(rec: PrintkInput): number {
    const start = this.classic.logEnd;
    const level = rec.level & 7;
    const lines: ClassicConsoleLine[] = this.classic.printk(`<${level}>${rec.text}\n`);
    const r = vprintkStore(this.ring, rec);
    const seq = r ? r.seq : -1;
    this.spans.push({ start, end: this.classic.logEnd, level, seq });
    // Keep only spans that may still be in the ring.
    while (this.spans.length && this.spans[0].end <= this.classic.logEnd - this.classic.len) this.spans.shift();
    this.console.push({
      seq,
      tag: rec.tag ?? null,
      level,
      text: rec.text,
      console: this.syslog.reachesConsole(level),
      classicConsole: lines.some((l) => l.shown),
    });
    return seq;
  }

  /** The newest records readable from the record ring (dmesg without -c), oldest first. */
  records(): ReturnType<RecordRing['read']>[] {
    const out: ReturnType<RecordRing['read']>[] = [];
    const next = this.ring.nextSeq();
    for (let s = this.ring.firstValidSeq(); s < next; s++) {
      const r = this.ring.read(s);
      if (r) out.push(r);
    }
    return out;
  }

  classicState(): ClassicState {
    const c = this.classic;
    const lowest = c.logEnd - c.len;
    return {
      design: 'classic',
      len: c.len,
      logStart: c.logStart,
      conStart: c.conStart,
      logEnd: c.logEnd,
      loggedChars: c.loggedChars,
      consoleLoglevel: c.consoleLoglevel,
      bytes: base64(c.buf),
      spans: this.spans.map((s) => ({ ...s, lost: Math.max(0, Math.min(s.end, lowest) - s.start) })),
    };
  }

  recordState(): RecordState {
    const ring = this.ring;
    const descs: DescView[] = [];
    const byIndex = new Map<number, DescView>();
    for (let i = 0; i < ring.descCount; i++) {
      const d = ring.readDesc(i);
      if (d.stateVar === 0n) continue;
      const info = ring.readInfo(i);
      const st = (['reserved', 'committed', 'finalized', 'reusable'] as const)[Number(DESC_STATE(d.stateVar))];
      const dataless = d.begin === FAILED_LPOS || d.begin === NO_LPOS;
      const blk = dataless ? null : ring.blockData(d);
      const n = blk ? Math.min(info.textLen, blk.size) : 0;
      const v: DescView = {
        index: i,
        state: st,
        id: hex(DESC_ID(d.stateVar)),
        seq: Number(BigInt.asIntN(64, info.seq)),
        begin: dataless ? -1 : ring.dataIndex(d.begin),
        next: dataless ? -1 : ring.dataIndex(d.next),
        wraps: !dataless && ring.dataWraps(d.begin) !== ring.dataWraps(d.next) && ring.dataIndex(d.next) !== 0,
        textLen: info.textLen,
        level: info.level,
        facility: info.facility,
        text: blk ? decodeUtf8(ring.data, blk.offset, blk.offset + Math.min(n, 120)) : '',
      };
      descs.push(v);
      byIndex.set(i, v);
    }
    // Walk the data blocks from tail_lpos to head_lpos through the IDs stored in the ring.
    const blocks: BlockSpan[] = [];
    let lpos = ring.tailLpos;
    for (let guard = 0; lpos !== ring.headLpos && guard <= ring.descCount; guard++) {
      const id = new DataView(ring.data.buffer).getBigUint64(ring.dataIndex(lpos), true);
      const v = byIndex.get(ring.descIndex(id));
      const d = ring.readDesc(ring.descIndex(id));
      if (!v || DESC_ID(d.stateVar) !== DESC_ID(id) || d.begin !== lpos) break;
      blocks.push({
        begin: ring.dataIndex(d.begin),
        end: ring.dataIndex(d.next) || ring.dataSize,
        wraps: v.wraps,
        seq: v.seq,
        descIndex: v.index,
        level: v.level,
        state: v.state,
      });
      lpos = d.next;
    }
    return {
      design: 'record',
      dataSize: ring.dataSize,
      descCount: ring.descCount,
      headId: hex(ring.headId),
      tailId: hex(ring.tailId),
      headLpos: hex(ring.headLpos),
      tailLpos: hex(ring.tailLpos),
      head: ring.dataIndex(ring.headLpos),
      tail: ring.dataIndex(ring.tailLpos),
      nextSeq: ring.nextSeq(),
      firstSeq: ring.firstValidSeq(),
      syslogSeq: this.syslog.syslogSeq,
      clearSeq: this.syslog.clearSeq,
      consoleLoglevel: this.syslog.consoleLoglevel,
      fail: ring.fail,
      descs,
      blocks,
    };
  }

  /** A window of the record ring's text bytes, base64 (for a hex view). */
  dataWindow(start: number, length: number): string {
    const s = Math.max(0, Math.min(start, this.ring.dataSize));
    return base64(this.ring.data.subarray(s, Math.min(this.ring.dataSize, s + Math.max(0, length))));
  }

  state(design: 'classic' | 'record'): ClassicState | RecordState {
    return design === 'classic' ? this.classicState() : this.recordState();
  }
}
