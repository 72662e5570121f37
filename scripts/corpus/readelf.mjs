// Parse the text of `readelf -S -s -r -W file...` (GNU binutils) into canonical per-item strings.
//
// Canonical forms (shared with canon-engine.mjs; hex numbers lower-case, no leading zeros):
//   section:    name|type|addr|off|size|entsize|flags|link|info|align        (link/info/align decimal)
//   symbol:     num|value|size|type|bind|vis|ndx|name                      (size decimal)
//   relocation: offset|info|type|symvalue|symname|addend                    (addend signed hex, e.g. -4)
// Relocations are grouped per relocation section, keyed by `${name}@${fileOffsetHex}`.

const KNOWN_SECTION_TYPES = [
  'SYMTAB SECTION INDICES',
  'NULL',
  'PROGBITS',
  'SYMTAB',
  'STRTAB',
  'RELA',
  'HASH',
  'DYNAMIC',
  'NOTE',
  'NOBITS',
  'REL',
  'SHLIB',
  'DYNSYM',
  'INIT_ARRAY',
  'FINI_ARRAY',
  'PREINIT_ARRAY',
  'GROUP',
  'RELR',
  'GNU_HASH',
  'VERDEF',
  'VERNEED',
  'VERSYM',
  'X86_64_UNWIND',
  'LLVM_ADDRSIG',
  'GNU_ATTRIBUTES',
].sort((a, b) => b.length - a.length);

export function stripHex(s) {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return i ? s.slice(i) : s;
}

const RE_SECTION = /^ +\[ *(\d+)\] (.*) ([0-9a-f]{16}) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) +([A-Za-z]*) +(\d+) +(\d+) +(\d+)$/;
const RE_SYMBOL = /^ *(\d+): ([0-9a-f]+) +(0x[0-9a-f]+|\d+) (\S+) +(\S+) +(\S+) +(\S+) (.*)$/;
const RE_SYMBOL0 = /^ *(\d+): ([0-9a-f]+) +(0x[0-9a-f]+|\d+) (\S+) +(\S+) +(\S+) +(\S+)$/;
const RE_RELA = /^([0-9a-f]{16})  ([0-9a-f]{16}) (.+?) +([0-9a-f]{16}) (.*) ([+-]) ([0-9a-f]+)$/;
const RE_REL_NOSYM = /^([0-9a-f]{16})  ([0-9a-f]{16}) (.+?) +([0-9a-f]+)$/;
const RE_REL_PLAIN = /^([0-9a-f]{16})  ([0-9a-f]{16}) (.+?) +([0-9a-f]{16}) (.*)$/; // REL (no addend)
const RE_RELSEC = /^Relocation section '(.*)' at offset 0x([0-9a-f]+) contains \d+ entr/;

function splitNameType(pre) {
  const t = pre.replace(/ +$/, '');
  for (const k of KNOWN_SECTION_TYPES) {
    if (t.endsWith(k) && (t.length === k.length || t.charCodeAt(t.length - k.length - 1) === 32)) {
      return [t.slice(0, t.length - k.length).replace(/ +$/, ''), k];
    }
  }
  const i = t.lastIndexOf(' ');
  return [i < 0 ? '' : t.slice(0, i).replace(/ +$/, ''), t.slice(i + 1)];
}

function signedAddendFromUnsignedHex(h) {
  const v = BigInt.asIntN(64, BigInt('0x' + h));
  return v < 0n ? '-' + (-v).toString(16) : v.toString(16);
}

const HEX16 = /^[0-9a-f]{16}$/;
/** Fast path for the common RELA line shape; null when the line needs the regexes. */
function fastRela(line) {
  if (line.length < 60 || line.charCodeAt(16) !== 32 || line.charCodeAt(17) !== 32) return null;
  const tEnd = line.indexOf(' ', 35);
  if (tEnd < 0) return null;
  let v = tEnd;
  while (line.charCodeAt(v) === 32) v++;
  const symval = line.slice(v, v + 16);
  if (line.charCodeAt(v + 16) !== 32 || !HEX16.test(symval)) return null;
  const plus = line.lastIndexOf(' + ');
  const minus = line.lastIndexOf(' - ');
  const at = plus > minus ? plus : minus;
  if (at < v + 16) return null;
  const name = line.slice(v + 17, at);
  const add = line.slice(at + 3);
  const fields = [stripHex(line.slice(0, 16)), stripHex(line.slice(18, 34)), line.slice(35, tEnd), stripHex(symval), name];
  return `${fields.join('|')}|${plus > minus ? '' : '-'}${stripHex(add)}`;
}

function newFile(path) {
  return { path, sections: [], symbols: [], relocs: new Map(), unparsed: [] };
}

/**
 * Parse readelf output. `files` is the list of paths given to readelf (used when it printed
 * no "File:" header, i.e. a single file). Returns Map path -> parsed.
 */
export function parseReadelf(text, files) {
  const out = new Map();
  let cur = files.length === 1 ? newFile(files[0]) : null;
  if (cur) out.set(cur.path, cur);
  let mode = 0; // 1 sections, 2 symbols, 3 relocations
  let rel = null;
  let symtabName = null;
  const lines = text.split('\n');
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    if (line.length === 0) continue;
    const c0 = line.charCodeAt(0);
    if (mode === 3 && ((c0 >= 48 && c0 <= 57) || (c0 >= 97 && c0 <= 102))) {
      const fast = fastRela(line);
      if (fast !== null) {
        rel.push(fast);
        continue;
      }
      let m = RE_RELA.exec(line);
      if (m) {
        rel.push(`${stripHex(m[1])}|${stripHex(m[2])}|${m[3]}|${stripHex(m[4])}|${m[5]}|${m[6] === '-' ? '-' : ''}${stripHex(m[7])}`);
        continue;
      }
      m = RE_REL_NOSYM.exec(line);
      if (m) {
        rel.push(`${stripHex(m[1])}|${stripHex(m[2])}|${m[3]}|||${signedAddendFromUnsignedHex(m[4])}`);
        continue;
      }
      m = RE_REL_PLAIN.exec(line);
      if (m) {
        rel.push(`${stripHex(m[1])}|${stripHex(m[2])}|${m[3]}|${stripHex(m[4])}|${m[5]}|0`);
        continue;
      }
      cur.unparsed.push(line);
      continue;
    }
    if (mode === 2 && c0 === 32) {
      let m = RE_SYMBOL.exec(line) || RE_SYMBOL0.exec(line);
      if (m) {
        const size = m[3].startsWith('0x') ? BigInt(m[3]).toString() : m[3];
        cur.symbols.push(`${m[1]}|${stripHex(m[2])}|${size}|${m[4]}|${m[5]}|${m[6]}|${m[7]}|${m[8] ?? ''}`);
        continue;
      }
      if (line.startsWith('   Num:')) continue;
    }
    if (mode === 1 && c0 === 32 && line.charCodeAt(2) === 91 /* [ */) {
      const m = RE_SECTION.exec(line);
      if (m) {
        const [name, type] = splitNameType(m[2]);
        cur.sections.push(`${name}|${type}|${stripHex(m[3])}|${stripHex(m[4])}|${stripHex(m[5])}|${stripHex(m[6])}|${m[7]}|${m[8]}|${m[9]}|${m[10]}`);
        continue;
      }
      if (line.startsWith('  [Nr]')) continue;
    }
    if (line.startsWith('File: ')) {
      cur = newFile(line.slice(6));
      out.set(cur.path, cur);
      mode = 0;
      continue;
    }
    if (line.startsWith('Section Headers:')) {
      mode = 1;
      continue;
    }
    if (line.startsWith('Symbol table ')) {
      mode = 2;
      symtabName = /'(.*)'/.exec(line)?.[1];
      if (symtabName !== '.symtab') mode = 0; // only .symtab is compared
      continue;
    }
    if (line.startsWith('Relocation section ')) {
      const m = RE_RELSEC.exec(line);
      mode = 3;
      rel = [];
      cur.relocs.set(`${m[1]}@${m[2]}`, rel);
      continue;
    }
    if (
      line.startsWith('    Offset ') ||
      line.startsWith('Key to Flags') ||
      line.startsWith('  W (write)') ||
      line.startsWith('  L (link') ||
      line.startsWith('  C (comp') ||
      line.startsWith('  D (mbind') ||
      line.startsWith('There are ') ||
      line.startsWith('There is no') ||
      line.startsWith('There are no')
    ) {
      if (!line.startsWith('    Offset ')) mode = line.startsWith('There are ') ? mode : 0;
      continue;
    }
    if (cur) cur.unparsed.push(line);
  }
  return out;
}
