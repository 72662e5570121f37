#!/usr/bin/env node
/**
 * The vector (SSE/MMX/AVX) instruction forms that the corpus's init and exit code can reach inside its own
 * module: from .init.text/.exit.text, the closure over relocations — a function a reached function calls or
 * takes the address of, and the functions a data object it references points to (xor.ko's
 * xor_block_template, raid6_pq's raid6_calls table) — decoded with iced-x86. An over-approximation of what
 * runs (it does not know which branch is taken, e.g. boot_cpu_has(X86_FEATURE_AVX2) on qemu64).
 *
 *   node scripts/cpu/reachable-forms.mjs [corpus-kernel-dir] > /tmp/reachable-vector-forms.txt
 *
 * Prints form|mnemonic|count|modules (up to 4)|example encodings, most frequent first.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Code, Decoder, DecoderOptions, Mnemonic, OpKind, Register, RegisterExt } from 'iced-x86';

const root =
  process.argv.find((a, i) => i > 1 && !a.startsWith('--')) ??
  join(process.env.HOME ?? '/root', '.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel');

function* walk(dir) {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (e.endsWith('.ko')) yield p;
  }
}

function parse(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint32(0) !== 0x7f454c46 || buf[4] !== 2) return null;
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shnum = dv.getUint16(0x3c, true);
  const shstrndx = dv.getUint16(0x3e, true);
  const sh = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * 64;
    sh.push({
      name: dv.getUint32(o, true),
      type: dv.getUint32(o + 4, true),
      flags: Number(dv.getBigUint64(o + 8, true)),
      offset: Number(dv.getBigUint64(o + 0x18, true)),
      size: Number(dv.getBigUint64(o + 0x20, true)),
      link: dv.getUint32(o + 0x28, true),
      info: dv.getUint32(o + 0x2c, true),
    });
  }
  const str = (tab, n) => {
    let s = '';
    for (let i = tab.offset + n; buf[i]; i++) s += String.fromCharCode(buf[i]);
    return s;
  };
  for (const s of sh) s.nm = str(sh[shstrndx], s.name);
  const symtab = sh.find((s) => s.type === 2);
  const syms = [];
  if (symtab)
    for (let o = symtab.offset; o < symtab.offset + symtab.size; o += 24)
      syms.push({
        info: buf[o + 4],
        shndx: dv.getUint16(o + 6, true),
        value: Number(dv.getBigUint64(o + 8, true)),
        size: Number(dv.getBigUint64(o + 16, true)),
      });
  const relocs = new Map(); // section index -> [{offset, sym, addend}]
  for (const s of sh) {
    if (s.type !== 4) continue;
    const list = [];
    for (let o = s.offset; o < s.offset + s.size; o += 24)
      list.push({
        offset: Number(dv.getBigUint64(o, true)),
        sym: Number(dv.getBigUint64(o + 8, true) >> 32n),
        addend: Number(dv.getBigInt64(o + 16, true)),
      });
    relocs.set(s.info, list);
  }
  return { sh, syms, relocs };
}

const VEC = /^(XMM|YMM|ZMM|MM|K)\d+$/;
function isVector(ins) {
  for (let i = 0; i < ins.opCount; i++) if (ins.opKind(i) === OpKind.Register && VEC.test(Register[ins.opRegister(i)])) return true;
  return false;
}
function shape(ins) {
  const ops = [];
  for (let i = 0; i < ins.opCount; i++) {
    const k = ins.opKind(i);
    if (k === OpKind.Register) ops.push(RegisterExt.isGPR(ins.opRegister(i)) ? 'r' : Register[ins.opRegister(i)].replace(/\d+$/, '').toLowerCase());
    else if (k === OpKind.Memory) ops.push(ins.isIpRelMemoryOperand ? 'm:rip' : 'm');
    else ops.push('i');
  }
  return `${Code[ins.code]} ${ops.join(',')}`;
}

const forms = new Map();
let modules = 0;
for (const f of walk(root)) {
  const buf = new Uint8Array(readFileSync(f));
  const elf = parse(buf);
  if (!elf) continue;
  const { sh, syms, relocs } = elf;
  const isText = (i) => sh[i] && (sh[i].flags & 4) !== 0;
  /** The range [start, end) in section i holding offset off: the function/object symbol there, else the whole section. */
  const bySec = new Map();
  for (const s of syms) {
    const t = s.info & 0xf;
    if (t !== 1 && t !== 2) continue;
    const l = bySec.get(s.shndx) ?? [];
    l.push(s);
    bySec.set(s.shndx, l);
  }
  const rangeAt = (i, off) => {
    let best = null;
    for (const s of bySec.get(i) ?? []) if (s.value <= off && off < s.value + Math.max(s.size, 1)) best = s;
    return best ? [best.value, best.value + Math.max(best.size, 1)] : isText(i) ? [off, off + 1] : [0, sh[i].size];
  };
  const seen = new Set();
  const work = [];
  const add = (i, start, end) => {
    const k = `${i}:${start}`;
    if (seen.has(k)) return;
    seen.add(k);
    work.push([i, start, end]);
  };
  sh.forEach((s, i) => {
    if (s.nm === '.init.text' || s.nm === '.exit.text') add(i, 0, s.size);
  });
  if (!work.length) continue;
  modules++;
  const code = [];
  while (work.length) {
    const [i, start, end] = work.pop();
    if (isText(i)) code.push([i, start, end]);
    for (const r of relocs.get(i) ?? []) {
      if (r.offset < start || r.offset >= end) continue;
      const s = syms[r.sym];
      if (!s || s.shndx === 0 || s.shndx >= 0xff00 || !sh[s.shndx] || sh[s.shndx].type === 8) continue;
      const t = s.info & 0xf;
      // A call's addend is -4 from the next instruction; a section symbol + addend is the target (+4 for pc-relative).
      const off = t === 3 ? s.value + r.addend + (isText(s.shndx) && r.addend < 0 ? 4 : 0) : s.value;
      if (off < 0 || off >= sh[s.shndx].size) continue;
      const [a, b] = rangeAt(s.shndx, off);
      if (isText(s.shndx) || sh[s.shndx].type === 1) add(s.shndx, a, b);
    }
  }
  const name = relative(root, f);
  for (const [i, start, end] of code) {
    const s = sh[i];
    if (end - start <= 1 && start !== 0) continue;
    const bytes = buf.subarray(s.offset + start, s.offset + end);
    const d = new Decoder(64, bytes, DecoderOptions.None);
    while (d.canDecode) {
      const p = Number(d.position);
      const ins = d.decode();
      if (!ins.isInvalid && isVector(ins)) {
        const key = shape(ins);
        let e = forms.get(key);
        if (!e) forms.set(key, (e = { mnemonic: Mnemonic[ins.mnemonic].toLowerCase(), count: 0, modules: new Set(), examples: new Set() }));
        e.count++;
        e.modules.add(name);
        if (e.examples.size < 4) e.examples.add(Buffer.from(bytes.subarray(p, p + ins.length)).toString('hex'));
      }
      ins.free();
    }
    d.free();
  }
}
console.log(`# Vector instruction forms reachable (relocation closure) from .init.text/.exit.text of ${modules} modules.`);
console.log('# form|mnemonic|count|modules (number; up to 4 named)|example encodings');
for (const [k, e] of [...forms].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)))
  console.log(`${k}|${e.mnemonic}|${e.count}|${e.modules.size}: ${[...e.modules].slice(0, 4).join(' ')}|${[...e.examples].join(',')}`);
