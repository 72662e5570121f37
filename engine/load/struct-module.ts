/**
 * Offsets inside struct module for Debian's 6.1 build (from BTF in Debian's vmlinux, pahole -F btf;
 * see docs: init 0x138 and exit 0x350 agree with every module's .rela.gnu.linkonce.this_module).
 * The loader writes these fields into the final struct module, so the memory view shows them change.
 */
import type { LoadInfo } from './context';

export const STRUCT_MODULE = {
  state: 0,
  name: 24,
  init: 312,
  coreLayout: 320,
  initLayout: 400,
  taints: 504,
  args: 600,
  percpu: 608,
  percpuSize: 616,
  exit: 848,
  refcnt: 856,
} as const;

/** enum module_state values. */
export const MODULE_STATE = { LIVE: 0, COMING: 1, GOING: 2, UNFORMED: 3 } as const;

/** struct module_layout: base +0 (8), size +8, text_size +12, ro_size +16, ro_after_init_size +20 (u32 each). */
export function layoutBytes(base: bigint, size: number, text: number, ro: number, roAfterInit: number): Uint8Array {
  const b = new Uint8Array(24);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, base, true);
  dv.setUint32(8, size, true);
  dv.setUint32(12, text, true);
  dv.setUint32(16, ro, true);
  dv.setUint32(20, roAfterInit, true);
  return b;
}

export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

export function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v & 0xffffffffffffffffn, true);
  return b;
}

/** Byte ranges of struct module that load_module() itself writes (the rest is the linked image). */
export const KERNEL_WRITTEN_RANGES: readonly [number, number][] = [
  [STRUCT_MODULE.state, 4],
  [STRUCT_MODULE.coreLayout, 24],
  [STRUCT_MODULE.initLayout, 24],
  [STRUCT_MODULE.taints, 8],
  [STRUCT_MODULE.args, 8],
  [STRUCT_MODULE.refcnt, 4],
];

/** Write a field of the final struct module (in core memory), so the memory view shows it change. */
export function writeField(info: LoadInfo, offset: number, bytes: Uint8Array, what: string): void {
  const a = info.core;
  if (!a || !info.mod) return;
  const off = Number(info.mod.structModule - a.base) + offset;
  const size = info.elf.sections[info.index.mod].size;
  if (offset + bytes.length > size || off + bytes.length > a.size) return;
  info.k.memory.writeAt(a, off, bytes, info.rec.pos, `struct module: ${what}`);
}

/** A pointer field of the final struct module; null when it is NULL or outside this module's struct. */
export function readPtr(info: LoadInfo, offset: number): bigint | null {
  const a = info.core;
  if (!a || !info.mod) return null;
  const off = Number(info.mod.structModule - a.base) + offset;
  if (offset + 8 > info.elf.sections[info.index.mod].size) return null;
  const v = new DataView(a.bytes.buffer, a.bytes.byteOffset).getBigUint64(off, true);
  return v === 0n ? null : v;
}
