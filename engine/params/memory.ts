/**
 * The memory parameters are set in, and the relocated struct kernel_param entries read from it.
 * Layouts are x86-64 (include/linux/moduleparam.h, checked against BTF of Debian's 6.1 vmlinux):
 *
 *   struct kernel_param  (40)  name* +0, mod* +8, ops* +16, perm u16 +24, level s8 +26, flags u8 +27,
 *                              union { arg*, str*, arr* } +32
 *   struct kparam_array  (32)  max u32 +0, elemsize u32 +4, num* +8, ops* +16, elem* +24
 *   struct kparam_string (16)  maxlen u32 +0, string* +8
 */
import type { ParamEntry, ParamType } from '../kmod/types';
import { cstr, readCString, text, type ParamMemory } from './cstr';

export type { ParamMemory };

export const KERNEL_PARAM_SIZE = 40;
export const KPARAM_ARRAY_SIZE = 32;
export const KPARAM_STRING_SIZE = 16;

/** kernel_param.flags (include/linux/moduleparam.h). */
export const KERNEL_PARAM_FL_UNSAFE = 1 << 0;
export const KERNEL_PARAM_FL_HWPARAM = 1 << 1;

export interface ResolvedArray {
  /** Address of the struct kparam_array (kernel_param.arr). */
  address: bigint;
  max: number;
  elemsize: number;
  /** Address of the unsigned int count variable, or 0n when module_param_array() got NULL. */
  num: bigint;
  /** The element kernel_param_ops, as relocated. */
  ops: bigint;
  elem: bigint;
  elementType: ParamType;
  elementOps: string | null;
}

export interface ResolvedString {
  /** Address of the struct kparam_string (kernel_param.str). */
  address: bigint;
  /** The buffer's size, NUL included. */
  maxlen: number;
  buffer: bigint;
}

/** A struct kernel_param as it stands in loaded memory, with its type from the module file. */
export interface ResolvedParam {
  /** Address of this struct kernel_param. */
  address: bigint;
  name: string;
  /** The name's bytes: what parameq() compares. */
  nameBytes: Uint8Array;
  namePtr: bigint;
  mod: bigint;
  opsPtr: bigint;
  /** From the ops symbol in the file (param_ops_int → 'int'). */
  type: ParamType;
  ops: string | null;
  perm: number;
  level: number;
  flags: number;
  /** The union at +32: the variable for scalar types, the kparam_array / kparam_string otherwise. */
  arg: bigint;
  array?: ResolvedArray;
  string?: ResolvedString;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Read the relocated struct kernel_param at `kernelParamAddress` (and the kparam_array or
 * kparam_string it points at). The type comes from `entry` (the ops pointer is a kernel address
 * the module file named by symbol). The name is read through the relocated pointer; if that
 * memory is not modelled, the file's name is used. Throws (the memory's exception) if the struct
 * itself, or the kparam_array / kparam_string it points at, is unmapped.
 */
export function resolveParam(entry: ParamEntry, kernelParamAddress: bigint, mem: ParamMemory): ResolvedParam {
  const dv = view(mem.read(kernelParamAddress, KERNEL_PARAM_SIZE));
  const namePtr = dv.getBigUint64(0, true);
  let nameBytes: Uint8Array | null = null;
  if (namePtr !== 0n) {
    try {
      nameBytes = readCString(mem, namePtr);
    } catch {
      nameBytes = null;
    }
  }
  const nameFromFile = nameBytes === null;
  const p: ResolvedParam = {
    address: kernelParamAddress,
    name: nameFromFile ? entry.name : text(nameBytes ?? new Uint8Array(0)),
    nameBytes: nameBytes ?? cstr(entry.name),
    namePtr,
    mod: dv.getBigUint64(8, true),
    opsPtr: dv.getBigUint64(16, true),
    type: entry.type,
    ops: entry.ops,
    perm: dv.getUint16(24, true),
    level: dv.getInt8(26),
    flags: dv.getUint8(27),
    arg: dv.getBigUint64(32, true),
  };
  if (entry.type === 'array') {
    const a = view(mem.read(p.arg, KPARAM_ARRAY_SIZE));
    p.array = {
      address: p.arg,
      max: a.getUint32(0, true),
      elemsize: a.getUint32(4, true),
      num: a.getBigUint64(8, true),
      ops: a.getBigUint64(16, true),
      elem: a.getBigUint64(24, true),
      elementType: entry.array?.elementType ?? 'custom',
      elementOps: entry.array?.elementOps ?? null,
    };
  } else if (entry.type === 'string') {
    const s = view(mem.read(p.arg, KPARAM_STRING_SIZE));
    p.string = { address: p.arg, maxlen: s.getUint32(0, true), buffer: s.getBigUint64(8, true) };
  }
  return p;
}
