/**
 * Linux 2.4's struct module (include/linux/module.h, 2.4.21–2.4.27) on x86-64: the header insmod
 * puts at the start of the image it hands to init_module(). Every pointer and long is 8 bytes;
 * nsyms/ndeps are unsigned ints; runsize is an int (padded). sizeof = 184.
 */

/** Byte offsets of the fields on x86-64. */
export const M24 = {
  sizeOfStruct: 0,
  next: 8,
  name: 16,
  size: 24,
  usecount: 32,
  flags: 40,
  nsyms: 48,
  ndeps: 52,
  syms: 56,
  deps: 64,
  refs: 72,
  init: 80,
  cleanup: 88,
  exTableStart: 96,
  exTableEnd: 104,
  persistStart: 112,
  persistEnd: 120,
  canUnload: 128,
  runsize: 136,
  kallsymsStart: 144,
  kallsymsEnd: 152,
  archdataStart: 160,
  archdataEnd: 168,
  kernelData: 176,
} as const;

export const SIZEOF_MODULE24 = 184;
/** sizeof(struct module_symbol { unsigned long value; const char *name; }). */
export const SIZEOF_MODULE_SYMBOL = 16;
/** sizeof(struct module_ref { struct module *dep, *ref; struct module_ref *next_ref; }). */
export const SIZEOF_MODULE_REF = 24;

export const MOD_UNINITIALIZED = 0;
export const MOD_RUNNING = 1;
export const MOD_DELETED = 2;
export const MOD_AUTOCLEAN = 4;
export const MOD_VISITED = 8;
export const MOD_USED_ONCE = 16;
export const MOD_JUST_FREED = 32;
export const MOD_INITIALIZING = 64;

export const QM_MODULES = 1;
export const QM_DEPS = 2;
export const QM_REFS = 3;
export const QM_SYMBOLS = 4;
export const QM_INFO = 5;

/** The flags as words, e.g. "RUNNING|AUTOCLEAN" ("UNINITIALIZED" for 0). */
export function flagNames(flags: number): string {
  const names: [number, string][] = [
    [MOD_RUNNING, 'RUNNING'],
    [MOD_DELETED, 'DELETED'],
    [MOD_AUTOCLEAN, 'AUTOCLEAN'],
    [MOD_VISITED, 'VISITED'],
    [MOD_USED_ONCE, 'USED_ONCE'],
    [MOD_JUST_FREED, 'JUST_FREED'],
    [MOD_INITIALIZING, 'INITIALIZING'],
  ];
  const out = names.filter(([b]) => flags & b).map(([, n]) => n);
  return out.length ? out.join('|') : 'UNINITIALIZED';
}

export function putU64(b: Uint8Array, off: number, v: bigint): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setBigUint64(off, BigInt.asUintN(64, v), true);
}

export function putU32(b: Uint8Array, off: number, v: number): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(off, v >>> 0, true);
}

export function getU64(b: Uint8Array, off: number): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(off, true);
}

export function getU32(b: Uint8Array, off: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, true);
}
