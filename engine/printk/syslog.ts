/**
 * 6.1's syslog(2) over the record ring (kernel/printk/printk.c do_syslog(), syslog_print(),
 * syslog_print_all()) and the two text formats readers see:
 *   syslog / /proc/kmsg / dmesg:  "<%u>" (facility<<3 | level) + "[%5lu.%06lu]" + " " + text + "\n"
 *   /dev/kmsg:                    "%u,%llu,%llu,%c;" (prio, seq, ts_usec, c|-) + escaped text + "\n"
 * Permission checks (dmesg_restrict, CAP_SYSLOG) are the caller's.
 */
import { utf8Bytes } from '../base/utf8';
import { LOG_CONT, type ReadRecord, type RecordRing } from './record-ring';

export const SYSLOG_ACTION_CLOSE = 0;
export const SYSLOG_ACTION_OPEN = 1;
export const SYSLOG_ACTION_READ = 2;
export const SYSLOG_ACTION_READ_ALL = 3;
export const SYSLOG_ACTION_READ_CLEAR = 4;
export const SYSLOG_ACTION_CLEAR = 5;
export const SYSLOG_ACTION_CONSOLE_OFF = 6;
export const SYSLOG_ACTION_CONSOLE_ON = 7;
export const SYSLOG_ACTION_CONSOLE_LEVEL = 8;
export const SYSLOG_ACTION_SIZE_UNREAD = 9;
export const SYSLOG_ACTION_SIZE_BUFFER = 10;

export const SYSLOG_ACTION_NAMES = [
  'CLOSE',
  'OPEN',
  'READ',
  'READ_ALL',
  'READ_CLEAR',
  'CLEAR',
  'CONSOLE_OFF',
  'CONSOLE_ON',
  'CONSOLE_LEVEL',
  'SIZE_UNREAD',
  'SIZE_BUFFER',
] as const;

const EINVAL = -22;
/** LOGLEVEL_DEFAULT: "no saved console level". */
const LOGLEVEL_DEFAULT = -1;

export interface SyslogResult {
  ret: number;
  text?: string;
  /** READ with nothing unread: the caller would sleep on log_wait. */
  blocked?: boolean;
}

/** print_time(): "[%5lu.%06lu]" of ts_nsec. */
export function printTime(tsNs: number): string {
  const us = Math.floor(tsNs / 1000);
  const sec = Math.floor(us / 1e6);
  return `[${String(sec).padStart(5, ' ')}.${String(us % 1e6).padStart(6, '0')}]`;
}

/**
 * record_print_text(): every line of the record gets info_print_prefix() — "<prio>" if syslog,
 * the time if printk_time, then a space — and ends with "\n".
 */
export function recordPrintText(r: Pick<ReadRecord, 'facility' | 'level' | 'tsNs' | 'text'>, syslog: boolean, time: boolean): string {
  let prefix = syslog ? `<${(r.facility << 3) | r.level}>` : '';
  if (time) prefix += printTime(r.tsNs) + ' ';
  return r.text
    .split('\n')
    .map((l) => prefix + l + '\n')
    .join('');
}

/** info_print_ext_header() + msg_add_ext_text(): one /dev/kmsg record. */
export function kmsgRecord(r: Pick<ReadRecord, 'facility' | 'level' | 'tsNs' | 'text' | 'seq' | 'flags'>): string {
  const prio = (r.facility << 3) | r.level;
  const tsUsec = Math.floor(r.tsNs / 1000);
  let body = '';
  for (const c of utf8Bytes(r.text)) {
    body += c < 0x20 || c >= 0x7f || c === 0x5c ? `\\x${c.toString(16).padStart(2, '0')}` : String.fromCharCode(c);
  }
  return `${prio},${r.seq},${tsUsec},${r.flags & LOG_CONT ? 'c' : '-'};${body}\n`;
}

const byteLen = (s: string): number => utf8Bytes(s).length;

/** Slice s (as UTF-8 bytes) [from, to) back to a string; only used for partial reads. */
function byteSlice(s: string, from: number, to: number): string {
  const b = utf8Bytes(s).subarray(from, to);
  let out = '';
  for (const c of b) out += String.fromCharCode(c);
  return out;
}

/** The syslog reader state of printk.c plus console_printk[]. */
export class Syslog {
  /** Next record action 2 (and /proc/kmsg) returns. */
  syslogSeq = 0;
  /** Bytes of the record at syslogSeq already returned by a partial READ. */
  syslogPartial = 0;
  private syslogTime = true;
  /** Where READ_ALL starts; CLEAR moves it, nothing is erased. */
  clearSeq = 0;
  /** console_printk[] = {7, 4, 1, 7} on Debian (4 with "quiet"). */
  consoleLoglevel = 7;
  defaultMessageLoglevel = 4;
  minimumConsoleLoglevel = 1;
  defaultConsoleLoglevel = 7;
  savedConsoleLoglevel = LOGLEVEL_DEFAULT;
  /** printk_time (CONFIG_PRINTK_TIME=y). */
  printkTime = true;

  constructor(readonly ring: RecordRing) {}

  /** suppress_message_printing(): a record reaches the consoles only if level < console_loglevel. */
  reachesConsole(level: number): boolean {
    return level < this.consoleLoglevel;
  }

  /** do_syslog(type, buf, len, SYSLOG_FROM_READER). */
  doSyslog(type: number, len = 0): SyslogResult {
    switch (type) {
      case SYSLOG_ACTION_CLOSE:
      case SYSLOG_ACTION_OPEN:
        return { ret: 0 };
      case SYSLOG_ACTION_READ:
        if (len < 0) return { ret: EINVAL };
        if (len === 0) return { ret: 0 };
        if (!this.ring.readValid(this.syslogSeq)) return { ret: 0, blocked: true };
        return this.syslogPrint(len);
      case SYSLOG_ACTION_READ_CLEAR:
      case SYSLOG_ACTION_READ_ALL:
        if (len < 0) return { ret: EINVAL };
        if (len === 0) return { ret: 0 };
        return this.syslogPrintAll(len, type === SYSLOG_ACTION_READ_CLEAR);
      case SYSLOG_ACTION_CLEAR:
        this.clearSeq = this.ring.nextSeq();
        return { ret: 0 };
      case SYSLOG_ACTION_CONSOLE_OFF:
        if (this.savedConsoleLoglevel === LOGLEVEL_DEFAULT) this.savedConsoleLoglevel = this.consoleLoglevel;
        this.consoleLoglevel = this.minimumConsoleLoglevel;
        return { ret: 0 };
      case SYSLOG_ACTION_CONSOLE_ON:
        if (this.savedConsoleLoglevel !== LOGLEVEL_DEFAULT) {
          this.consoleLoglevel = this.savedConsoleLoglevel;
          this.savedConsoleLoglevel = LOGLEVEL_DEFAULT;
        }
        return { ret: 0 };
      case SYSLOG_ACTION_CONSOLE_LEVEL:
        if (len < 1 || len > 8) return { ret: EINVAL };
        this.consoleLoglevel = Math.max(len, this.minimumConsoleLoglevel);
        // Implicitly re-enable logging to console.
        this.savedConsoleLoglevel = LOGLEVEL_DEFAULT;
        return { ret: 0 };
      case SYSLOG_ACTION_SIZE_UNREAD: {
        const first = this.ring.readValid(this.syslogSeq);
        if (!first) return { ret: 0 };
        if (first.seq !== this.syslogSeq) {
          // Messages are gone: move to the first one.
          this.syslogSeq = first.seq;
          this.syslogPartial = 0;
        }
        let n = 0;
        let time = this.syslogPartial ? this.syslogTime : this.printkTime;
        for (let s = this.syslogSeq; s < this.ring.nextSeq(); s++) {
          const r = this.ring.read(s);
          if (!r) continue;
          n += byteLen(recordPrintText(r, true, time));
          time = this.printkTime;
        }
        return { ret: n - this.syslogPartial };
      }
      case SYSLOG_ACTION_SIZE_BUFFER:
        return { ret: this.ring.dataSize };
      default:
        return { ret: EINVAL };
    }
  }

  /** syslog_print(): destructive read from syslog_seq; a record that does not fit is split only if nothing was copied yet. */
  private syslogPrint(size: number): SyslogResult {
    let out = '';
    let copied = 0;
    while (size > 0) {
      const r = this.ring.readValid(this.syslogSeq);
      if (!r) break;
      if (r.seq !== this.syslogSeq) {
        this.syslogSeq = r.seq;
        this.syslogPartial = 0;
      }
      if (!this.syslogPartial) this.syslogTime = this.printkTime;
      const skip = this.syslogPartial;
      const text = recordPrintText(r, true, this.syslogTime);
      let n = byteLen(text);
      if (n - this.syslogPartial <= size) {
        this.syslogSeq = r.seq + 1;
        n -= this.syslogPartial;
        this.syslogPartial = 0;
      } else if (copied === 0) {
        n = size;
        this.syslogPartial += n;
      } else n = 0;
      if (!n) break;
      out += byteSlice(text, skip, skip + n);
      copied += n;
      size -= n;
    }
    return { ret: copied, text: out };
  }

  /** syslog_print_all(): the newest records from clear_seq that fit in size bytes, oldest first. */
  private syslogPrintAll(size: number, clear: boolean): SyslogResult {
    const next = this.ring.nextSeq();
    const recs: { seq: number; text: string; n: number }[] = [];
    for (let s = this.clearSeq; s < next; s++) {
      const r = this.ring.read(s);
      if (!r) continue;
      const text = recordPrintText(r, true, this.printkTime);
      recs.push({ seq: s, text, n: byteLen(text) });
    }
    // find_first_fitting_seq(): drop the oldest until the rest fits.
    let total = recs.reduce((a, r) => a + r.n, 0);
    let first = 0;
    while (first < recs.length && total > size) total -= recs[first++].n;
    const kept = recs.slice(first);
    let seq = kept.length ? kept[kept.length - 1].seq + 1 : next;
    if (!kept.length && recs.length) seq = recs[recs.length - 1].seq;
    if (clear) this.clearSeq = kept.length ? next : seq;
    return { ret: total, text: kept.map((r) => r.text).join('') };
  }
}
