/**
 * `__param`: the module's struct kernel_param array (include/linux/moduleparam.h), as
 * find_module_sections() hands it to parse_args() via mod->kp. On x86-64 each entry is 40 bytes:
 * name +0, mod +8, ops +16, perm u16 +24, level s8 +26, flags u8 +27, arg/str/arr union +32.
 * Every pointer is zero in the file and filled by an R_X86_64_64 relocation in .rela__param.
 */
import { ElfError } from '../elf/errors';
import { hex } from '../base/hex';
import type { ElfFile } from '../elf/types';
import { dataView, findSection, type PatchReloc, relocsFor, relocString, relocSymbolName, relocTarget, sectionBytes } from './elf-access';
import type { ModinfoEntry, ParamArrayInfo, ParamEntry, ParamType } from './types';

/** The kernel_param_ops symbols defined in kernel/params.c and the type each one means. */
const OPS_TYPES: Record<string, ParamType> = {
  param_ops_byte: 'byte',
  param_ops_short: 'short',
  param_ops_ushort: 'ushort',
  param_ops_int: 'int',
  param_ops_uint: 'uint',
  param_ops_long: 'long',
  param_ops_ulong: 'ulong',
  param_ops_ullong: 'ullong',
  param_ops_hexint: 'hexint',
  param_ops_charp: 'charp',
  param_ops_bool: 'bool',
  param_ops_invbool: 'invbool',
  param_ops_bint: 'bint',
  param_ops_bool_enable_only: 'bool_enable_only',
  param_array_ops: 'array',
  param_ops_string: 'string',
};

export function paramTypeOfOps(ops: string | null): ParamType {
  return (ops !== null && OPS_TYPES[ops]) || 'custom';
}

interface Layout {
  ptr: number;
  size: number;
  name: number;
  ops: number;
  perm: number;
  level: number;
  flags: number;
  arg: number;
}
const LAYOUT64: Layout = { ptr: 8, size: 40, name: 0, ops: 16, perm: 24, level: 26, flags: 27, arg: 32 };
const LAYOUT32: Layout = { ptr: 4, size: 20, name: 0, ops: 8, perm: 12, level: 14, flags: 15, arg: 16 };

export function readParams(elf: ElfFile, modinfo: ModinfoEntry[]): ParamEntry[] {
  const sec = findSection(elf, '__param');
  if (!sec) return [];
  const L = elf.header.class === 64 ? LAYOUT64 : LAYOUT32;
  const b = sectionBytes(elf, sec);
  if (b.length % L.size !== 0) {
    throw new ElfError('BAD_MODULE_DATA', `__param is ${hex(b.length)} bytes, not a multiple of ${L.size}`, sec.offset, '__param');
  }
  const little = elf.header.endian === 'little';
  const dv = dataView(b);
  const relocs = relocsFor(elf, sec.index);
  const descs = new Map<string, string>();
  const types = new Map<string, string>();
  for (const e of modinfo) {
    const colon = e.value.indexOf(':');
    if (colon < 0) continue;
    const pname = e.value.slice(0, colon);
    if (e.key === 'parm' && !descs.has(pname)) descs.set(pname, e.value.slice(colon + 1));
    if (e.key === 'parmtype' && !types.has(pname)) types.set(pname, e.value.slice(colon + 1));
  }
  const out: ParamEntry[] = [];
  for (let o = 0; o < b.length; o += L.size) {
    const where = `__param[${o / L.size}]`;
    const name = relocString(elf, relocs.get(o + L.name), `${where}.name`) ?? '';
    const opsR = relocs.get(o + L.ops);
    const ops = opsR ? relocSymbolName(elf, opsR) : null;
    const argR = relocs.get(o + L.arg);
    const entry: ParamEntry = {
      name,
      type: paramTypeOfOps(ops),
      ops,
      perm: dv.getUint16(o + L.perm, little),
      level: dv.getInt8(o + L.level),
      flags: dv.getUint8(o + L.flags),
      variable: argR ? relocSymbolName(elf, argR) : null,
      description: descs.get(name) ?? '',
      modinfoType: types.get(name) ?? null,
      offset: sec.offset + o,
    };
    if (entry.type === 'array' && argR) entry.array = readArray(elf, argR, L, `${where}.arr`);
    if (entry.type === 'string' && argR) {
      const s = structAt(elf, argR, 4, `${where}.str`);
      if (s) entry.stringMaxLen = s.dv.getUint32(s.at, little);
    }
    out.push(entry);
  }
  return out;
}

/** The bytes of the struct a relocation points at, with the relocations that patch it. */
function structAt(elf: ElfFile, r: PatchReloc, size: number, what: string): { dv: DataView; at: number; relocs: Map<number, PatchReloc> } | null {
  const t = relocTarget(r);
  if (t?.kind !== 'section') return null;
  const sec = elf.sections[t.sectionIndex];
  if (!sec) return null;
  if (t.offset < 0 || t.offset + size > sec.size) {
    throw new ElfError('BAD_MODULE_DATA', `${what}: ${size} bytes at ${hex(t.offset)} run past the end of ${sec.name}`, sec.offset, what);
  }
  const all = relocsFor(elf, sec.index);
  const relocs = new Map<number, PatchReloc>();
  for (const [off, rr] of all) if (off >= t.offset && off < t.offset + size) relocs.set(off - t.offset, rr);
  return { dv: dataView(sectionBytes(elf, sec)), at: t.offset, relocs };
}

/** struct kparam_array { unsigned int max; unsigned int elemsize; unsigned int *num; const struct kernel_param_ops *ops; void *elem; } */
function readArray(elf: ElfFile, argR: PatchReloc, L: Layout, what: string): ParamArrayInfo | undefined {
  const numOff = 8;
  const opsOff = numOff + L.ptr;
  const elemOff = opsOff + L.ptr;
  const s = structAt(elf, argR, elemOff + L.ptr, what);
  if (!s) return undefined;
  const little = elf.header.endian === 'little';
  const opsR = s.relocs.get(opsOff);
  const numR = s.relocs.get(numOff);
  const elemR = s.relocs.get(elemOff);
  const elementOps = opsR ? relocSymbolName(elf, opsR) : null;
  return {
    max: s.dv.getUint32(s.at, little),
    elemsize: s.dv.getUint32(s.at + 4, little),
    elementType: paramTypeOfOps(elementOps),
    elementOps,
    numVariable: numR ? relocSymbolName(elf, numR) : null,
    elemVariable: elemR ? relocSymbolName(elf, elemR) : null,
  };
}
