/**
 * Lays out module parameters in a SimpleParamMemory the way a loaded module has them: names,
 * variables, struct kparam_array / kparam_string and the __param array of struct kernel_param,
 * then resolves them. For tests, and for demos that have no loaded module.
 */
import type { ParamEntry, ParamType } from '../kmod/types';
import { cstr } from './cstr';
import { KERNEL_PARAM_SIZE, KPARAM_ARRAY_SIZE, KPARAM_STRING_SIZE, resolveParam, type ResolvedParam } from './memory';
import { STANDARD_OPS } from './ops';
import type { SimpleParamMemory } from './simple-memory';
import { intBytes } from './set';

export interface ParamDecl {
  name: string;
  type: ParamType;
  perm?: number;
  level?: number;
  flags?: number;
  /** Initial bytes of the variable (scalar types) or buffer (string). */
  init?: Uint8Array;
  /** Initial charp value: a string placed in "rodata" (not kmalloc'd). */
  initString?: string;
  array?: { max: number; elementType: ParamType; withNum?: boolean; init?: Uint8Array };
  /** module_param_string's buffer size. */
  stringMaxlen?: number;
}

export interface BuiltParams {
  params: ResolvedParam[];
  entries: ParamEntry[];
  /** Variable (or array elements / string buffer) address by parameter name. */
  vars: Map<string, bigint>;
  /** The count variable of arrays declared withNum. */
  nums: Map<string, bigint>;
}

const SIZES: Partial<Record<ParamType, number>> = Object.fromEntries(
  Object.entries(STANDARD_OPS)
    .filter(([, o]) => o.size !== null)
    .map(([t, o]) => [t, o.size as number]),
);

export function buildParams(mem: SimpleParamMemory, decls: readonly ParamDecl[], base = 0xffffffffc0a00000n, size = 0x10000): BuiltParams {
  const region = new Uint8Array(size);
  mem.map(base, region, 'module data');
  let top = 0;
  const place = (bytes: Uint8Array, align = 8): bigint => {
    top = (top + align - 1) & ~(align - 1);
    region.set(bytes, top);
    const at = base + BigInt(top);
    top += bytes.length;
    return at;
  };
  const z = (n: number): Uint8Array => new Uint8Array(n);
  const out: BuiltParams = { params: [], entries: [], vars: new Map(), nums: new Map() };
  const kpAddrs: bigint[] = [];
  const structs: Uint8Array[] = [];
  for (const d of decls) {
    const namePtr = place(Uint8Array.from([...cstr(d.name), 0]), 1);
    let arg: bigint;
    const entry: ParamEntry = {
      name: d.name,
      type: d.type,
      ops: d.type === 'custom' ? 'param_ops_custom' : STANDARD_OPS[d.type].symbol,
      perm: d.perm ?? 0o644,
      level: d.level ?? -1,
      flags: d.flags ?? 0,
      variable: d.name,
      description: '',
      modinfoType: null,
      offset: 0,
    };
    if (d.type === 'array' && d.array) {
      const esize = SIZES[d.array.elementType] ?? 8;
      const elemBytes = z(esize * d.array.max);
      if (d.array.init) elemBytes.set(d.array.init);
      const elem = place(elemBytes);
      const num = d.array.withNum ? place(z(4), 4) : 0n;
      const arr = new Uint8Array(KPARAM_ARRAY_SIZE);
      arr.set(intBytes(BigInt(d.array.max), 4), 0);
      arr.set(intBytes(BigInt(esize), 4), 4);
      arr.set(intBytes(num, 8), 8);
      arr.set(intBytes(0xffffffff82000000n, 8), 16);
      arr.set(intBytes(elem, 8), 24);
      arg = place(arr);
      out.vars.set(d.name, elem);
      if (num) out.nums.set(d.name, num);
      entry.array = {
        max: d.array.max,
        elemsize: esize,
        elementType: d.array.elementType,
        elementOps: STANDARD_OPS[d.array.elementType as Exclude<ParamType, 'custom'>]?.symbol ?? null,
        numVariable: null,
        elemVariable: null,
      };
    } else if (d.type === 'string') {
      const maxlen = d.stringMaxlen ?? 16;
      const buf = z(maxlen);
      if (d.init) buf.set(d.init);
      const buffer = place(buf);
      const s = new Uint8Array(KPARAM_STRING_SIZE);
      s.set(intBytes(BigInt(maxlen), 4), 0);
      s.set(intBytes(buffer, 8), 8);
      arg = place(s);
      out.vars.set(d.name, buffer);
      entry.stringMaxLen = maxlen;
    } else {
      const bytes = z(SIZES[d.type] ?? 8);
      if (d.init) bytes.set(d.init);
      if (d.initString !== undefined) bytes.set(intBytes(place(Uint8Array.from([...cstr(d.initString), 0]), 1), 8));
      arg = place(bytes);
      out.vars.set(d.name, arg);
    }
    const kp = new Uint8Array(KERNEL_PARAM_SIZE);
    kp.set(intBytes(namePtr, 8), 0);
    kp.set(intBytes(0xffffffffc0b00000n, 8), 8); // __this_module
    kp.set(intBytes(0xffffffff82001000n, 8), 16); // ops
    kp.set(intBytes(BigInt(entry.perm), 2), 24);
    kp.set(intBytes(BigInt(entry.level), 1), 26);
    kp.set(intBytes(BigInt(entry.flags), 1), 27);
    kp.set(intBytes(arg, 8), 32);
    structs.push(kp);
    out.entries.push(entry);
  }
  // __param: the structs contiguous, as the section is.
  for (const kp of structs) kpAddrs.push(place(kp));
  out.params = out.entries.map((e, i) => resolveParam(e, kpAddrs[i], mem));
  return out;
}
