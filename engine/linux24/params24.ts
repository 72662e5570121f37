/**
 * modutils 2.4's process_module_arguments() (insmod/insmod.c) for an object without
 * "kernel_version" in .modinfo (m_has_modinfo = 0, as for every .ko): no parm_<name> formats, so a
 * value starting with a digit is an int ("i", 4 bytes each, comma-separated, strtoul base 0) and
 * anything else a string ("s": a char * string-patched to a copy in .kstrtab after relocation).
 * Values are written straight into the section contents, before relocation.
 */
import { SHN_LORESERVE, SHN_UNDEF } from '../elf/constants';
import type { ParamType } from '../kmod/types';

export interface ParamWrite {
  param: string;
  section: number;
  offset: number;
  /** Bytes written in place ("i"), or null for a string patch. */
  bytes: Uint8Array | null;
  /** The string to put in .kstrtab and point at ("s"). */
  str: string | null;
}

export interface ParamSymbol {
  name: string;
  /** Section index (0 = undefined, ≥ 0xff00 = special). */
  shndx: number;
  value: number;
}

/** strtoul(s, &end, 0) on a prefix: the value (mod 2^32 as C truncates to int) and the length consumed. */
function strtoul(s: string): { v: number; n: number } {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return { v: 0, n: 0 };
  let v =
    m[2].startsWith('0x') || m[2].startsWith('0X')
      ? BigInt(m[2])
      : m[2].startsWith('0') && m[2].length > 1
        ? BigInt('0o' + m[2].slice(1))
        : BigInt(m[2]);
  if (m[1] === '-') v = -v;
  return { v: Number(BigInt.asUintN(32, v)), n: m[0].length };
}

/** One name=value: the writes, or insmod's error text. */
export function processArgument(arg: string, find: (name: string) => ParamSymbol | null): { writes: ParamWrite[] } | { error: string } {
  const eq = arg.indexOf('=');
  if (eq < 0) return { writes: [] };
  const key = arg.slice(0, eq);
  let input = arg.slice(eq + 1);
  const fmt = /^[0-9]/.test(input) ? 'i' : 's';
  const sym = find(key);
  // "Also check that the parameter was not resolved from the kernel."
  if (!sym || sym.shndx === SHN_UNDEF || sym.shndx >= SHN_LORESERVE) return { error: `symbol for parameter ${key} not found` };
  const writes: ParamWrite[] = [];
  let loc = sym.value;
  while (input.length) {
    if (fmt === 's') {
      let str: string;
      if (input.startsWith('"')) {
        const end = input.indexOf('"', 1);
        if (end < 0) return { error: `improperly terminated string argument for ${key}` };
        str = input.slice(1, end);
        input = input.slice(end + 1);
      } else {
        const c = input.indexOf(',');
        str = c < 0 ? input : input.slice(0, c);
        input = c < 0 ? '' : input.slice(c);
      }
      writes.push({ param: key, section: sym.shndx, offset: loc, bytes: null, str });
      loc += 8;
    } else {
      const { v, n } = strtoul(input);
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, v, true);
      writes.push({ param: key, section: sym.shndx, offset: loc, bytes: b, str: null });
      loc += 4;
      input = input.slice(n);
    }
    input = input.replace(/^\s+/, '');
    if (!input.length) break;
    if (input[0] === ',') input = input.slice(1);
    else return { error: `invalid argument syntax for ${key}: '${input[0]}'` };
  }
  return { writes };
}

/** Bytes a module_param of this type occupies (what the 6.1 kernel's setter writes), for the caption. */
export function paramWidth(t: ParamType): number | null {
  switch (t) {
    case 'byte':
    case 'bool':
    case 'invbool':
      return 1;
    case 'short':
    case 'ushort':
      return 2;
    case 'int':
    case 'uint':
    case 'hexint':
    case 'bint':
      return 4;
    case 'long':
    case 'ulong':
    case 'ullong':
    case 'charp':
      return 8;
    default:
      return null;
  }
}
