/**
 * vmlinux data recorded on the real kernel under QEMU (scripts/qemu/kernel-data.mjs) as module code reads it from
 * the modelled kernel, and real corpus modules that read it ending as they do on the real kernel (the recorded
 * modprobe sample, scripts/qemu/recordings/modprobe-sample.json.gz).
 */
import { existsSync, readFileSync } from 'node:fs';
import { moduleIndex } from '../../main/cli/shell';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bootKernel, CORPUS, debianProfile, ROOT } from '../../scripts/test-support/kernel';
import { KERNEL_DATA } from '../machine/qemu-pc-kernel-data';
import { KernelCpuMemory } from './kernel-memory';
import { attachCpu } from './attach';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { Shell } from '../shell/index';

interface Word {
  offset: number;
  value: string;
  symbol?: string;
  symOffset?: number;
}
interface Record {
  kernel: string;
  vars: {
    phys_base: string;
    fg_console: string;
    'init_task.nsproxy': { value: string; symbol: string };
    'init_net.passive': string;
    'init_net.ns.count': string;
  };
  fields: { task_struct: { nsproxy: number }; uts_namespace: { [f: string]: number }; net: { [f: string]: number } };
  pv_ops: (Word & { field: string })[];
  init_uts_ns: { bytes: string; words: Word[] };
  init_nsproxy: { words: Word[] };
}

const rec = JSON.parse(readFileSync(join(ROOT, 'samples', 'kernel', 'kernel-data-qemu-pc.json'), 'utf8')) as Record;
const u64 = (b: Uint8Array): bigint => b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n);
const u32 = (b: Uint8Array): number => Number(u64(b));
const cstr = (b: Uint8Array): string => new TextDecoder().decode(b.subarray(0, b.indexOf(0)));

describe('the record', () => {
  it('names each pointer by the kallsyms symbol at its value (the boot was nokaslr: values are link addresses)', () => {
    const ks = debianProfile().kallsyms;
    if (!ks) throw new Error('the profile has no kallsyms');
    const words = [...rec.pv_ops, ...rec.init_uts_ns.words, ...rec.init_nsproxy.words.filter((w) => w.symbol)];
    expect(words.length).toBeGreaterThan(84);
    for (const w of words) {
      const hit = ks.find(BigInt(w.value));
      expect(`${w.value}: ${hit?.name}+${hit?.offset}`).toBe(`${w.value}: ${w.symbol}+${w.symOffset}`);
    }
    expect(rec.pv_ops.find((s) => s.field === 'cpu.io_delay')).toMatchObject({ offset: 0, symbol: 'native_io_delay' });
    expect(rec.pv_ops.find((s) => s.field === 'cpu.cpuid')).toMatchObject({ offset: 0xb0, symbol: 'native_cpuid' });
    expect(rec.vars['init_task.nsproxy'].symbol).toMatch(/^init_nsproxy\+0x0\//);
  });

  it('is what engine/machine/qemu-pc-kernel-data.ts holds (node scripts/qemu/kernel-data.mjs --ts)', () => {
    expect(KERNEL_DATA.pvOps.map((s) => s.join(' '))).toEqual(rec.pv_ops.map((s) => `${s.offset} ${s.field} ${s.symbol} ${s.value}`));
    expect(KERNEL_DATA.utsBytes.join('')).toBe(rec.init_uts_ns.bytes);
    expect(KERNEL_DATA.physBase).toBe(rec.vars.phys_base);
    expect(KERNEL_DATA.fgConsole).toBe(rec.vars.fg_console);
    expect(KERNEL_DATA.taskNsproxy).toBe(rec.fields.task_struct.nsproxy);
  });
});

describe('module reads of recorded kernel data', () => {
  const k = bootKernel({ quiet: true });
  const mem = new KernelCpuMemory(k);
  const profile = k.profile;
  const at = (name: string): bigint => {
    const e = profile.lookup(name);
    if (e) return k.vmlinuxAddress(e);
    const a = profile.kallsyms?.linkAddress(name);
    if (a === null || a === undefined) throw new Error(name);
    return a + k.as.kernelSlide;
  };

  it('pv_ops slots hold the modelled kernel addresses of the native functions', () => {
    expect(u64(mem.read(at('pv_ops'), 8, 'read'))).toBe(at('native_io_delay'));
    expect(u64(mem.read(at('pv_ops') + 0xb0n, 8, 'read'))).toBe(at('native_cpuid'));
    expect(u64(mem.read(at('pv_ops') + 0xf0n, 8, 'read'))).toBe(at('native_save_fl'));
    expect(mem.unmodelledReads.size).toBe(0);
  });

  it('fg_console, phys_base and the uname strings read as on the real kernel', () => {
    expect(u64(mem.read(at('fg_console'), 4, 'read'))).toBe(0n);
    expect(u64(mem.read(at('phys_base'), 8, 'read'))).toBe(0n);
    const uts = at('init_uts_ns');
    const f = rec.fields.uts_namespace;
    expect(cstr(mem.read(uts + BigInt(f['name.sysname']), 65, 'read'))).toBe('Linux');
    expect(cstr(mem.read(uts + BigInt(f['name.release']), 65, 'read'))).toBe('6.1.0-50-amd64');
    expect(cstr(mem.read(uts + BigInt(f['name.version']), 65, 'read'))).toBe(rec.kernel.replace(/^.*\) (#1 )/, '$1'));
    expect(cstr(mem.read(uts + BigInt(f['name.machine']), 65, 'read'))).toBe('x86_64');
    expect(u64(mem.read(uts + BigInt(f.user_ns), 8, 'read'))).toBe(at('init_user_ns'));
    expect(mem.unmodelledReads.size).toBe(0);
  });

  it("current->nsproxy is init_nsproxy, whose net_ns is init_net; its mnt_ns (a heap object) stays unknown", () => {
    const nsproxy = u64(mem.read(at('init_task') + BigInt(rec.fields.task_struct.nsproxy), 8, 'read'));
    expect(nsproxy).toBe(at('init_nsproxy'));
    expect(u64(mem.read(nsproxy + 40n, 8, 'read'))).toBe(at('init_net'));
    expect(u64(mem.read(nsproxy + 8n, 8, 'read'))).toBe(at('init_uts_ns'));
    expect(mem.unmodelledReads.size).toBe(0);
    mem.read(nsproxy + 24n, 8, 'read');
    expect([...mem.unmodelledReads]).toEqual(['init_nsproxy+0x18']);
  });

  it("init_net's passive and ns.count read as the capture boot's shell saw them (get_net() on 0 would warn)", () => {
    expect(rec.fields.net).toMatchObject({ passive: 0, 'ns.count': 0x94 });
    expect(KERNEL_DATA.initNetRefs).toEqual([
      [0, rec.vars['init_net.passive']],
      [0x94, rec.vars['init_net.ns.count']],
    ]);
    expect(u64(mem.read(at('init_net'), 4, 'read'))).toBe(2n);
    expect(u64(mem.read(at('init_net') + 0x94n, 4, 'read'))).toBe(2n);
  });

  // net_generic(net, id) (include/net/netns/generic.h) reads net->gen->ptr[id]; x_tables' proc code reads net->user_ns.
  it("init_net.gen: the boot's length, its free slots NULL, its built-in ones unknown; init_net.user_ns is &init_user_ns", () => {
    const fresh = new KernelCpuMemory(k);
    const p = KERNEL_DATA.pernet;
    expect(u64(fresh.read(at('init_net') + BigInt(p.netUserNs[0]), 8, 'read'))).toBe(at('init_user_ns'));
    const ng = u64(fresh.read(at('init_net') + BigInt(p.netGen), 8, 'read'));
    expect(u32(fresh.read(ng, 4, 'read'))).toBe(p.genLen);
    for (let id = 3; id < p.genLen; id++) {
      const before = fresh.unmodelledReads.size;
      const v = u64(fresh.read(ng + 8n * BigInt(id), 8, 'read'));
      if (p.slots[id] === '.') expect([v, fresh.unmodelledReads.size]).toEqual([0n, before]);
      else expect(fresh.unmodelledReads.size).toBe(before + 1);
    }
  });

  // speakup_init() reads vc_cons[fg_console].d->vc_cols, then speakup_allocate()s every vc_cons[i].d that is not NULL.
  it('vc_cons: console 0 is an 80x25 vga_con console, the other 62 are NULL; the word at its cursor is 0x0720', () => {
    const fresh = new KernelCpuMemory(k);
    const f = KERNEL_DATA.vcData;
    expect(f.vcSize).toBe(40);
    expect(Number(f.maxNrConsoles)).toBe(63);
    const vc = u64(fresh.read(at('vc_cons'), 8, 'read'));
    expect(vc).not.toBe(0n);
    for (let i = 1n; i < 63n; i++) expect(u64(fresh.read(at('vc_cons') + i * 40n, 8, 'read'))).toBe(0n);
    const field = (off: number, n: number): bigint => u64(fresh.read(vc + BigInt(off), n, 'read'));
    expect([field(f.vc_num, 4), field(f.vc_cols, 4), field(f.vc_rows, 4)]).toEqual([0n, 80n, 25n]);
    expect(field(f.vc_sw, 8)).toBe(at('vga_con'));
    expect(field(f['state.y'], 4)).toBe(4n);
    // screenpos(): vga_con has no con_screen_pos, so the cursor's word is at vc_visible_origin + (vc_pos - vc_origin).
    expect(u64(fresh.read(field(f.vc_sw, 8) + BigInt(f.conScreenPos), 8, 'read'))).toBe(0n);
    const cursor = field(f.vc_visible_origin, 8) + field(f.vc_pos, 8) - field(f.vc_origin, 8);
    expect(u64(fresh.read(cursor, 2, 'read'))).toBe(0x720n);
    expect([...fresh.unmodelledReads]).toEqual([]);
    // vc_screenbuf (a heap object of the real boot) is left out: reading through it is unknown data.
    expect(field(f.vc_screenbuf, 8)).toBe(0n);
    expect(fresh.unmodelledReads.size).toBe(1);
  });
});

const haveCorpus = existsSync(join(CORPUS, 'drivers', 'watchdog', 'pc87413_wdt.ko'));
const required = Boolean(process.env.CI);

describe.skipIf(!required && !haveCorpus)('real modules that read it', () => {
  interface Rec {
    target: string;
    modprobe: { cmd: string; output: string; rc: number; kmsg: { level: number; text: string }[] };
  }
  const sample = JSON.parse(
    gunzipSync(readFileSync(join(ROOT, 'scripts', 'qemu', 'recordings', 'modprobe-sample.json.gz'))).toString('utf8'),
  ) as { modules: Rec[]; depmod: { deps: { [m: string]: string[] }; softdeps: { [m: string]: { pre: string[]; post: string[] } } } };
  const depmod = { deps: new Map(Object.entries(sample.depmod.deps)), softdeps: new Map(Object.entries(sample.depmod.softdeps)) };
  let index = new Map<string, string>();
  const modprobe = (name: string) => {
    if (index.size === 0) index = moduleIndex(CORPUS);
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const sh = new Shell(k, (p) => (existsSync(p) ? new Uint8Array(readFileSync(p)) : null), { moduleIndex: index, depmod });
    sh.vfs.cwd = '/root';
    const from = k.log.records.length;
    const p = sh.run(`modprobe ${name}`);
    const modules = sh.run('cat /proc/modules').output.split('\n').filter(Boolean);
    return { output: p.output, rc: p.exit, kmsg: k.log.records.slice(from).map((r) => ({ level: r.level, text: r.text })), modules };
  };
  const real = (name: string): Rec['modprobe'] => {
    const r = sample.modules.find((m) => m.target === name);
    if (!r) throw new Error(`${name} is not in the sample`);
    return r.modprobe;
  };

  // Both probe a Super I/O chip with inb_p()/outb_p(), whose slow_down_io() calls pv_ops.cpu.io_delay (native_io_delay).
  it('pc87413_wdt: init gets -EBUSY (its SWC region at 0xffff, read from the absent chip), as on the real kernel', () => {
    const r = real('pc87413_wdt');
    expect(r.output).toMatch(/Device or resource busy/);
    expect(modprobe('pc87413_wdt')).toEqual({ output: r.output, rc: r.rc, kmsg: r.kmsg, modules: [] });
  });

  it('w83627hf_wdt: init finds no chip and returns -ENODEV, as on the real kernel', () => {
    const r = real('w83627hf_wdt');
    expect(r.output).toMatch(/No such device/);
    expect(modprobe('w83627hf_wdt')).toMatchObject({ output: r.output, rc: r.rc, kmsg: r.kmsg });
  });

  // speakup_init() reads vc_cons[fg_console].d->vc_cols and speakup_allocate()s console 0 (get_attributes() reads the
  // word at its cursor through screen_pos()); speakup_soft's synth_add() probes with misc_register() and wakes the empty
  // speakup_event queue. The real kernel's log, from `node scripts/qemu/record-modules.mjs --only speakup_soft` (the
  // first speakup load of its boot, so the input device is input2 as here).
  it('speakup_soft: speakup and speakup_soft return 0 with the kernel log of the real kernel', () => {
    const m = modprobe('speakup_soft');
    expect({ output: m.output, rc: m.rc, kmsg: m.kmsg }).toEqual({
      output: '',
      rc: 0,
      kmsg: [
        { level: 6, text: 'input: Speakup as /devices/virtual/input/input2' },
        { level: 6, text: 'initialized device: /dev/synth, node (MAJOR 10, MINOR 124)' },
        { level: 6, text: 'speakup 3.1.6: initialized' },
        { level: 6, text: 'synth name on entry is: (null)' },
        { level: 4, text: 'synth probe' },
        { level: 6, text: 'initialized device: /dev/softsynth, node (MAJOR 10, MINOR 123)' },
        { level: 6, text: 'initialized device: /dev/softsynthu, node (MAJOR 10, MINOR 122)' },
      ],
    });
    expect(m.modules.map((l) => l.replace(/ 0x[0-9a-f]+$/, ''))).toEqual([
      'speakup_soft 16384 0 - Live',
      'speakup 139264 1 speakup_soft, Live',
    ]);
  });

  // ceph_msgr_init(): ceph_zero_page = ZERO_PAGE(0), virt_to_page() of empty_zero_page with phys_base (recorded: 0), then
  // get_page() on its struct page in vmemmap (unknown data to the model, not a missing mapping).
  it('libceph: init reads phys_base and the zero page\'s struct page, and returns 0 as on the real kernel (no oops)', () => {
    const r = real('libceph');
    const m = modprobe('libceph');
    expect({ output: m.output, rc: m.rc, kmsg: m.kmsg }).toEqual({ output: r.output, rc: r.rc, kmsg: r.kmsg });
    expect(m.modules.map((l) => l.replace(/ 0x[0-9a-f]+$/, ''))).toEqual([
      'libceph 479232 0 - Live',
      'libcrc32c 16384 1 libceph, Live',
      'crc32c_generic 16384 1 - Live',
    ]);
  });
});

describe('the struct pages of the machine RAM (vmemmap)', () => {
  it('read as unknown zeros that remember writes; beyond the RAM nothing is mapped', () => {
    const k = bootKernel({ quiet: true });
    const mem = new KernelCpuMemory(k);
    const page = 0xffffea0000000000n + 0x330dn * 64n;
    expect(u64(mem.read(page + 8n, 8, 'read'))).toBe(0n);
    expect([...mem.unmodelledReads]).toEqual(['the struct page of pfn 0x330d']);
    mem.write(page + 0x34n, new Uint8Array([1, 0, 0, 0]));
    expect(u64(mem.read(page + 0x34n, 4, 'read'))).toBe(1n);
    expect(() => mem.read(0xffffea0000000000n + 0x20000n * 64n, 8, 'read')).toThrow(/not-present|nothing mapped/);
  });
});
