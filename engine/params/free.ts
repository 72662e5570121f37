/**
 * destroy_params() (kernel/params.c), called when a module is freed or its load fails after
 * parsing: each ops->free. Only charp (param_free_charp) and arrays of charp (param_array_free)
 * have one; both go through maybe_kfree_parameter(), so initial .rodata values are left alone.
 */
import type { KmallocedParams } from './kmalloced';
import type { ParamMemory, ResolvedParam } from './memory';

function readU64(mem: ParamMemory, address: bigint): bigint {
  const b = mem.read(address, 8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

function readU32(mem: ParamMemory, address: bigint): number {
  const b = mem.read(address, 4);
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
}

/** Returns the addresses freed. */
export function destroyParams(params: readonly ResolvedParam[], mem: ParamMemory, kmalloced: KmallocedParams): bigint[] {
  const freed: bigint[] = [];
  const freeCharp = (at: bigint): void => {
    const v = readU64(mem, at);
    if (kmalloced.maybeFree(mem, v)) freed.push(v);
  };
  for (const p of params) {
    if (p.type === 'charp') freeCharp(p.arg);
    else if (p.type === 'array' && p.array?.elementType === 'charp') {
      const a = p.array;
      // param_array_free(): arr->num ? *arr->num : arr->max elements.
      const n = a.num !== 0n ? readU32(mem, a.num) : a.max;
      for (let i = 0; i < n; i++) freeCharp(a.elem + BigInt(a.elemsize) * BigInt(i));
    }
  }
  return freed;
}
