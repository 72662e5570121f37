/**
 * What if…? Mutations of a module image, each a new image in memory (the file is never touched): the
 * kind of damage load_module() (kernel/module/main.c, 6.1) has a check for. Every mutation says in
 * words what it changed and at which file offset, so the answer can point at the bytes.
 */
import { hex } from '../base/hex';
import type { ElfFile, ElfSection } from '../elf/types';
import { findSection } from '../kmod/elf-access';
import { readModinfo } from '../kmod/modinfo';
import { readVersions } from '../kmod/versions';
import { errnoByName } from '../load/errno';
import { utf8Bytes } from '../base/utf8';
import { bad, parts, sectionHeaderAt, writeUint } from './elf-edit';
import { parseInitValue, patchInitReturn } from './init-return';
import { unexportSymbol } from './unexport';

export type Mutation =
  | { kind: 'crc'; symbol: string }
  | { kind: 'drop-version'; symbol: string }
  | { kind: 'vermagic'; value: string }
  | { kind: 'licence'; value: string }
  | { kind: 'signature'; how: 'strip' | 'corrupt' }
  | { kind: 'byte'; offset: number; value: number }
  | { kind: 'field'; name: string; value: number }
  | { kind: 'param'; assignment: string }
  | { kind: 'init'; value: number }
  | { kind: 'unexport'; symbol: string }
  | { kind: 'without'; module: string }
  | { kind: 'chain'; steps: Mutation[] };

export interface Mutated {
  image: Uint8Array;
  /** Extra module arguments the mutation adds (param:NAME=VALUE). */
  args: string[];
  /** --with modules the what-if loads without (without:NAME), as module names ('-' read as '_'). */
  without: string[];
  /** What was changed, in words, with the file offset. */
  change: string;
  offset: number | null;
}

/** The ELF64 header fields elf_validity_check() reads, by name: [file offset, width in bytes]. */
export const HEADER_FIELDS: Readonly<Record<string, readonly [number, 1 | 2 | 4 | 8]>> = {
  'e_ident[EI_MAG0]': [0, 1],
  'e_ident[EI_CLASS]': [4, 1],
  'e_ident[EI_DATA]': [5, 1],
  'e_ident[EI_VERSION]': [6, 1],
  e_type: [0x10, 2],
  e_machine: [0x12, 2],
  e_version: [0x14, 4],
  e_shoff: [0x28, 8],
  e_ehsize: [0x34, 2],
  e_shentsize: [0x3a, 2],
  e_shnum: [0x3c, 2],
  e_shstrndx: [0x3e, 2],
};

/** The Elf64_Shdr fields elf_validity_check() and the loader read, by name: [offset in the header, width]. */
export const SECTION_FIELDS: Readonly<Record<string, readonly [number, 4 | 8]>> = {
  sh_name: [0, 4],
  sh_type: [4, 4],
  sh_flags: [8, 8],
  sh_addr: [0x10, 8],
  sh_offset: [0x18, 8],
  sh_size: [0x20, 8],
  sh_link: [0x28, 4],
  sh_info: [0x2c, 4],
  sh_addralign: [0x30, 8],
  sh_entsize: [0x38, 8],
};

/** Every mutation kind parseMutation() knows (licence also spelt license). */
export const MUTATION_KINDS = [
  'crc',
  'drop-version',
  'vermagic',
  'licence',
  'unexport',
  'without',
  'signature',
  'byte',
  'field',
  'param',
  'init',
] as const;

/** The mutation names `modscope whatif --list` prints, with what each does. */
export const MUTATION_HELP: readonly (readonly [string, string])[] = [
  ['crc:SYMBOL', "flip the __versions CRC of an import: check_version() → 'disagrees about version of symbol', -EINVAL"],
  ['drop-version:SYMBOL', "remove an import's __versions entry: Debian refuses it ('no symbol version for'), -EINVAL"],
  ['vermagic:STRING', "replace .modinfo vermagic: same_magic() skips the release (modversions) but not the flags: 'version magic', -ENOEXEC"],
  ['licence:STRING', "replace .modinfo license (e.g. Proprietary): taints P, GPL-only imports become 'Unknown symbol'"],
  ['unexport:SYMBOL', "drop a provider's EXPORT_SYMBOL (the loaded module or a --with one): its users get 'Unknown symbol', -ENOENT"],
  ['without:MODULE', 'load without that --with module (a consumer without its provider): Unknown symbol, -ENOENT'],
  ['signature:strip|corrupt', 'remove the appended signature (loads, taints E), or damage it (-EKEYREJECTED)'],
  ['byte:OFFSET=VALUE', 'set one byte of the file (e.g. byte:0x40=0x90); a signed module is then refused, -EKEYREJECTED'],
  ['field:NAME=VALUE', `set an ELF header field (${Object.keys(HEADER_FIELDS).join(', ')})`],
  ['field:SECTION.sh_X=VALUE', 'set a section header field (.symtab.sh_link=0, 0.sh_type=1; sh_name … sh_entsize): elf_validity_check()'],
  ['param:NAME=VALUE', 'load with this parameter value (malformed or out of range): parse_args() refuses, -EINVAL…'],
  ['init:VALUE', 'patch init to return VALUE (-ENODEV, -19, 0, 5): < 0 fails the load with it, > 0 warns and loads; strips the signature'],
  ['A+B', 'apply A then B (e.g. signature:strip+crc:fat_attach on a signed Debian module)'],
];

function parseNumber(text: string, what: string): number {
  const v = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v)) bad(`${what} "${text}" is not a number (decimal or 0x…)`);
  return v;
}

/** Parse `crc:_printk`, `vermagic:…`, `field:e_machine=3` … into a Mutation (a typed error otherwise). */
export function parseMutation(text: string): Mutation {
  // A+B: split where a known kind follows a '+' (a vermagic or licence value may hold a '+' itself).
  const steps = text.split(new RegExp(`\\+(?=(?:${MUTATION_KINDS.join('|')}|license):)`));
  if (steps.length > 1) return { kind: 'chain', steps: steps.map(parseOne) };
  return parseOne(text);
}

function parseOne(text: string): Mutation {
  const colon = text.indexOf(':');
  if (colon < 0) bad(`"${text}" is not KIND:ARGUMENT (see --list)`);
  const kind = text.slice(0, colon);
  const arg = text.slice(colon + 1);
  const assign = (): [string, string] => {
    const eq = arg.indexOf('=');
    if (eq <= 0) bad(`${kind} needs NAME=VALUE, got "${arg}"`);
    return [arg.slice(0, eq), arg.slice(eq + 1)];
  };
  switch (kind) {
    case 'crc':
    case 'drop-version':
      if (!arg) bad(`${kind} needs a symbol name`);
      return { kind, symbol: arg };
    case 'vermagic':
      return { kind, value: arg };
    case 'licence':
    case 'license':
      if (!arg) bad('licence needs a value, e.g. licence:Proprietary');
      return { kind: 'licence', value: arg };
    case 'signature':
      if (arg !== 'strip' && arg !== 'corrupt') bad(`signature is strip or corrupt, got "${arg}"`);
      return { kind, how: arg };
    case 'byte': {
      const [o, v] = assign();
      const value = parseNumber(v, 'byte value');
      if (value < 0 || value > 255) bad(`byte value ${v} is not 0..255`);
      return { kind, offset: parseNumber(o, 'offset'), value };
    }
    case 'field': {
      const [name, v] = assign();
      const sh = /^(.+)\.(sh_\w+)$/.exec(name);
      if (sh && !(sh[2] in SECTION_FIELDS)) bad(`unknown section header field "${sh[2]}" (${Object.keys(SECTION_FIELDS).join(', ')})`);
      if (!sh && !(name in HEADER_FIELDS))
        bad(`unknown field "${name}" (${Object.keys(HEADER_FIELDS).join(', ')}, or SECTION.sh_FIELD: ${Object.keys(SECTION_FIELDS).join(', ')})`);
      return { kind, name, value: parseNumber(v, name) };
    }
    case 'param':
      assign();
      return { kind, assignment: arg };
    case 'init':
      return { kind, value: parseInitValue(arg, errnoByName) };
    case 'unexport':
      if (!arg) bad('unexport needs a symbol name');
      return { kind, symbol: arg };
    case 'without':
      if (!arg) bad('without needs a module name (one of the --with modules)');
      return { kind, module: arg.replace(/\.ko$/, '').replace(/-/g, '_') };
    default:
      return bad(`unknown mutation "${kind}" (see --list)`);
  }
}

/**
 * Put `bytes` in place of a section's contents: in place when they fit (the rest NUL-filled, which
 * get_next_modinfo() skips), else appended after the ELF data with sh_offset and sh_size rewritten.
 */
function replaceSection(image: Uint8Array, sectionName: string, bytes: Uint8Array): { image: Uint8Array; offset: number } {
  const { elf, elfBytes, trailer } = parts(image);
  const sec = findSection(elf, sectionName) ?? bad(`the module has no ${sectionName} section`);
  if (bytes.length <= sec.size) {
    const out = image.slice();
    out.fill(0, sec.offset, sec.offset + sec.size);
    out.set(bytes, sec.offset);
    return { image: out, offset: sec.offset };
  }
  const at = (elfBytes.length + 7) & ~7;
  const out = new Uint8Array(at + bytes.length + trailer.length);
  out.set(elfBytes);
  out.set(bytes, at);
  out.set(trailer, at + bytes.length);
  writeUint(out, sectionHeaderAt(elf, sec) + 0x18, 8, at);
  writeUint(out, sectionHeaderAt(elf, sec) + 0x20, 8, bytes.length);
  return { image: out, offset: at };
}

function modinfoWith(elf: ElfFile, key: string, value: string): Uint8Array {
  const entries = readModinfo(elf);
  if (!entries.some((e) => e.key === key)) entries.push({ key, value: '', offset: 0 });
  return utf8Bytes(entries.map((e) => `${e.key}=${e.key === key ? value : e.value}\0`).join(''));
}

function versionsEntry(elf: ElfFile, sec: ElfSection, symbol: string): number {
  const all = readVersions(elf);
  const i = all.findIndex((v) => v.name === symbol);
  if (i < 0) bad(`${symbol} has no __versions entry (entries: ${all.map((v) => v.name).join(', ')})`);
  return sec.offset + i * 64;
}

/** Apply one mutation to a module image. */
export function mutate(image: Uint8Array, m: Mutation): Mutated {
  switch (m.kind) {
    case 'crc': {
      const { elf } = parts(image);
      const sec = findSection(elf, '__versions') ?? bad('the module has no __versions section (built without modversions)');
      const at = versionsEntry(elf, sec, m.symbol);
      const out = image.slice();
      // Flip every bit of the low 32: a CRC no exporter has.
      for (let i = 0; i < 4; i++) out[at + i] ^= 0xff;
      return { image: out, args: [], without: [], change: `__versions CRC of ${m.symbol} at file offset ${hex(at)} flipped`, offset: at };
    }
    case 'drop-version': {
      const { elf } = parts(image);
      const sec = findSection(elf, '__versions') ?? bad('the module has no __versions section');
      const at = versionsEntry(elf, sec, m.symbol);
      const out = image.slice();
      // Later entries move up one; the section is one struct modversion_info shorter.
      out.copyWithin(at, at + 64, sec.offset + sec.size);
      out.fill(0, sec.offset + sec.size - 64, sec.offset + sec.size);
      writeUint(out, sectionHeaderAt(elf, sec) + 0x20, 8, sec.size - 64);
      return { image: out, args: [], without: [], change: `__versions entry of ${m.symbol} (file offset ${hex(at)}) removed`, offset: at };
    }
    case 'vermagic':
    case 'licence': {
      const key = m.kind === 'vermagic' ? 'vermagic' : 'license';
      const { elf } = parts(image);
      const r = replaceSection(image, '.modinfo', modinfoWith(elf, key, m.value));
      return {
        image: r.image,
        args: [],
        without: [],
        change: `.modinfo ${key}="${m.value}" (section at file offset ${hex(r.offset)})`,
        offset: r.offset,
      };
    }
    case 'signature': {
      const { elfBytes, trailer } = parts(image);
      if (trailer.length === 0) bad('the module has no appended signature');
      if (m.how === 'strip') {
        return {
          image: elfBytes.slice(),
          args: [],
          without: [],
          change: `appended signature (${trailer.length} bytes) removed`,
          offset: elfBytes.length,
        };
      }
      const out = image.slice();
      // A byte inside the PKCS#7 blob, well before struct module_signature and the marker string.
      const at = elfBytes.length + Math.floor((trailer.length - 40) / 2);
      out[at] ^= 0xff;
      return { image: out, args: [], without: [], change: `signature byte at file offset ${hex(at)} flipped`, offset: at };
    }
    case 'byte': {
      if (m.offset < 0 || m.offset >= image.length) bad(`offset ${hex(m.offset)} is outside the file (${image.length} bytes)`);
      const out = image.slice();
      const was = out[m.offset];
      out[m.offset] = m.value;
      return { image: out, args: [], without: [], change: `byte at file offset ${hex(m.offset)}: ${hex(was)} → ${hex(m.value)}`, offset: m.offset };
    }
    case 'field': {
      const sh = /^(.+)\.(sh_\w+)$/.exec(m.name);
      let offset: number;
      let width: 1 | 2 | 4 | 8;
      let what: string;
      if (sh) {
        // A section header field: the section by name (.symtab) or by index (0).
        const { elf } = parts(image);
        const sec = /^\d+$/.test(sh[1]) ? elf.sections[Number(sh[1])] : findSection(elf, sh[1]);
        if (!sec) bad(`the module has no section ${sh[1]} (${elf.sections.length} sections)`);
        const [at, w] = SECTION_FIELDS[sh[2]];
        offset = sectionHeaderAt(elf, sec) + at;
        width = w;
        what = `section header ${sh[2]} of section ${sec.index} (${sec.name || 'the null section'})`;
      } else {
        [offset, width] = HEADER_FIELDS[m.name];
        what = `ELF header ${m.name}`;
      }
      const out = image.slice();
      writeUint(out, offset, width, m.value);
      return { image: out, args: [], without: [], change: `${what} (file offset ${hex(offset)}, ${width} bytes) set to ${hex(m.value)}`, offset };
    }
    case 'param':
      return { image, args: [m.assignment], without: [], change: `loaded with ${m.assignment}`, offset: null };
    case 'init': {
      const r = patchInitReturn(image, m.value);
      return { image: r.image, args: [], without: [], change: r.change, offset: r.offset };
    }
    case 'unexport': {
      const r = unexportSymbol(image, m.symbol);
      return { image: r.image, args: [], without: [], change: r.change, offset: r.offset };
    }
    case 'without':
      return { image, args: [], without: [m.module], change: `loaded without ${m.module}`, offset: null };
    case 'chain': {
      let acc: Mutated = { image, args: [], without: [], change: '', offset: null };
      for (const step of m.steps) {
        const r = mutate(acc.image, step);
        acc = {
          image: r.image,
          args: [...acc.args, ...r.args],
          without: [...acc.without, ...r.without],
          change: acc.change ? `${acc.change}; then ${r.change}` : r.change,
          offset: r.offset ?? acc.offset,
        };
      }
      return acc;
    }
  }
}
