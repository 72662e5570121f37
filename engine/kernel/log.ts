/**
 * The kernel log as records (kernel/printk/printk.c, 5.10+ ring buffer semantics): each record has
 * a sequence number, a timestamp, a level (0–7) and text without the level prefix or trailing newline.
 * Records carry the timeline position that produced them and are all kept (the views look back);
 * beside them the real printk_ringbuffer of 2^CONFIG_LOG_BUF_SHIFT text bytes (17 on Debian) is fed
 * the same records, so what a reader can still get (dmesg, syslog READ_ALL) is what survived
 * the ring's overwriting.
 */
import { vprintkStore } from '../printk/printk-buffer';
import { RecordRing } from '../printk/record-ring';
export interface LogRecord {
  seq: number;
  /** local_clock() in nanoseconds since boot. */
  tsNs: number;
  /** 0 (EMERG) … 7 (DEBUG). */
  level: number;
  /** 0 = kernel. 1 = user (lines written to /dev/kmsg). */
  facility: number;
  text: string;
  /** Timeline position of the step that printed it. */
  pos: number;
}

export const KERN_EMERG = 0;
export const KERN_ALERT = 1;
export const KERN_CRIT = 2;
export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_NOTICE = 5;
export const KERN_INFO = 6;
export const KERN_DEBUG = 7;

export class KernelLog {
  readonly records: LogRecord[] = [];
  private readonly ring: RecordRing;

  constructor(logBufShift = 17) {
    this.ring = new RecordRing({ sizeBits: logBufShift });
  }

  /** prb_first_valid_seq(): the oldest record still in the ring; older ones were overwritten. */
  firstReadableSeq(): number {
    return this.ring.firstValidSeq();
  }
  /** syslog CLEAR (dmesg -C / -c) moves this; nothing is erased. */
  clearSeq = 0;
  private nextSeq = 0;

  append(level: number, text: string, tsNs: number, pos: number, facility = 0): LogRecord {
    const r: LogRecord = { seq: this.nextSeq++, tsNs, level, facility, text, pos };
    this.records.push(r);
    vprintkStore(this.ring, { level, facility, text, tsNs });
    return r;
  }

  /** Records printed before timeline position pos. */
  upTo(pos: number): LogRecord[] {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.records[mid].pos < pos) lo = mid + 1;
      else hi = mid;
    }
    return this.records.slice(0, lo);
  }
}

/** "[%5lu.%06lu]" of print_time() (kernel/printk/printk.c). */
export function formatTimestamp(tsNs: number): string {
  const us = Math.floor(tsNs / 1000);
  const sec = Math.floor(us / 1e6);
  const frac = String(us % 1e6).padStart(6, '0');
  return `[${String(sec).padStart(5, ' ')}.${frac}]`;
}
