/**
 * parse_args() and parse_one() (kernel/params.c), on modelled memory.
 *
 * parse_args() does NOT stop at the first bad argument: it prints the error, remembers it
 * (err = ERR_PTR(ret)) and goes on, so later arguments are still set and the LAST error is what it
 * returns. It stops only at a bare `--`, returning the rest of the string — unless an argument had
 * already failed, in which case it returns that error instead ("return err ?: args").
 */
import { bytesEqual, text } from './cstr';
import type { MemEffect } from './effects';
import { RecordingMemory } from './effects';
import { KmallocedParams } from './kmalloced';
import { EINVAL, ENOENT, ENOSPC, EPERM, KERN_ERR, KERN_NOTICE, type LogLine } from './log';
import { KERNEL_PARAM_FL_HWPARAM, KERNEL_PARAM_FL_UNSAFE, type ParamMemory, type ResolvedParam } from './memory';
import { type ArgToken, argsInput, cLength, nextArg, skipSpaces, type Span, toToken } from './next-arg';
import { KERNEL_PARAM_OPS_FL_NOARG, opsInfo } from './ops';
import { parameq } from './parameq';
import { paramSet, type SetContext, type SetOutcome, valueText } from './set';

export type ParamEventKind =
  /** A parameter's ->set() succeeded. */
  | 'set'
  /** A non-zero return: a bad value, a missing value, -EPERM under lockdown, or -ENOENT (no unknown handler). */
  | 'error'
  /** unknown_module_param_cb() warned and ignored it. */
  | 'unknown-ignored'
  /** unknown_module_param_cb() took async_probe. */
  | 'async-probe'
  /** Taken by dynamic debug (dyndbg, or <mod>.dyndbg). */
  | 'dyndbg'
  /** The parameter's level is outside [min_level, max_level]: parse_one() returns 0 without setting it. */
  | 'level-skipped'
  /** The parameter uses the module's own kernel_param_ops, whose code is not run here. */
  | 'not-modelled'
  /** The bare `--`: parse_args() stops here. */
  | 'after-dashdash';

export interface ParamEvent {
  kind: ParamEventKind;
  /** The argument as next_arg() split it, with spans for highlighting. */
  arg: ArgToken;
  /** The name as typed (what the messages print) and the value (null: no '='). */
  name: string;
  value: string | null;
  /** The kernel_param it matched (by parameq()), if any. */
  param: ResolvedParam | null;
  /** What parse_one() returned (0 = fine). */
  errno: number;
  /** Lines printed for this argument, in order. */
  log: LogLine[];
  /** KERNEL_PARAM_FL_UNSAFE: "Setting dangerous option", taint U. */
  dangerous: boolean;
  taint: 'U' | null;
  /** Memory writes, kmallocs and kfrees done by ->set(). */
  effects: MemEffect[];
  /** A sentence for the UI when the kind needs one. */
  note?: string;
}

/** What an unknown-parameter callback did: its return value and what it printed. */
export interface UnknownOutcome {
  errno: number;
  kind: ParamEventKind;
  log: LogLine[];
  note?: string;
}

export type UnknownHandler = (param: Uint8Array, val: Uint8Array | null, doing: string) => UnknownOutcome;

/** Runs a module's own ->set() if a host can; otherwise the argument is reported 'not-modelled'. */
export type CustomSetter = (param: ResolvedParam, val: Uint8Array | null, ctx: SetContext) => SetOutcome;

export interface ParseArgsOptions {
  /** parse_args()'s min_level/max_level; load_module() passes -32768, 32767. */
  minLevel?: number;
  maxLevel?: number;
  /** The unknown callback; null makes unknown names -ENOENT ("Unknown parameter"). */
  unknown?: UnknownHandler | null;
  /** kernel/params.c's list of kmalloc'd charp values; share one across calls. */
  kmalloced?: KmallocedParams;
  /** security_locked_down(LOCKDOWN_MODULE_PARAMETERS) is true (Debian under Secure Boot). */
  lockedDown?: boolean;
  /** current->comm, for the lockdown message. */
  comm?: string;
  custom?: CustomSetter;
}

export interface ParseArgsResult {
  events: ParamEvent[];
  /** What parse_args() returned as ERR_PTR: the last failing argument's errno, or 0. */
  errno: number;
  /** The rest of the string after `--` (spaces skipped), when parse_args() returned it. */
  afterDashes: { text: string; bytes: Uint8Array; span: Span; byteSpan: Span } | null;
  /** Every line printed, in order. */
  log: LogLine[];
  /** Taint letters added (add_taint(TAINT_USER) → 'U'). */
  taint: string[];
  /** False when some argument reached module code that is not modelled. */
  modelled: boolean;
}

interface OneResult {
  ret: number;
  kind: ParamEventKind;
  param: ResolvedParam | null;
  dangerous: boolean;
  note?: string;
}

const DASHDASH = Uint8Array.of(0x2d, 0x2d);

/**
 * parse_args(doing, args, params, num, min_level, max_level, arg, unknown).
 * `args` is a JS string (UTF-8 encoded, spans in string indices) or the raw bytes.
 */
export function parseArgs(
  doing: string,
  args: string | Uint8Array,
  params: readonly ResolvedParam[],
  mem: ParamMemory,
  opts: ParseArgsOptions = {},
): ParseArgsResult {
  const input = argsInput(args);
  const bytes = input.bytes;
  const len = cLength(bytes);
  const rec = new RecordingMemory(mem);
  const kmalloced = opts.kmalloced ?? new KmallocedParams();
  const result: ParseArgsResult = { events: [], errno: 0, afterDashes: null, log: [], taint: [], modelled: true };

  // "Chew leading spaces"
  let at = skipSpaces(bytes, 0);
  while (at < len) {
    const a = nextArg(bytes, at);
    at = a.next;
    const token = toToken(input, a);
    const name = text(a.param);
    const value = a.val === null ? null : text(a.val);

    // "Stop at --"
    if (a.val === null && bytesEqual(a.param, DASHDASH)) {
      const ev: ParamEvent = {
        kind: 'after-dashdash',
        arg: token,
        name,
        value,
        param: null,
        errno: 0,
        log: [],
        dangerous: false,
        taint: null,
        effects: [],
      };
      result.events.push(ev);
      if (result.errno === 0) {
        const byteSpan = { start: at, end: len };
        result.afterDashes = { bytes: bytes.slice(at, len), text: text(bytes.subarray(at, len)), byteSpan, span: input.toCaller(byteSpan) };
      } else {
        ev.note = 'parse_args() returns the earlier error instead of the text after --';
      }
      return result;
    }

    const log: LogLine[] = [];
    const one = parseOne(doing, a.param, a.val, params, { mem: rec, kmalloced, log }, opts);
    // param_array() NUL-terminates each element in place (val[len] = '\0') and never puts the commas
    // back, so after it ran parse_args() prints only the first element: `1' for "1,2,3,4,5".
    const shown = one.param?.type === 'array' && a.val !== null && a.val.indexOf(0x2c) >= 0 ? a.val.subarray(0, a.val.indexOf(0x2c)) : a.val;
    if (!one.ret) {
      // ok
    } else if (one.ret === -ENOENT) {
      log.push({ level: KERN_ERR, text: `${doing}: Unknown parameter \`${name}'` });
    } else if (one.ret === -ENOSPC) {
      log.push({ level: KERN_ERR, text: `${doing}: \`${valueText(shown)}' too large for parameter \`${name}'` });
    } else {
      log.push({ level: KERN_ERR, text: `${doing}: \`${valueText(shown)}' invalid for parameter \`${name}'` });
    }
    if (one.ret) result.errno = one.ret;
    if (one.kind === 'not-modelled') result.modelled = false;
    if (one.dangerous && !result.taint.includes('U')) result.taint.push('U');
    const ev: ParamEvent = {
      kind: one.ret ? 'error' : one.kind,
      arg: token,
      name,
      value,
      param: one.param,
      errno: one.ret,
      log,
      dangerous: one.dangerous,
      taint: one.dangerous ? 'U' : null,
      effects: rec.take(),
    };
    if (one.note) ev.note = one.note;
    result.events.push(ev);
    result.log.push(...log);
  }
  return result;
}

/** parse_one(): find the parameter by parameq(), check level and NOARG, then ->set() under the lock. */
function parseOne(
  doing: string,
  param: Uint8Array,
  val: Uint8Array | null,
  params: readonly ResolvedParam[],
  ctx: SetContext,
  opts: ParseArgsOptions,
): OneResult {
  const minLevel = opts.minLevel ?? -32768;
  const maxLevel = opts.maxLevel ?? 32767;
  for (const p of params) {
    if (!parameq(param, p.nameBytes)) continue;
    if (p.level < minLevel || p.level > maxLevel) {
      return { ret: 0, kind: 'level-skipped', param: p, dangerous: false, note: `level ${p.level} is outside ${minLevel}..${maxLevel}` };
    }
    const info = opsInfo(p.type);
    // "No one handled NULL, so do it here."
    if (val === null && info && !(info.flags & KERNEL_PARAM_OPS_FL_NOARG)) {
      return {
        ret: -EINVAL,
        kind: 'error',
        param: p,
        dangerous: false,
        note: `${p.type} needs a value (only bool, bint and bool_enable_only may be given bare)`,
      };
    }
    // param_check_unsafe()
    if (p.flags & KERNEL_PARAM_FL_HWPARAM && opts.lockedDown) {
      // security/lockdown/lockdown.c lockdown_is_locked_down(), pr_notice_ratelimited.
      ctx.log.push({
        level: KERN_NOTICE,
        text: `Lockdown: ${opts.comm ?? 'insmod'}: unsafe module parameters is restricted; see man kernel_lockdown.7`,
      });
      return { ret: -EPERM, kind: 'error', param: p, dangerous: false, note: 'a hardware parameter (module_param_hw) cannot be set under lockdown' };
    }
    let dangerous = false;
    if (p.flags & KERNEL_PARAM_FL_UNSAFE) {
      ctx.log.push({ level: KERN_NOTICE, text: `Setting dangerous option ${p.name} - tainting kernel` });
      dangerous = true;
    }
    let out: SetOutcome;
    if (!info)
      out = opts.custom
        ? opts.custom(p, val, ctx)
        : { kind: 'not-modelled', reason: `${p.name} uses ${p.ops ?? 'its own kernel_param_ops'}, module code that is not run here` };
    else out = paramSet(p, val, ctx);
    if (out.kind === 'not-modelled') return { ret: 0, kind: 'not-modelled', param: p, dangerous, note: out.reason };
    return { ret: out.errno, kind: out.errno ? 'error' : 'set', param: p, dangerous };
  }

  if (opts.unknown) {
    const u = opts.unknown(param, val, doing);
    ctx.log.push(...u.log);
    const r: OneResult = { ret: u.errno, kind: u.kind, param: null, dangerous: false };
    if (u.note) r.note = u.note;
    return r;
  }
  return { ret: -ENOENT, kind: 'error', param: null, dangerous: false };
}
