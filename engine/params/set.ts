/**
 * The ->set() of every standard parameter type (kernel/params.c), storing into modelled memory.
 * Each returns the kernel's errno (0 on success) and may print; parse_args() prints its own line
 * for any error after that.
 */
import type { ParamType } from '../kmod/types';
import { text } from './cstr';
import type { KmallocedParams } from './kmalloced';
import { kstrtobool, kstrtoint, kstrtol, kstrtos16, kstrtou16, kstrtou8, kstrtouint, kstrtoul, kstrtoull, type KstrtoxResult } from './kstrtox';
import { EINVAL, ENOSPC, EROFS, KERN_ERR, type LogLine } from './log';
import type { ParamMemory, ResolvedArray } from './memory';
import { KERNEL_PARAM_OPS_FL_NOARG, opsInfo } from './ops';

/**
 * The fields of a struct kernel_param that ->set() and ->get() look at. param_array() builds one of
 * these on its stack for each element, with only name, arg and level filled in.
 */
export interface KpView {
  name: string;
  type: ParamType;
  /** kp->arg: the variable (or, for array/string, the kparam_array/kparam_string). */
  arg: bigint;
  level: number;
  array?: ResolvedArray;
  string?: { maxlen: number; buffer: bigint };
}

export interface SetContext {
  mem: ParamMemory;
  kmalloced: KmallocedParams;
  /** Lines the setter prints are appended here. */
  log: LogLine[];
}

export type SetOutcome =
  /** errno 0 = success. */
  | { kind: 'done'; errno: number }
  /** A module's own ops (or an array of them): its code is not run here. */
  | { kind: 'not-modelled'; reason: string };

const done = (errno: number): SetOutcome => ({ kind: 'done', errno });

/** Little-endian two's-complement store of `size` bytes. */
export function intBytes(value: bigint, size: number): Uint8Array {
  const b = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

function readU64(mem: ParamMemory, address: bigint): bigint {
  const b = mem.read(address, 8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

const INTEGER_PARSERS: Partial<Record<ParamType, (s: Uint8Array) => KstrtoxResult>> = {
  byte: kstrtou8,
  short: kstrtos16,
  ushort: kstrtou16,
  int: kstrtoint,
  uint: kstrtouint,
  long: kstrtol,
  ulong: kstrtoul,
  ullong: kstrtoull,
  // STANDARD_PARAM_DEF(hexint, unsigned int, "%#08x", kstrtouint): base 0 like the rest,
  // so "42" is decimal 42 and "0x2a" works too; "hex" is only how it prints.
  hexint: kstrtouint,
};

/** param_set_charp(): refuses more than 1024 bytes; frees the old value if it was kmalloc'd here. */
export const CHARP_MAX = 1024;

/**
 * kp->ops->set(val, kp). `val` is null only for a bare name on a NOARG type; a null reaching a
 * type without NOARG (which parse_one() refuses first) is -EINVAL here rather than an oops.
 */
export function paramSet(kp: KpView, val: Uint8Array | null, ctx: SetContext): SetOutcome {
  const info = opsInfo(kp.type);
  if (!info) return { kind: 'not-modelled', reason: `${kp.name} uses the module's own kernel_param_ops; its set() is module code` };
  if (val === null && !(info.flags & KERNEL_PARAM_OPS_FL_NOARG) && kp.type !== 'invbool') return done(-EINVAL);
  const { mem } = ctx;

  const parse = INTEGER_PARSERS[kp.type];
  if (parse) {
    const r = parse(val ?? new Uint8Array(0));
    if (!r.ok) return done(r.errno);
    mem.write(kp.arg, intBytes(r.value, info.size ?? 0));
    return done(0);
  }

  switch (kp.type) {
    case 'bool':
      return done(setBool(kp.arg, val, mem));
    case 'invbool': {
      // param_set_invbool(): parse into a local bool, store its inverse.
      const r = kstrtobool(val ?? Uint8Array.of(0x31));
      if (!r.ok) return done(r.errno);
      mem.write(kp.arg, Uint8Array.of(r.value ? 0 : 1));
      return done(0);
    }
    case 'bint': {
      // param_set_bint(): "Match bool exactly, by re-using it", then store as int.
      const r = kstrtobool(val ?? Uint8Array.of(0x31));
      if (!r.ok) return done(r.errno);
      mem.write(kp.arg, intBytes(r.value ? 1n : 0n, 4));
      return done(0);
    }
    case 'bool_enable_only': {
      // param_set_bool_enable_only(): "Don't let them unset it once it's set!"
      const orig = mem.read(kp.arg, 1)[0] !== 0;
      const r = kstrtobool(val ?? Uint8Array.of(0x31));
      if (!r.ok) return done(r.errno);
      if (!r.value && orig) return done(-EROFS);
      if (r.value) return done(setBool(kp.arg, val, mem));
      return done(0);
    }
    case 'charp':
      return done(setCharp(kp, val ?? new Uint8Array(0), ctx));
    case 'string':
      return done(setCopystring(kp, val ?? new Uint8Array(0), ctx));
    case 'array':
      return setArray(kp, val ?? new Uint8Array(0), ctx);
  }
  return { kind: 'not-modelled', reason: `no setter for type ${kp.type}` };
}

/** param_set_bool(): "No equals means 'set'...", then kstrtobool() into the bool. */
function setBool(arg: bigint, val: Uint8Array | null, mem: ParamMemory): number {
  const r = kstrtobool(val ?? Uint8Array.of(0x31));
  if (!r.ok) return r.errno;
  mem.write(arg, Uint8Array.of(r.value ? 1 : 0));
  return 0;
}

function setCharp(kp: KpView, val: Uint8Array, ctx: SetContext): number {
  const len = val.length;
  if (len > CHARP_MAX) {
    ctx.log.push({ level: KERN_ERR, text: `${kp.name}: string parameter too long` });
    return -ENOSPC;
  }
  ctx.kmalloced.maybeFree(ctx.mem, readU64(ctx.mem, kp.arg));
  // slab_is_available() is always true once modules load, so the value is always copied.
  const copy = ctx.kmalloced.alloc(ctx.mem, len + 1, `charp parameter ${kp.name}`);
  const bytes = new Uint8Array(len + 1);
  bytes.set(val);
  ctx.mem.write(copy, bytes);
  ctx.mem.write(kp.arg, intBytes(copy, 8));
  return 0;
}

/** param_set_copystring() (module_param_string): strcpy into the fixed buffer if it fits. */
function setCopystring(kp: KpView, val: Uint8Array, ctx: SetContext): number {
  const kps = kp.string;
  if (!kps) return -EINVAL;
  if (val.length + 1 > kps.maxlen) {
    // %u of maxlen-1, an unsigned int: a zero maxlen would print 4294967295.
    ctx.log.push({ level: KERN_ERR, text: `${kp.name}: string doesn't fit in ${(kps.maxlen - 1) >>> 0} chars.` });
    return -ENOSPC;
  }
  const bytes = new Uint8Array(val.length + 1);
  bytes.set(val);
  ctx.mem.write(kps.buffer, bytes);
  return 0;
}

/**
 * param_array_set() → param_array(mod, name, val, 1, arr->max, arr->elem, arr->elemsize,
 * arr->ops->set, kp->level, arr->num ?: &temp_num). Elements are comma-separated; each is set
 * with a kernel_param that has the array's name, so element errors name the array. *num is
 * zeroed first and counted up in place: after a failure it holds how many elements were stored.
 */
function setArray(kp: KpView, val: Uint8Array, ctx: SetContext): SetOutcome {
  const arr = kp.array;
  if (!arr) return done(-EINVAL);
  const elemInfo = opsInfo(arr.elementType);
  if (!elemInfo || elemInfo.size === null) {
    return { kind: 'not-modelled', reason: `${kp.name} is an array of ${arr.elementOps ?? arr.elementType}, which is not modelled` };
  }
  const min = 1;
  const max = arr.max;
  const writeNum = (n: number): void => {
    if (arr.num !== 0n) ctx.mem.write(arr.num, intBytes(BigInt(n), 4));
  };
  let num = 0;
  writeNum(num);
  let at = 0;
  let elem = arr.elem;
  let save: number;
  do {
    if (num === max) {
      // %i of an unsigned int.
      ctx.log.push({ level: KERN_ERR, text: `${kp.name}: can only take ${max | 0} arguments` });
      return done(-EINVAL);
    }
    let len = val.indexOf(0x2c, at) - at; // strcspn(val, ",")
    if (len < 0) len = val.length - at;
    save = at + len < val.length ? val[at + len] : 0;
    const r = paramSet({ name: kp.name, type: arr.elementType, arg: elem, level: kp.level }, val.subarray(at, at + len), ctx);
    if (r.kind !== 'done' || r.errno !== 0) return r;
    elem += BigInt(arr.elemsize);
    at += len + 1;
    num++;
    writeNum(num);
  } while (save === 0x2c);
  if (num < min) {
    ctx.log.push({ level: KERN_ERR, text: `${kp.name}: needs at least ${min} arguments` });
    return done(-EINVAL);
  }
  return done(0);
}

/** For messages: how a value reads. */
export function valueText(val: Uint8Array | null): string {
  return val === null ? '' : text(val);
}
