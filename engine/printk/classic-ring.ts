/**
 * Linux 2.4's kernel log (kernel/printk.c, 2.4.27): one byte ring log_buf[LOG_BUF_LEN] with
 * free-running indices masked by LOG_BUF_MASK. printk() copies its formatted text in with
 * emit_log_char(), inserting "<%d>" (default_message_loglevel) at the start of any line that lacks
 * a level, so the levels live in the text. When the ring is full the oldest bytes are overwritten
 * and log_start/con_start are dragged along. Console output is what call_console_drivers() would
 * send: whole lines, level prefix stripped, only if msg_level < console_loglevel.
 */
import { utf8Bytes } from '../base/utf8';

/** 2.4's LOG_BUF_LEN by era (kernel-facts §10.1): 4096 (1.x), 8192 (2.0–2.2), 16384 (UP), 32768 (SMP)… */
export const CLASSIC_SIZES = [4096, 8192, 16384, 32768, 65536, 131072] as const;

export const EINVAL = -22;

/** One line as call_console_drivers() cut it. */
export interface ClassicConsoleLine {
  /** Free-running index of the first byte printed (after the "<n>"). */
  start: number;
  end: number;
  level: number;
  text: string;
  /** msg_level < console_loglevel: the console drivers printed it. */
  shown: boolean;
}

export interface ClassicSyslogResult {
  /** do_syslog()'s return value. */
  ret: number;
  /** What was copied to the user buffer (READ, READ_ALL, READ_CLEAR). */
  text?: string;
  /** READ with nothing unread: the caller would sleep on log_wait. */
  blocked?: boolean;
}

export class ClassicRing {
  readonly len: number;
  readonly mask: number;
  readonly buf: Uint8Array;
  /** Index of the next char syslog READ (action 2) returns. */
  logStart = 0;
  /** Index of the next char to be sent to the consoles. */
  conStart = 0;
  /** Index of the most recently written char + 1. */
  logEnd = 0;
  /** Chars produced since the last READ_CLEAR/CLEAR, capped at LOG_BUF_LEN. */
  loggedChars = 0;
  /** console_printk[]: {console_loglevel, default_message_loglevel, minimum_console_loglevel, default_console_loglevel}. */
  consoleLoglevel = 7;
  defaultMessageLoglevel = 4;
  minimumConsoleLoglevel = 1;
  defaultConsoleLoglevel = 7;
  /** printk()'s static log_level_unknown: the next char starts a line. */
  private logLevelUnknown = true;
  /** call_console_drivers()'s static msg_level (-1: not yet parsed for this line). */
  private msgLevel = -1;

  constructor(len = 16384) {
    if (len < 16 || (len & (len - 1)) !== 0) throw new RangeError(`LOG_BUF_LEN must be a power of two ≥ 16, got ${len}`);
    this.len = len;
    this.mask = len - 1;
    this.buf = new Uint8Array(len);
  }

  /** LOG_BUF(idx) = log_buf[idx & LOG_BUF_MASK]. */
  at(idx: number): number {
    return this.buf[idx & this.mask];
  }

  /** emit_log_char(): store one char; when full, the oldest char is lost under log_start and con_start. */
  emitLogChar(c: number): void {
    this.buf[this.logEnd & this.mask] = c;
    this.logEnd++;
    if (this.logEnd - this.logStart > this.len) this.logStart = this.logEnd - this.len;
    if (this.logEnd - this.conStart > this.len) this.conStart = this.logEnd - this.len;
    if (this.loggedChars < this.len) this.loggedChars++;
  }

  /**
   * printk(fmt, ...) with the already formatted text (vsnprintf into the static 1024-byte
   * printk_buf, so at most 1023 bytes), then release_console_sem() → call_console_drivers().
   * Returns the console lines this call completed.
   */
  printk(formatted: string): ClassicConsoleLine[] {
    const bytes = utf8Bytes(formatted).subarray(0, 1023);
    for (let i = 0; i < bytes.length; i++) {
      if (this.logLevelUnknown) {
        const p0 = bytes[i];
        const p1 = bytes[i + 1] ?? 0;
        const p2 = bytes[i + 2] ?? 0;
        if (p0 !== 0x3c || p1 < 0x30 || p1 > 0x37 || p2 !== 0x3e) {
          this.emitLogChar(0x3c);
          this.emitLogChar(0x30 + this.defaultMessageLoglevel);
          this.emitLogChar(0x3e);
        }
        this.logLevelUnknown = false;
      }
      this.emitLogChar(bytes[i]);
      if (bytes[i] === 0x0a) this.logLevelUnknown = true;
    }
    const lines = this.callConsoleDrivers(this.conStart, this.logEnd);
    this.conStart = this.logEnd;
    return lines;
  }

  /** call_console_drivers(start, end): cut [start, end) into lines at '\n', parsing "<n>" at each line start. */
  private callConsoleDrivers(start: number, end: number): ClassicConsoleLine[] {
    const out: ClassicConsoleLine[] = [];
    let cur = start;
    let startPrint = start;
    while (cur !== end) {
      if (
        this.msgLevel < 0 &&
        end - cur > 2 &&
        this.at(cur) === 0x3c &&
        this.at(cur + 1) >= 0x30 &&
        this.at(cur + 1) <= 0x37 &&
        this.at(cur + 2) === 0x3e
      ) {
        this.msgLevel = this.at(cur + 1) - 0x30;
        cur += 3;
        startPrint = cur;
      }
      while (cur !== end) {
        const c = this.at(cur);
        cur++;
        if (c === 0x0a) {
          // The buffer may have wrapped round and scribbled on the tags.
          if (this.msgLevel < 0) this.msgLevel = this.defaultMessageLoglevel;
          out.push(this.consoleLine(startPrint, cur, this.msgLevel));
          this.msgLevel = -1;
          startPrint = cur;
          break;
        }
      }
    }
    // _call_console_drivers(start_print, end, msg_level): a partial line goes out too.
    if (startPrint !== end) out.push(this.consoleLine(startPrint, end, this.msgLevel < 0 ? this.defaultMessageLoglevel : this.msgLevel));
    return out;
  }

  private consoleLine(start: number, end: number, level: number): ClassicConsoleLine {
    return { start, end, level, text: this.text(start, end).replace(/\n$/, ''), shown: level < this.consoleLoglevel };
  }

  /** The bytes [start, end) (free-running indices) as text (Latin-1, one char per byte). */
  text(start: number, end: number): string {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(this.at(i));
    return s;
  }

  /** The bytes still in the ring, oldest first: [logEnd - min(logEnd, LOG_BUF_LEN), logEnd). */
  contents(): { start: number; text: string } {
    const start = Math.max(0, this.logEnd - this.len);
    return { start, text: this.text(start, this.logEnd) };
  }

  /** do_syslog(type, buf, len) of 2.4 (actions 0–9; permission checks are the caller's). */
  syslog(type: number, len = 0): ClassicSyslogResult {
    switch (type) {
      case 0: // Close log
      case 1: // Open log
        return { ret: 0 };
      case 2: {
        // Read from log: destructive, from log_start; sleeps while log_start == log_end.
        if (len < 0) return { ret: EINVAL };
        if (len === 0) return { ret: 0 };
        if (this.logStart === this.logEnd) return { ret: 0, blocked: true };
        const from = this.logStart;
        const n = Math.min(len, this.logEnd - this.logStart);
        this.logStart += n;
        return { ret: n, text: this.text(from, from + n) };
      }
      case 3: // Read last kernel messages
      case 4: {
        // Read/clear last kernel messages: the last min(len, logged_chars) chars before log_end.
        if (len < 0) return { ret: EINVAL };
        if (len === 0) return { ret: 0 };
        const count = Math.min(len, this.len, this.loggedChars);
        if (type === 4) this.loggedChars = 0;
        return { ret: count, text: this.text(this.logEnd - count, this.logEnd) };
      }
      case 5: // Clear ring buffer: nothing is erased, READ_ALL just sees nothing older
        this.loggedChars = 0;
        return { ret: 0 };
      case 6: // Disable logging to console
        this.consoleLoglevel = this.minimumConsoleLoglevel;
        return { ret: 0 };
      case 7: // Enable logging to console (2.4 restores the default, not a saved level)
        this.consoleLoglevel = this.defaultConsoleLoglevel;
        return { ret: 0 };
      case 8: // Set level of messages printed to console
        if (len < 1 || len > 8) return { ret: EINVAL };
        this.consoleLoglevel = Math.max(len, this.minimumConsoleLoglevel);
        return { ret: 0 };
      case 9: // Number of chars in the log buffer (unread by action 2)
        return { ret: this.logEnd - this.logStart };
      default:
        return { ret: EINVAL };
    }
  }
}
