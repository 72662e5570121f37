#!/usr/bin/env node
// Records vmlinux data that module inits read and the model cannot derive from the kernel image, from the
// real Debian 6.1.0-50-amd64 kernel on the modelled machine (machine.mjs: QEMU `pc`, qemu64/TCG, 1 CPU,
// 512 MiB), and writes it as samples/kernel/kernel-data-qemu-pc.json plus engine/machine/qemu-pc-kernel-data.ts:
//
//   node scripts/qemu/kernel-data.mjs [--raw FILE.json]    # build the module, boot, record, write both
//   node scripts/qemu/kernel-data.mjs --ts                 # regenerate the .ts from the committed .json
//
// One boot (nokaslr, as every recording): `insmod kernel_data.ko`, a capture module built here against the
// installed headers (kernel-data/kernel_data.c), whose init prints the pv_ops table (each slot's value and
// the kallsyms name of the function it points to, %pS), phys_base, fg_console, the bytes of init_uts_ns and
// the words of init_nsproxy (init_task.nsproxy), init_net's passive and ns.count, with the struct field offsets
// of this build. Its init returns -EAGAIN, so it never stays loaded. Pointers are kept as kallsyms names
// (symbol+offset), so the engine places them at the modelled kernel's addresses.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureBoot } from './capture-boot.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const JSON_FILE = join(ROOT, 'samples', 'kernel', 'kernel-data-qemu-pc.json');
const TS_FILE = join(ROOT, 'engine', 'machine', 'qemu-pc-kernel-data.ts');
// max_gen_ptrs is static: the capture module reads it at the address /proc/kallsyms gives (root sees real addresses).
// The insmod line is written by the step before and sourced, so no extra process runs beside insmod (init_nsproxy's
// count, recorded too, counts the tasks).
const LINES = [
  'cat /proc/version',
  `echo "insmod kernel_data.ko gen_ptrs_addr=0x$(grep ' max_gen_ptrs$' /proc/kallsyms | cut -d' ' -f1)" > /tmp/insmod.sh`,
  '. /tmp/insmod.sh',
  'cat /proc/tty/drivers',
];
/** "%pS" text: a symbol ("native_io_delay+0x0/0x10" → native_io_delay), or null for a plain number. */
function symbolOf(text) {
  const m = /^([A-Za-z_.][\w.]*)\+0x([0-9a-f]+)\/0x[0-9a-f]+$/.exec(text);
  return m ? { symbol: m[1], symOffset: Number.parseInt(m[2], 16) } : null;
}

/**
 * /proc/tty/drivers (drivers/tty/tty_io.c show_tty_driver()): the tty_drivers list in its order (newest first), each
 * driver's name (the "/dev/NAME" column), major, minor_start and num; the /dev/tty, /dev/console, /dev/ptmx and
 * /dev/vc/0 lines it prints first are char devices, not drivers on the list.
 */
function ttyDrivers(text) {
  const system = new Set(['/dev/tty', '/dev/console', '/dev/ptmx', '/dev/vc/0']);
  return text
    .split('\n')
    .map((l) => /^(.{20}) (\/dev\/\S+)\s+(\d+) (\d+)(?:-(\d+))? (\S+)$/.exec(l))
    .filter((m) => m && !system.has(m[1].trim()))
    .map((m) => ({
      driver: m[1].trim(),
      name: m[2].slice(5),
      major: Number(m[3]),
      minorStart: Number(m[4]),
      num: Number(m[5] ?? m[4]) - Number(m[4]) + 1,
      type: m[6],
    }));
}

/** The capture module's kernel log lines → the recorded data. */
function parse(kmsg, version) {
  const sizes = {};
  const fields = {};
  const vars = {};
  const hex = {};
  const words = {};
  const slots = {};
  for (const { text } of kmsg) {
    let m;
    if ((m = /^slots (\S+) ([-x.]+)$/.exec(text))) slots[m[1]] = m[2];
    if ((m = /^size (\S+) ([0-9a-f]+)$/.exec(text))) sizes[m[1]] = Number.parseInt(m[2], 16);
    else if ((m = /^field (\S+) (\S+) ([0-9a-f]+)$/.exec(text))) (fields[m[1]] ??= {})[m[2]] = Number.parseInt(m[3], 16);
    else if ((m = /^var (\S+) ([0-9a-f]+)(?: (\S+))?$/.exec(text))) vars[m[1]] = m[3] ? { value: `0x${m[2]}`, symbol: m[3] } : `0x${m[2]}`;
    else if ((m = /^hex (\S+) ([0-9a-f]+) ([0-9a-f]+)$/.exec(text))) hex[m[1]] = (hex[m[1]] ?? '') + m[3];
    else if ((m = /^word (\S+) ([0-9a-f]+) ([0-9a-f]{16}) (\S+)$/.exec(text))) {
      const sym = symbolOf(m[4]);
      (words[m[1]] ??= []).push({ offset: Number.parseInt(m[2], 16), value: `0x${m[3]}`, ...(sym ?? {}) });
    }
  }
  const nameAt = (table, off) => Object.entries(fields[table] ?? {}).find(([, o]) => o === off)?.[0] ?? null;
  const pvSlots = (words.pv_ops ?? []).map((w) => ({ field: nameAt('pv_ops', w.offset), ...w }));
  // The pernet probes (kernel_data.c pernet()): the id each got and init_net.gen's length after it.
  const probes = [];
  for (let i = 0; vars[`pernet_probe${i}.id`] !== undefined; i++)
    probes.push({ id: Number(vars[`pernet_probe${i}.id`]), len: Number(vars[`pernet_probe${i}.len`]) });
  return {
    format: 'modscope-kernel-data',
    version: 1,
    kernel: version,
    how: 'scripts/qemu/kernel-data.mjs: kernel-data/kernel_data.c insmod-ed on the machine of scripts/qemu/machine.mjs (nokaslr)',
    sizes,
    fields,
    vars: {
      phys_base: vars.phys_base,
      fg_console: vars.fg_console,
      'init_task.nsproxy': vars['init_task.nsproxy'],
      'init_net.passive': vars['init_net.passive'],
      'init_net.ns.count': vars['init_net.ns.count'],
      MAX_NR_CONSOLES: vars.MAX_NR_CONSOLES,
    },
    // vc_cons[i].d of every allocated virtual console: its vc_data words, the screen word at its cursor and its console
    // driver's con_screen_pos (vc_sw->con_screen_pos, NULL for vga_con).
    vc_cons: Object.keys(words)
      .filter((k) => /^vc_cons\d+$/.test(k))
      .map((k) => ({
        index: Number(k.slice(7)),
        address: vars[k],
        cursorWord: vars[`${k}.cursor_word`],
        conScreenPos: vars[`${k}.sw_screen_pos`],
        words: words[k],
      })),
    pv_ops: pvSlots,
    // net/core/net_namespace.c: init_net.gen's s.len and its ptr[] slots ('x' data, '.' NULL, '-' the s header), max_gen_ptrs,
    // and the ids probe registrations got from net_generic_ids (lowest free first), with init_net.gen's length after each.
    pernet: {
      userNs: vars['init_net.user_ns'] ?? null,
      genLen: Number(vars['init_net.gen.len']),
      maxGenPtrs: vars.max_gen_ptrs === undefined ? null : Number(vars.max_gen_ptrs),
      slots: slots['init_net.gen'] ?? '',
      probes,
    },
    init_uts_ns: { bytes: hex.init_uts_ns, words: (words.init_uts_ns ?? []).filter((w) => w.symbol) },
    init_nsproxy: { words: words.init_nsproxy ?? [] },
  };
}

/** engine/machine/qemu-pc-kernel-data.ts: what the engine reads of the record (it cannot read files). */
function writeTs(d) {
  const uts = d.init_uts_ns;
  // A word that is no kallsyms symbol but a kernel address points at a heap object the model does not have
  // (init_nsproxy.mnt_ns): left out, so a read of it stays unknown data.
  const heap = (w) => !w.symbol && BigInt(w.value) >= 0xffff800000000000n;
  // Pointers as recorded: link addresses (nokaslr), which the engine slides; the kallsyms name beside each says what
  // it points at (names repeat in kallsyms, e.g. static copies of native_wbinvd: the address is what identifies it).
  const data = {
    physBase: d.vars.phys_base,
    fgConsole: d.vars.fg_console,
    // pv_ops (struct paravirt_patch_template): [offset, field, function (kallsyms), its address] for every slot.
    pvOps: d.pv_ops.map((s) => [s.offset, s.field ?? '', s.symbol ?? '', s.value]),
    pvOpsSize: d.sizes.pv_ops,
    // init_uts_ns: its bytes (hex), the pointers among them as [offset, symbol] (the bytes hold the address).
    utsSize: d.sizes.init_uts_ns,
    utsBytes: uts.bytes.match(/.{1,128}/g),
    utsPointers: uts.words.map((w) => [w.offset, w.symbol]),
    // init_nsproxy (init_task.nsproxy): [offset, symbol or '' for a plain value, value].
    nsproxySymbol: d.vars['init_task.nsproxy'].symbol.replace(/\+.*$/, ''),
    taskNsproxy: d.fields.task_struct.nsproxy,
    nsproxy: d.init_nsproxy.words.filter((w) => !heap(w)).map((w) => [w.offset, w.symbol ?? '', w.value]),
    // init_net's refcount_t passive and ns.count: [offset, value] each, as the capture boot's shell saw them.
    initNetRefs: [
      [d.fields.net.passive, d.vars['init_net.passive']],
      [d.fields.net['ns.count'], d.vars['init_net.ns.count']],
    ],
    // vc_cons[]: struct vc_data's size and the offsets the engine follows, and per allocated console [index, its
    // address, the screen word at its cursor, its vc_sw->con_screen_pos, its words as [offset, symbol or '', value]]
    // (heap pointers are kept: the engine moves those into the vc_data or its screen and leaves the others out).
    vcData: {
      size: d.sizes.vc_data,
      vcSize: d.sizes.vc,
      maxNrConsoles: d.vars.MAX_NR_CONSOLES,
      ...d.fields.vc_data,
      conScreenPos: d.fields.consw.con_screen_pos,
    },
    // /proc/tty/drivers: the built-in tty drivers on tty_drivers, newest first, as [name, major, minor_start, num].
    ttyDrivers: d.tty_drivers.map((t) => [t.name, t.major, t.minorStart, t.num]),
    // Pernet registration (net/core/net_namespace.c): struct pernet_operations' fields, struct net's gen and exit_list,
    // init_net.gen's length and slots at boot, max_gen_ptrs, and the ids the probe registrations got.
    pernet: {
      ops: d.fields.pernet_operations,
      netGen: d.fields.net.gen,
      netExitList: d.fields.net.exit_list,
      // init_net.user_ns: [offset, symbol it points at, its address]
      netUserNs: [d.fields.net.user_ns, d.pernet.userNs.symbol.replace(/\+.*$/, ''), d.pernet.userNs.value],
      fqdir: { size: d.sizes.fqdir, ...d.fields.fqdir },
      inetFrags: d.fields.inet_frags,
      ...d.pernet,
      userNs: undefined,
      probes: d.pernet.probes.map((p) => [p.id, p.len]),
    },
    vcCons: d.vc_cons.map((c) => [c.index, c.address, c.cursorWord, c.conScreenPos, c.words.map((w) => [w.offset, w.symbol ?? '', w.value])]),
  };
  const ts = `/**
 * vmlinux data of the real Debian 6.1.0-50 kernel on the modelled machine that module inits read: generated
 * from samples/kernel/kernel-data-qemu-pc.json by \`node scripts/qemu/kernel-data.mjs --ts\` (do not edit).
 * Recorded under QEMU by scripts/qemu/kernel-data.mjs (capture module scripts/qemu/kernel-data/kernel_data.c).
 */
export const KERNEL_DATA = ${JSON.stringify(data, null, 2)
    .replace(/\[\n\s+(\d[^[\]{}]*?)\n\s+\]/g, (_, inner) => `[${inner.replace(/,\n\s+/g, ', ')}]`)
    .replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1:')
    .replace(/"/g, "'")} as const;
`;
  writeFileSync(TS_FILE, ts);
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--ts') {
    writeTs(JSON.parse(readFileSync(JSON_FILE, 'utf8')));
    return;
  }
  const raw = argv.includes('--raw') ? argv[argv.indexOf('--raw') + 1] : null;
  const t = await captureBoot(join(HERE, 'kernel-data', 'kernel_data.c'), LINES, { raw });
  const d = parse(t.steps[2].kmsg, t.steps[0].output.trim());
  d.tty_drivers = ttyDrivers(t.steps[3].output);
  if (!d.pv_ops.length || !d.vars.phys_base || !d.init_uts_ns.bytes) throw new Error('the capture module printed nothing');
  writeFileSync(JSON_FILE, `${JSON.stringify(d, null, 1)}\n`);
  writeTs(d);
  process.stderr.write(`kernel-data: ${d.pv_ops.length} pv_ops slots, wrote ${JSON_FILE} and ${TS_FILE}\n`);
}

main().catch((e) => {
  process.stderr.write(`kernel-data: ${e.stack || e}\n`);
  process.exit(1);
});
