/**
 * printk and friends (kernel/printk/printk.c, Linux 6.1): how vprintk_store() turns a format into a
 * log record, plus the dev_printk family (drivers/base/core.c), dynamic debug, __warn_printk
 * (kernel/panic.c) and panic().
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { asciiBytes, bytesToText, concat, readU64, ret, tryCString, tryFieldString } from './mem';
import type { KernelCallState } from './state';
import { type ArgSource, type FormatEnv, VaListArgs, formatAt, formatBytes, formatEnvFrom, registerArgs } from './vsnprintf';

/** KERN_SOH (include/linux/kern_levels.h): "\001" followed by '0'..'7' or 'c' (KERN_CONT). */
export const KERN_SOH = 0x01;
/** default_message_loglevel on Debian (CONFIG_MESSAGE_LOGLEVEL_DEFAULT=4). */
export const DEFAULT_MESSAGE_LOGLEVEL = 4;
/** LOG_LINE_MAX = CONSOLE_LOG_MAX (1024) - PREFIX_MAX (32): the longest record text + 1. */
export const LOG_LINE_MAX = 1024 - 32;
/** LOGLEVEL_DEFAULT (include/linux/kern_levels.h). */
export const LOGLEVEL_DEFAULT = -1;

export interface PrintkRecord {
  /** The record's level: the first KERN_<n> prefix, the caller's level, or default_message_loglevel. */
  level: number;
  /** A KERN_CONT prefix was present (LOG_CONT): append to the caller's open record if there is one. */
  cont: boolean;
  /** The text ended in '\n' (LOG_NEWLINE): the record is finalised. */
  newline: boolean;
  /** Stored text: no level prefixes, no trailing newline, at most LOG_LINE_MAX - 1 bytes. */
  bytes: Uint8Array;
  text: string;
  /** What printk() returns: the stored text length. */
  returned: number;
}

/**
 * printk_get_level(): the level character after KERN_SOH, or 0. In 6.1 only '0'..'7' and 'c' count;
 * KERN_DEFAULT is the empty string, so "\001d" is ordinary text.
 */
export function printkGetLevel(text: Uint8Array, at = 0): number {
  if (text.length > at + 1 && text[at] === KERN_SOH) {
    const c = text[at + 1];
    if ((c >= 0x30 && c <= 0x37) || c === 0x63) return c;
  }
  return 0;
}

/** printk_parse_prefix(): the first level prefix sets the level; KERN_CONT sets LOG_CONT; all are skipped. */
export function printkParsePrefix(text: Uint8Array): { prefixLen: number; level: number; cont: boolean } {
  let level = LOGLEVEL_DEFAULT;
  let cont = false;
  let p = 0;
  for (;;) {
    const k = printkGetLevel(text, p);
    if (!k) break;
    if (k === 0x63) cont = true;
    else if (level === LOGLEVEL_DEFAULT) level = k - 0x30;
    p += 2;
  }
  return { prefixLen: p, level, cont };
}

/**
 * vprintk_store() + printk_sprint() over already-formatted bytes: the prefix is parsed from the
 * formatted text (so a "%s" argument can carry a level), the text is cut to LOG_LINE_MAX - 1 bytes,
 * one trailing newline marks LOG_NEWLINE and is dropped, then the prefixes are stripped. Embedded
 * newlines stay inside the one record.
 */
export function printkRecord(formatted: Uint8Array, callerLevel = LOGLEVEL_DEFAULT, devInfo = false): PrintkRecord {
  // The level and KERN_CONT come from a first vsnprintf() into "char prefix_buf[8]": only the first
  // 7 formatted bytes (three prefixes) are looked at; printk_sprint() later strips every prefix.
  const prefix = printkParsePrefix(formatted.subarray(0, 7));
  let level = callerLevel;
  if (level === LOGLEVEL_DEFAULT) level = prefix.level;
  if (level === LOGLEVEL_DEFAULT) level = DEFAULT_MESSAGE_LOGLEVEL;
  // reserve_size = vsnprintf() + 1, capped at LOG_LINE_MAX; vscnprintf() then stores reserve_size - 1.
  let text = formatted.subarray(0, Math.min(formatted.length, LOG_LINE_MAX - 1));
  let newline = devInfo;
  if (text.length && text[text.length - 1] === 0x0a) {
    text = text.subarray(0, text.length - 1);
    newline = true;
  }
  const strip = printkParsePrefix(text).prefixLen;
  text = text.subarray(strip);
  const bytes = Uint8Array.from(text);
  return { level: level & 7, cont: prefix.cont, newline, bytes, text: bytesToText(bytes), returned: bytes.length };
}

/**
 * Hand a record to the modelled log. KERN_CONT is only 'cont' when this caller's previous record is
 * still open (prb_reserve_in_last() succeeds); otherwise the kernel starts a new record at the
 * message's level or the default.
 */
export function emitRecord(ctx: KernelCallContext, state: KernelCallState, rec: PrintkRecord): void {
  const open = state.printkOpen;
  // Updated first: the printk service reads it to know whether the record it is given stays open.
  state.printkOpen = !rec.newline;
  if (rec.cont && open) ctx.printk('cont', rec.text);
  else ctx.printk(rec.level, rec.text);
}

function env(ctx: KernelCallContext, state: KernelCallState): FormatEnv {
  return formatEnvFrom(ctx, state.formatOptions());
}

function noteWarnings(ctx: KernelCallContext, warnings: string[]): void {
  for (const w of warnings) ctx.note(`vsnprintf: ${w}`);
}

/** vprintk_emit(0, level, NULL, fmt, args) for a format in memory. */
export function printkAt(ctx: KernelCallContext, state: KernelCallState, fmt: bigint, args: ArgSource, level = LOGLEVEL_DEFAULT): number {
  const out = formatAt(env(ctx, state), fmt, args);
  noteWarnings(ctx, out.warnings);
  const rec = printkRecord(out.bytes, level);
  emitRecord(ctx, state, rec);
  return rec.returned;
}

/** printk() of a fixed text (the kernel's own messages: "Kernel panic - not syncing: …"). */
export function printkText(ctx: KernelCallContext, state: KernelCallState, level: number, text: string): void {
  emitRecord(ctx, state, printkRecord(concat([Uint8Array.of(KERN_SOH, 0x30 + level), asciiBytes(text)])));
}

/** _printk(const char *fmt, ...): returns the stored length (vprintk_store()'s text_len). */
export function makePrintk(state: KernelCallState): KernelFunction {
  return (ctx) => ret(printkAt(ctx, state, ctx.arg(0), registerArgs(ctx, 1)));
}

/** vprintk(const char *fmt, va_list args). */
export function makeVprintk(state: KernelCallState): KernelFunction {
  return (ctx) => {
    const args = new VaListArgs(ctx.mem, ctx.arg(1));
    const n = printkAt(ctx, state, ctx.arg(0), args);
    args.commit();
    return ret(n);
  };
}

/**
 * struct device (6.1, x86-64, no CONFIG_DEBUG_KOBJECT_RELEASE): kobj (64 bytes, kobj.name at 0),
 * parent 64, p 72, init_name 80, type 88, bus 96, driver 104. Names are read defensively: a bad
 * pointer gives "" rather than a fault (the real kernel would oops).
 */
function devName(ctx: KernelCallContext, dev: bigint): string {
  return tryFieldString(ctx, dev, 80) ?? tryFieldString(ctx, dev, 0) ?? '';
}

/**
 * dev_driver_string(): driver->name, else bus->name, else class->name (struct device: driver @104, bus @96, class
 * @688). vmlinux's buses are not in the model's memory: platform_bus_type is named "platform" (drivers/base/platform.c).
 */
/** __dev_printk()'s prefix without the colon: "driver-or-bus-or-class device-name" ("platform regulatory.0"). */
export function devPrefix(ctx: KernelCallContext, state: KernelCallState, dev: bigint): string {
  return `${devDriverString(ctx, state, dev)} ${devName(ctx, dev)}`;
}

function devDriverString(ctx: KernelCallContext, state: KernelCallState, dev: bigint): string {
  for (const off of [104, 96, 688]) {
    try {
      const p = readU64(ctx.mem, dev + BigInt(off));
      if (off === 96 && p !== 0n && p === state.options.lookupSymbol?.('platform_bus_type')) return 'platform';
      if (p !== 0n) return tryFieldString(ctx, p, 0) ?? '';
    } catch {
      return '';
    }
  }
  return '';
}

/**
 * __dev_printk(): with a device, dev_printk_emit(level, dev, "%s %s: %pV", driver, name, vaf) (dev_info
 * set, so LOG_NEWLINE); without, printk("%s(NULL device *): %pV", level, vaf).
 */
export function devPrintk(ctx: KernelCallContext, state: KernelCallState, level: number, dev: bigint, fmt: bigint, args: ArgSource): void {
  const out = formatAt(env(ctx, state), fmt, args);
  noteWarnings(ctx, out.warnings);
  if (dev === 0n) {
    emitRecord(ctx, state, printkRecord(concat([Uint8Array.of(KERN_SOH, 0x30 + level), asciiBytes('(NULL device *): '), out.bytes])));
  } else {
    const head = asciiBytes(`${devDriverString(ctx, state, dev)} ${devName(ctx, dev)}: `);
    emitRecord(ctx, state, printkRecord(concat([head, out.bytes]), level, true));
  }
}

/** _dev_info(dev, fmt, ...) and the other fixed-level helpers. */
export function makeDevPrintk(state: KernelCallState, level: number): KernelFunction {
  return (ctx) => {
    devPrintk(ctx, state, level, ctx.arg(0), ctx.arg(1), registerArgs(ctx, 2));
    return 0n;
  };
}

/** _dev_printk(const char *level, dev, fmt, ...): the level string is KERN_SOH + digit. */
export function makeDevPrintkLevel(state: KernelCallState): KernelFunction {
  return (ctx) => {
    let level = DEFAULT_MESSAGE_LOGLEVEL;
    const s = tryCString(ctx, ctx.arg(0), 4);
    if (s !== null && s.length >= 2 && s.charCodeAt(0) === KERN_SOH) level = (s.charCodeAt(1) - 0x30) & 7;
    devPrintk(ctx, state, level, ctx.arg(1), ctx.arg(2), registerArgs(ctx, 3));
    return 0n;
  };
}

/**
 * dev_err_probe(dev, err, fmt, ...): dev_err "error %pe: %pV" unless err is -EPROBE_DEFER (then only a
 * dev_dbg and the deferred-probe reason); returns err.
 */
export function makeDevErrProbe(state: KernelCallState): KernelFunction {
  return (ctx) => {
    const err = Number(BigInt.asIntN(32, ctx.arg(1)));
    if (err !== -517) {
      const e = formatEnvFrom(ctx, state.formatOptions());
      const msg = formatAt(e, ctx.arg(2), registerArgs(ctx, 3));
      const errText = formatBytes(e, asciiBytes('%pe'), { next: () => BigInt.asUintN(64, BigInt(err)) }).bytes;
      const dev = ctx.arg(0);
      const body = concat([asciiBytes('error '), errText, asciiBytes(': '), msg.bytes]);
      if (dev === 0n) emitRecord(ctx, state, printkRecord(concat([Uint8Array.of(KERN_SOH, 0x33), asciiBytes('(NULL device *): '), body])));
      else emitRecord(ctx, state, printkRecord(concat([asciiBytes(`${devDriverString(ctx, state, dev)} ${devName(ctx, dev)}: `), body]), 3, true));
    } else ctx.note('dev_err_probe: -EPROBE_DEFER (only recorded as the deferred-probe reason)');
    return ret(err);
  };
}

/**
 * __dynamic_pr_debug and friends: Debian builds with DYNAMIC_DEBUG, every site off by default. The
 * call sits behind a static branch that is normally patched out, so reaching it prints nothing.
 */
export function makeDynamicDebug(name: string): KernelFunction {
  return (ctx) => {
    ctx.note(`${name}: dynamic debug site disabled (the default), nothing printed`);
    return 0n;
  };
}

/** __warn_printk(fmt, ...): pr_warn(CUT_HERE) then vprintk(fmt); the WARNING line comes from the ud2 trap. */
export function makeWarnPrintk(state: KernelCallState): KernelFunction {
  return (ctx) => {
    printkText(ctx, state, 4, '------------[ cut here ]------------\n');
    printkAt(ctx, state, ctx.arg(0), registerArgs(ctx, 1));
    return 0n;
  };
}

/**
 * panic(fmt, ...) (kernel/panic.c): vscnprintf() into a 1024-byte buffer, drop one trailing newline,
 * pr_emerg("Kernel panic - not syncing: %s\n"). The stack dump, "Kernel Offset" and the closing
 * "---[ end Kernel panic - not syncing: … ]---" line are not modelled; the machine should stop here.
 */
export function panicWith(ctx: KernelCallContext, state: KernelCallState, message: Uint8Array): bigint {
  let msg = message.subarray(0, 1023);
  if (msg.length && msg[msg.length - 1] === 0x0a) msg = msg.subarray(0, msg.length - 1);
  const nul = msg.indexOf(0);
  if (nul >= 0) msg = msg.subarray(0, nul);
  const text = bytesToText(msg);
  emitRecord(ctx, state, printkRecord(concat([Uint8Array.of(KERN_SOH, 0x30), asciiBytes('Kernel panic - not syncing: '), msg, Uint8Array.of(0x0a)])));
  ctx.note(`panic: Kernel panic - not syncing: ${text}`);
  return 0n;
}

export function makePanic(state: KernelCallState): KernelFunction {
  return (ctx) => {
    const out = formatAt(env(ctx, state), ctx.arg(0), registerArgs(ctx, 1));
    noteWarnings(ctx, out.warnings);
    return panicWith(ctx, state, out.bytes);
  };
}

/**
 * __stack_chk_fail(): panic("stack-protector: Kernel stack is corrupted in: %pB",
 * __builtin_return_address(0)). The return address is read at [rsp]: the model runs as if the
 * call instruction had just pushed it.
 */
export function makeStackChkFail(state: KernelCallState): KernelFunction {
  return (ctx) => {
    let retAddr = 0n;
    try {
      retAddr = readU64(ctx.mem, ctx.state.gpr[4]);
    } catch {
      /* keep 0 */
    }
    const out = formatBytes(env(ctx, state), asciiBytes('stack-protector: Kernel stack is corrupted in: %pB'), { next: () => retAddr });
    return panicWith(ctx, state, out.bytes);
  };
}
