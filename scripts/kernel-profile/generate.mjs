#!/usr/bin/env node
// Generate samples/kernel/debian-<release>.json.gz: the kernel profile Modscope uses to model
// Debian 12's kernel loading a module (exports, CRCs, section addresses, config, vermagic, layout).
//
// Inputs (all from Debian packages; nothing is downloaded here):
//   - boot/vmlinuz-<rel> of linux-image-<rel>-unsigned: taken from $CACHE/corpus/boot/ when present,
//     otherwise extracted from the .deb that scripts/fetch-corpus.sh left in $CACHE
//     (fetch-corpus.sh keeps only lib/ of the image package).
//   - /usr/src/linux-headers-<rel>/{Module.symvers,.config} (package linux-headers-<rel>).
// Cache: ${MODSCOPE_CACHE:-$HOME/.cache/modscope}/kernel-profile/{vmlinuz,vmlinux}-<rel>.
// Idempotent: re-running with the same inputs rewrites byte-identical output.
//
//   - the real /proc/kallsyms and kprobe blacklist, read under QEMU by kallsyms.mjs (cached there).
//
// Usage: node scripts/kernel-profile/generate.mjs [--release 6.1.0-50-amd64] [--out path] [--no-kallsyms]
import { existsSync, readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readKallsyms } from './kallsyms.mjs';
import { findVmlinuz, extractVmlinux, sections } from './vmlinux.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = process.env.MODSCOPE_CACHE || join(homedir(), '.cache', 'modscope');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const RELEASE = opt('--release', '6.1.0-50-amd64');
const HEADERS = opt('--headers', `/usr/src/linux-headers-${RELEASE}`);
const OUT = resolve(opt('--out', join(ROOT, 'samples', 'kernel', `debian-${RELEASE}.json.gz`)));
const WORK = join(CACHE, 'kernel-profile');
const NO_KALLSYMS = args.includes('--no-kallsyms');

const CONFIG_KEYS = [
  'MODVERSIONS',
  'MODULE_SIG',
  'MODULE_SIG_FORCE',
  'RANDOMIZE_BASE',
  'LOG_BUF_SHIFT',
  'CONSOLE_LOGLEVEL_DEFAULT',
  'CONSOLE_LOGLEVEL_QUIET',
  'MESSAGE_LOGLEVEL_DEFAULT',
  'X86_5LEVEL',
  'PGTABLE_LEVELS',
  'MODULE_FORCE_LOAD',
  'MODULE_FORCE_UNLOAD',
  'MODULE_UNLOAD',
  'STRICT_MODULE_RWX',
  'KALLSYMS_ALL',
];
// struct module on this build (x86_64, Debian 6.1 config): sizeof and the offsets of init/exit
// (hard-coded; checked by hand against the size of .gnu.linkonce.this_module and its init_module /
// cleanup_module relocations in the corpus modules, e.g. fat.ko; see samples/kernel/README.md).
const MODULE_LAYOUT = { size: 0x380, init: 0x138, exit: 0x350 };

const log = (...a) => console.error('[kernel-profile]', ...a);
const die = (msg) => {
  console.error(`[kernel-profile] error: ${msg}`);
  process.exit(1);
};


const hex = (v) => BigInt.asUintN(64, v).toString(16).padStart(16, '0');
const crcHex = (v) => (v >>> 0).toString(16).padStart(8, '0');

function decodeExports(b, secs) {
  const strs = secs.get('__ksymtab_strings');
  if (!strs) die('vmlinux has no __ksymtab_strings');
  const readStrAt = (addr) => {
    const rel = Number(addr - strs.addr);
    if (rel < 0 || rel >= strs.size) throw new Error(`string at 0x${hex(addr)} outside __ksymtab_strings`);
    const off = strs.offset + rel;
    return b.toString('latin1', off, b.indexOf(0, off));
  };
  const out = [];
  for (const [tab, crcTab, gpl] of [
    ['__ksymtab', '__kcrctab', false],
    ['__ksymtab_gpl', '__kcrctab_gpl', true],
  ]) {
    const s = secs.get(tab);
    const c = secs.get(crcTab);
    if (!s) die(`vmlinux has no ${tab}`);
    if (s.size % 12) die(`${tab} size ${s.size} is not a multiple of 12`);
    const n = s.size / 12;
    if (c && c.size !== n * 4) die(`${crcTab} has ${c.size / 4} entries, ${tab} has ${n}`);
    for (let i = 0; i < n; i++) {
      const o = s.offset + i * 12;
      const at = s.addr + BigInt(i * 12); // offset_to_ptr: relative to the field's own address
      const value = BigInt.asUintN(64, at + BigInt(b.readInt32LE(o))); // 64-bit wrap (per-CPU offsets)
      const name = readStrAt(at + 4n + BigInt(b.readInt32LE(o + 4)));
      const nsOff = b.readInt32LE(o + 8);
      const ns = nsOff === 0 ? '' : readStrAt(at + 8n + BigInt(nsOff));
      const crc = c ? b.readInt32LE(c.offset + i * 4) >>> 0 : null;
      out.push({ name, addr: value, crc, gpl, ns });
    }
  }
  return out;
}

function readSymvers(path) {
  const rows = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const f = line.split('\t');
    if (f.length < 4) die(`bad Module.symvers line: ${line}`);
    rows.push({ crc: parseInt(f[0], 16) >>> 0, name: f[1], module: f[2], gpl: f[3] === 'EXPORT_SYMBOL_GPL', ns: f[4] ?? '' });
  }
  return rows;
}

function readConfig(path) {
  const all = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    let m = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (m) all.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
    else if ((m = /^# CONFIG_([A-Za-z0-9_]+) is not set$/.exec(line))) all.set(m[1], null);
  }
  const out = {};
  for (const k of CONFIG_KEYS) out[`CONFIG_${k}`] = all.has(k) ? all.get(k) : null;
  return out;
}

// ---------- main ----------
const symversPath = join(HEADERS, 'Module.symvers');
const configPath = join(HEADERS, '.config');
for (const p of [symversPath, configPath]) if (!existsSync(p)) die(`missing ${p} (apt-get install linux-headers-${RELEASE})`);

const vmlinuzPath = findVmlinuz(RELEASE, CACHE);
const vmlinux = extractVmlinux(vmlinuzPath, RELEASE, CACHE);
const secs = sections(vmlinux);
const exportsV = decodeExports(vmlinux, secs).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const symvers = readSymvers(symversPath);
const config = readConfig(configPath);

// Cross-check against the vmlinux lines of Module.symvers: names, CRCs, GPL-ness, namespaces.
const svV = new Map(symvers.filter((r) => r.module === 'vmlinux').map((r) => [r.name, r]));
const byName = new Map(exportsV.map((e) => [e.name, e]));
let agree = 0;
const problems = [];
for (const [name, r] of svV) {
  const e = byName.get(name);
  if (!e) problems.push(`${name}: in Module.symvers, not in vmlinux`);
  else if (e.crc !== r.crc || e.gpl !== r.gpl || e.ns !== r.ns)
    problems.push(`${name}: crc ${crcHex(e.crc ?? 0)}/${crcHex(r.crc)} gpl ${e.gpl}/${r.gpl} ns '${e.ns}'/'${r.ns}'`);
  else agree++;
}
for (const e of exportsV) if (!svV.has(e.name)) problems.push(`${e.name}: in vmlinux, not in Module.symvers`);
console.log(`vmlinux exports decoded: ${exportsV.length} (${exportsV.filter((e) => e.gpl).length} GPL)`);
console.log(`Module.symvers vmlinux lines: ${svV.size}; agree (name+crc+gpl+ns): ${agree}/${svV.size}; problems: ${problems.length}`);
for (const p of problems.slice(0, 20)) console.log(`  ${p}`);
if (problems.length) die('vmlinux exports disagree with Module.symvers');

const sec = (name) => {
  const s = secs.get(name);
  if (!s) die(`vmlinux has no ${name} section`);
  return hex(s.addr);
};
const text = sec('.text');
// Per-CPU exports (e.g. softnet_data, __preempt_count) are offsets into .data..percpu, which
// x86_64 SMP links at 0; every other export must lie in the kernel image mapping.
const pcpu = secs.get('.data..percpu');
for (const e of exportsV) {
  const inImage = e.addr >= 0xffffffff80000000n;
  const inPcpu = pcpu && e.addr >= pcpu.addr && e.addr < pcpu.addr + BigInt(pcpu.size);
  if (!inImage && !inPcpu) die(`${e.name} at 0x${hex(e.addr)} is neither in the kernel mapping nor per-CPU`);
}
console.log(`per-CPU exports: ${exportsV.filter((e) => e.addr < 0xffffffff80000000n).length}`);
const modRows = symvers
  .filter((r) => r.module !== 'vmlinux')
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
const modPaths = [...new Set(modRows.map((r) => r.module))].sort();
const modIndex = new Map(modPaths.map((p, i) => [p, i]));
const nsList = (rows) => rows.map((r) => r.ns);

// ---------- kallsyms: every vmlinux symbol of the real /proc/kallsyms (kallsyms.mjs, QEMU) ----------
/**
 * Compact columns, in /proc/kallsyms order (by address): `type` one character per symbol; `name`
 * front-coded ('\n'-joined; each starts with one base-36 digit: the length of the prefix shared with
 * the previous name, at most 35); `delta` the difference to the previous value, where a value is the
 * address itself for the first `absolute` symbols (per-CPU offsets, 'A') and address - base after.
 */
function kallsymsTable(textAddr) {
  const { kptrRestrict, symbols, blacklist } = readKallsyms({ release: RELEASE, log });
  const base = BigInt('0x' + textAddr);
  const textSym = symbols.find((s) => s.name === '_text');
  if (!textSym || textSym.address !== base)
    die(`kallsyms _text ${textSym ? hex(textSym.address) : 'missing'} is not .text ${textAddr} (booted with KASLR?)`);
  let absolute = 0;
  while (absolute < symbols.length && symbols[absolute].address < KERNEL_IMAGE) absolute++;
  const delta = [];
  let prev = 0n;
  symbols.forEach((s, i) => {
    const v = i < absolute ? s.address : s.address - base;
    delta.push(Number(v - prev));
    if (!Number.isSafeInteger(delta[i])) die(`kallsyms delta at ${s.name} is not a safe integer`);
    prev = v;
  });
  let prevName = '';
  const names = symbols.map((s) => {
    let k = 0;
    while (k < 35 && k < prevName.length && k < s.name.length && prevName[k] === s.name[k]) k++;
    prevName = s.name;
    return k.toString(36) + s.name.slice(k);
  });
  // Every export must be a kallsyms symbol of the same name at the same address.
  const at = new Map();
  for (const s of symbols) at.set(`${s.name}@${s.address}`, s);
  const missing = exportsV.filter((e) => !at.has(`${e.name}@${e.addr}`));
  console.log(
    `kallsyms: ${symbols.length} vmlinux symbols (kptr_restrict ${kptrRestrict}); ` +
      `exports found at the same address: ${exportsV.length - missing.length}/${exportsV.length}`,
  );
  for (const e of missing.slice(0, 20)) console.log(`  ${e.name} ${hex(e.addr)}: not in kallsyms`);
  if (missing.length) die('exports disagree with kallsyms');
  // The blacklist is kept by name: that is exact only if each range is one whole symbol (its start up to
  // the next higher address) and no blacklisted name also names a symbol outside the blacklist.
  const starts = new Set(blacklist.map((b) => `${b.name}@${b.start}`));
  blacklist.forEach((b) => {
    const i = symbols.findIndex((s) => s.name === b.name && s.address === b.start);
    if (i < 0) die(`blacklisted ${b.name} at ${hex(b.start)} is not a kallsyms symbol`);
    const next = symbols.find((s, j) => j > i && s.address > b.start);
    if (!next || next.address !== b.end) die(`blacklisted ${b.name}: range ends at ${hex(b.end)}, not at the next symbol`);
  });
  const blackNames = new Set(blacklist.map((b) => b.name));
  for (const s of symbols)
    if (blackNames.has(s.name) && !starts.has(`${s.name}@${s.address}`)) die(`${s.name} at ${hex(s.address)} shares a blacklisted name`);
  return {
    source: 'QEMU: /proc/kallsyms and /sys/kernel/debug/kprobes/blacklist of the real kernel booted nokaslr, as root',
    count: symbols.length,
    base: textAddr,
    absolute,
    type: symbols.map((s) => s.type).join(''),
    name: names.join('\n'),
    delta,
    // kprobes blacklist (NOKPROBE_SYMBOL, __kprobes, the entry text…): register_kprobe() says -EINVAL.
    kprobeBlacklist: [...new Set(blacklist.map((b) => b.name))].sort(),
  };
}
const KERNEL_IMAGE = 0xffffffff80000000n;
const kallsyms = NO_KALLSYMS ? undefined : kallsymsTable(text);

const profile = {
  format: 'modscope-kernel-profile',
  version: 1,
  distro: 'debian-12',
  release: RELEASE,
  vermagic: `${RELEASE} SMP preempt mod_unload modversions `,
  sources: {
    vmlinuz: `linux-image-${RELEASE}-unsigned:/boot/vmlinuz-${RELEASE}`,
    symvers: `linux-headers-${RELEASE}:${symversPath}`,
    config: `linux-headers-${RELEASE}:${configPath}`,
  },
  config,
  // _text is the start of .text on x86_64 (vmlinux.lds.S); the stripped vmlinux has no symtab.
  sections: { _text: text, '.text': text, '.rodata': sec('.rodata'), '.data': sec('.data'), '.bss': sec('.bss') },
  // .data..percpu: link address and size; exports inside it are per-CPU offsets, not addresses.
  percpu: pcpu ? { start: hex(pcpu.addr), size: pcpu.size.toString(16) } : null,
  moduleLayout: MODULE_LAYOUT,
  // Column arrays, sorted by name. addr: 16-hex-digit link-time address; crc: 8 hex digits;
  // gpl: string of '0'/'1'; ns: namespace ('' = none).
  vmlinux: {
    count: exportsV.length,
    name: exportsV.map((e) => e.name),
    addr: exportsV.map((e) => hex(e.addr)),
    crc: exportsV.map((e) => crcHex(e.crc ?? 0)),
    gpl: exportsV.map((e) => (e.gpl ? '1' : '0')).join(''),
    ns: nsList(exportsV),
  },
  // Exports of in-tree modules from Module.symvers; module is an index into modules.paths.
  modules: {
    count: modRows.length,
    paths: modPaths,
    name: modRows.map((r) => r.name),
    module: modRows.map((r) => modIndex.get(r.module)),
    crc: modRows.map((r) => crcHex(r.crc)),
    gpl: modRows.map((r) => (r.gpl ? '1' : '0')).join(''),
    ns: nsList(modRows),
  },
  ...(kallsyms ? { kallsyms } : {}),
};

const gz = gzipSync(Buffer.from(JSON.stringify(profile)), { level: 9 });
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(`${OUT}.tmp`, gz);
renameSync(`${OUT}.tmp`, OUT);
console.log(`module exports: ${modRows.length} from ${modPaths.length} modules`);
console.log(`wrote ${OUT} (${gz.length} bytes)`);
