/**
 * dmesg: the records a syslog READ_ALL returns (from the syslog clear point on, as many of the newest
 * as fit in a log_buf_len buffer — busybox's read, the lessons' userland; see syslogReadAll), printed
 * with util-linux 2.38's options (Debian 12's): "[%5ld.%06ld] " timestamps, -r raw "<prio>[…] ", -x "fac   :level : " prefixes,
 * -c/-C clearing (SYSLOG_ACTION_CLEAR moves clear_seq; nothing is erased), -n setting
 * console_loglevel (1..8 or a level name, "debug" = 8), -l level filters, -D/-E console off/on.
 * An empty buffer prints nothing.
 */
import type { ModelKernel } from '../kernel/model';
import type { LogRecord } from '../kernel/log';
import { getopt } from './getopt';
import type { CommandFn } from './types';

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp'];

/** Records a SYSLOG_ACTION_READ_ALL (or /dev/kmsg after SEEK_DATA) returns: from clear_seq on, of those the 128 KiB ring still holds. */
export function unclearedRecords(k: ModelKernel): LogRecord[] {
  const from = Math.max(k.log.clearSeq, k.log.firstReadableSeq());
  return k.log.records.filter((r) => r.seq >= from);
}

/**
 * What `dmesg` gets back, as busybox (the lessons' userland) reads it: one syslog(SYSLOG_ACTION_READ_ALL)
 * into a buffer of SYSLOG_ACTION_SIZE_BUFFER bytes (log_buf_len, 128 KiB; at least 16 KiB).
 * syslog_print_all() (kernel/printk/printk.c) returns the newest records whose text, formatted by
 * record_print_text(syslog=true, time=true) — "<pri>[%5lu.%06lu] " before every line, "\n" after it —
 * fits in that buffer (find_first_fitting_seq()). So a flood of 95-byte lines leaves 1,379 readable
 * even though the 128 KiB ring itself still holds 1,489 of them.
 */
export function syslogReadAll(k: ModelKernel, size = Math.max(1 << 17, 16 * 1024)): LogRecord[] {
  const recs = unclearedRecords(k);
  let used = 0;
  let first = recs.length;
  while (first > 0) {
    const r = recs[first - 1];
    const prefix = `<${(r.facility << 3) | r.level}>${timestamp(r.tsNs)}`.length;
    const lines = r.text.split('\n');
    const len = lines.reduce((n, l) => n + prefix + l.length + 1, 0);
    if (used + len > size) break;
    used += len;
    first--;
  }
  return recs.slice(first);
}

/** SYSLOG_ACTION_CLEAR. */
export function clearLog(k: ModelKernel): void {
  const last = k.log.records[k.log.records.length - 1];
  k.log.clearSeq = last ? last.seq + 1 : k.log.clearSeq;
}

function timestamp(tsNs: number): string {
  const us = Math.floor(tsNs / 1000);
  return `[${String(Math.floor(us / 1e6)).padStart(5, ' ')}.${String(us % 1e6).padStart(6, '0')}] `;
}

/** parse_level(): with len (lists) 0..7 or a name; without (-n) 1..8 or a name + 1. */
function parseLevel(s: string, forConsole: boolean): number | null {
  const offset = forConsole ? 1 : 0;
  if (/^\d/.test(s)) {
    if (!/^\d+$/.test(s)) return null;
    const x = Number(s) - offset;
    return x >= 0 && x < LEVELS.length ? x + offset : null;
  }
  const i = LEVELS.indexOf(s.toLowerCase());
  return i < 0 ? null : i + offset;
}

/** Console state saved by SYSLOG_ACTION_CONSOLE_OFF, per kernel. */
const savedConsoleLevel = new WeakMap<ModelKernel, number>();

export const dmesg: CommandFn = (argv, io, ctx) => {
  const k = ctx.k;
  const o = getopt('dmesg', argv.slice(1), {
    short: 'CcDEn:l:rxtkuSs:PHLw',
    long: {
      clear: 'C',
      'read-clear': 'c',
      'console-off': 'D',
      'console-on': 'E',
      'console-level:': 'n',
      'level:': 'l',
      raw: 'r',
      decode: 'x',
      notime: 't',
      kernel: 'k',
      userspace: 'u',
      syslog: 'S',
      'buffer-size:': 's',
      nopager: 'P',
    },
  });
  if (o.error) {
    io.err(`${o.error}\nTry 'dmesg --help' for more information.\n`);
    return 1;
  }
  if (o.operands.length) {
    io.err(`dmesg: bad usage\nTry 'dmesg --help' for more information.\n`);
    return 1;
  }
  const actions = ['C', 'c', 'D', 'E', 'n'].filter((a) => o.opts.has(a));
  if (actions.length > 1) {
    io.err(`dmesg: options --clear, --read-clear, --console-level, --console-on and --console-off are mutually exclusive\n`);
    return 1;
  }
  const action = actions[0] ?? null;
  if (action === 'C') {
    clearLog(k);
    return 0;
  }
  if (action === 'n') {
    const arg = String(o.opts.get('n'));
    const lvl = parseLevel(arg, true);
    if (lvl === null) {
      io.err(`dmesg: unknown level '${arg}'\n`);
      return 1;
    }
    // SYSLOG_ACTION_CONSOLE_LEVEL: below the minimum is raised to it.
    k.printk[0] = Math.max(lvl, k.printk[2]);
    savedConsoleLevel.delete(k);
    return 0;
  }
  if (action === 'D') {
    if (!savedConsoleLevel.has(k)) savedConsoleLevel.set(k, k.printk[0]);
    k.printk[0] = k.printk[2];
    return 0;
  }
  if (action === 'E') {
    const saved = savedConsoleLevel.get(k);
    if (saved !== undefined) {
      k.printk[0] = saved;
      savedConsoleLevel.delete(k);
    }
    return 0;
  }
  let levels: Set<number> | null = null;
  for (const { opt, arg } of o.list) {
    if (opt !== 'l' || typeof arg !== 'string') continue;
    levels ??= new Set();
    for (const part of arg.split(',')) {
      const lvl = parseLevel(part, false);
      if (lvl === null) {
        io.err(`dmesg: unknown level '${part}'\n`);
        return 1;
      }
      levels.add(lvl);
    }
  }
  const facilities =
    o.opts.has('k') || o.opts.has('u')
      ? new Set<number>([...(o.opts.has('k') ? [0] : []), ...(o.opts.has('u') ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] : [])])
      : null;
  let out = '';
  for (const r of syslogReadAll(k)) {
    if (levels && !levels.has(r.level)) continue;
    if (facilities && !facilities.has(r.facility)) continue;
    let prefix = '';
    if (o.opts.has('r')) prefix = `<${(r.facility << 3) | r.level}>${timestamp(r.tsNs)}`;
    else {
      if (o.opts.has('x'))
        prefix += `${(FACILITIES[r.facility] ?? String(r.facility)).padEnd(6)}:${(LEVELS[r.level] ?? String(r.level)).padEnd(6)}: `;
      if (!o.opts.has('t')) prefix += timestamp(r.tsNs);
    }
    // Continuation lines of a multi-line record are indented under the text.
    out += prefix + r.text.split('\n').join('\n' + ' '.repeat(prefix.length)) + '\n';
  }
  io.out(out);
  if (action === 'c') clearLog(k);
  return 0;
};
