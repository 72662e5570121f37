/**
 * textsearch_register, register_quota_format, register_dcbevent_notifier (lib-registries.ts), DO_ONCE (once.ts),
 * strcasecmp/strncasecmp (memory-fns.ts) and efivars_kobject (machine.ts): the rules, then real modules against the
 * real kernel. scripts/qemu/recordings/lib-registries.json.gz is `node scripts/qemu/record-modules.mjs --only
 * efivarfs,ts_kmp,ts_bm,ts_fsm,quota_v2,quota_v1,fcoe,nf_conntrack,rds,async_tx,abituguru,abituguru3,nct6775,sbc_fitpc2_wdt,
 * dummy,ifb,vmw_vmci,vmw_vsock_vmci_transport,libcrc32c,dell_wmi_sysman,ibmasr` (dmi_get_system_info, dmi_find_device,
 * __rtnl_link_register, __rcu_read_lock and libcrc32c's soft dependency as well) on the modelled machine: each modprobe
 * replayed through the model's shell must print, exit, log and list /proc/modules as the real one did (async_tx, whose
 * dmaengine_get() has no model, must say so instead).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64 } from './mem';
import { bootKernel, CORPUS, ROOT } from '../../../scripts/test-support/kernel';
import { Shell } from '../../shell/index';
import { attachCpu } from '../attach';
import { createIcedDecoder } from '../../../host-common/iced-decoder';
import { moduleIndex } from '../../../main/cli/shell';

const cstr = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`);

describe('the registries (rules of the 6.1 source)', () => {
  it('textsearch_register: -EINVAL without find(), -EEXIST for a second algorithm of the same name, 0 after unregister', () => {
    const state = new KernelCallState();
    const { ctx, call } = modelCaller(state);
    const name = ctx.poke(0xffffffffc0400000n, cstr('kmp'));
    const ops = (at: bigint, find: bigint): bigint => {
      const b = new BigUint64Array([name, 0xffffffffc0401000n, find, 0n, 0xffffffffc0401010n, 0xffffffffc0401020n, 0n, 0n, 0n]);
      return ctx.poke(at, new Uint8Array(b.buffer));
    };
    expect(call('textsearch_register', ops(0xffffffffc0402000n, 0n))).toBe(BigInt.asUintN(64, -22n));
    const a = ops(0xffffffffc0403000n, 0xffffffffc0401030n);
    expect(call('textsearch_register', a)).toBe(0n);
    expect(call('textsearch_register', ops(0xffffffffc0404000n, 0xffffffffc0401030n))).toBe(BigInt.asUintN(64, -17n));
    expect(call('textsearch_unregister', a)).toBe(0n);
    expect(call('textsearch_register', a)).toBe(0n);
  });
  it('register_quota_format: each format becomes the head, its qf_next the previous head (NULL first)', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const v2 = ctx.poke(0xffffffffc0410000n, new Uint8Array(32));
    const v1 = ctx.poke(0xffffffffc0411000n, new Uint8Array(32).fill(0xee));
    expect(call('register_quota_format', v2)).toBe(0n);
    expect(readU64(ctx.mem, v2 + 24n)).toBe(0n);
    expect(call('register_quota_format', v1)).toBe(0n);
    expect(readU64(ctx.mem, v1 + 24n)).toBe(v2);
  });
  it('DO_ONCE: __do_once_start is true until __do_once_done marks it done; the saved flags are written', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const done = ctx.poke(0xffffffffc0420000n, new Uint8Array(1));
    const flags = ctx.poke(0xffffffffc0420008n, new Uint8Array(8));
    expect(call('__do_once_start', done, flags)).toBe(1n);
    expect(readU64(ctx.mem, flags)).toBe(0x246n);
    expect(call('__do_once_done', done, 0xffffffffc0430000n, flags, 0n)).toBe(0n);
    expect(call('__do_once_start', done, flags)).toBe(0n);
  });
  it('strcasecmp and strncasecmp fold A-Z and Latin-1 upper case (not ×), and return byte differences', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const s = (at: bigint, bytes: number[]): bigint => ctx.poke(at, Uint8Array.from([...bytes, 0]));
    const int = (v: bigint | 'not-modelled'): number => Number(BigInt.asIntN(32, v as bigint));
    const utf8 = s(0xffffffffc0440000n, [...'UTF-8'].map((c) => c.charCodeAt(0)));
    const lower = s(0xffffffffc0440100n, [...'utf-8'].map((c) => c.charCodeAt(0)));
    expect(int(call('strcasecmp', utf8, lower))).toBe(0);
    expect(int(call('strcasecmp', s(0xffffffffc0440200n, [0xc9]), s(0xffffffffc0440300n, [0xe9])))).toBe(0); // É é
    expect(int(call('strcasecmp', s(0xffffffffc0440400n, [0xd7]), s(0xffffffffc0440500n, [0xf7])))).toBe(0xd7 - 0xf7); // × ÷
    expect(int(call('strcasecmp', s(0xffffffffc0440600n, [0x61, 0x62]), s(0xffffffffc0440700n, [0x61])))).toBe(0x62);
    // strncasecmp returns the raw bytes when they differ only in case beyond n… and stops at n.
    expect(int(call('strncasecmp', s(0xffffffffc0440800n, [0x41, 0x42, 0x43]), s(0xffffffffc0440900n, [0x61, 0x62, 0x64]), 2n))).toBe(0);
    expect(int(call('strncasecmp', s(0xffffffffc0440a00n, [0x41, 0x42, 0x43]), s(0xffffffffc0440b00n, [0x61, 0x62, 0x64]), 3n))).toBe(0x63 - 0x64);
  });
});

interface Kmsg {
  level: number;
  text: string;
}
interface Rec {
  target: string;
  modprobe: { cmd: string; output: string; rc: number; kmsg: Kmsg[] };
  modules: string[];
  rmmod: { cmd: string };
}
interface Recording {
  modules: Rec[];
  depmod: { deps: Record<string, string[]>; softdeps: Record<string, { pre: string[]; post: string[] }> };
}

const REC = join(ROOT, 'scripts', 'qemu', 'recordings', 'lib-registries.json.gz');
const haveCorpus = existsSync(join(CORPUS, 'lib', 'ts_kmp.ko'));

describe.skipIf(!process.env.CI && !haveCorpus)('real modules that call them, against the real kernel under QEMU', () => {
  it('ts_kmp/ts_bm/ts_fsm, quota_v1/v2, fcoe (DCB notifier), rds (DO_ONCE), nf_conntrack load as recorded; efivarfs fails with ENODEV', () => {
    if (!haveCorpus) throw new Error(`missing the Debian corpus at ${CORPUS} (scripts/fetch-corpus.sh)`);
    const rec = JSON.parse(gunzipSync(readFileSync(REC)).toString('utf8')) as Recording;
    const index = moduleIndex(CORPUS);
    const depmod = { deps: new Map(Object.entries(rec.depmod.deps)), softdeps: new Map(Object.entries(rec.depmod.softdeps)) };
    const files = (p: string): Uint8Array | null => (p.startsWith(CORPUS) && existsSync(p) ? new Uint8Array(readFileSync(p)) : null);
    const decoder = createIcedDecoder();
    const seen: Record<string, string> = {};
    for (const r of rec.modules) {
      const k = bootKernel({ quiet: true });
      attachCpu(k, decoder);
      const sh = new Shell(k, files, { moduleIndex: index, depmod });
      const from = k.log.records.length;
      const p = sh.run(r.modprobe.cmd);
      const log = k.log.records.slice(from).map((m) => `<${m.level}>${m.text}`);
      const mods = sh.run('cat /proc/modules').output.split('\n').filter(Boolean);
      // Without load addresses: with dependencies, where each module lands depends on when the real kernel's do_free_init()
      // work freed the previous ones' init areas (kernel/module/main.c; two real runs differ: module-recordings.test.ts).
      const noAddr = (rows: string[]): string[] => rows.map((row) => row.replace(/ 0x[0-9a-f]+$/, ''));
      const model = JSON.stringify([p.output, p.exit, log, noAddr(mods)]);
      const real = JSON.stringify([r.modprobe.output, r.modprobe.rc, r.modprobe.kmsg.map((m) => `<${m.level}>${m.text}`), noAddr(r.modules)]);
      seen[r.target] = model === real ? 'identical' : r.target === 'async_tx' ? p.output : `differs: ${model} vs ${real}`;
    }
    expect(seen).toEqual({
      efivarfs: 'identical',
      ts_kmp: 'identical',
      ts_bm: 'identical',
      ts_fsm: 'identical',
      quota_v2: 'identical',
      quota_v1: 'identical',
      fcoe: 'identical',
      nf_conntrack: 'identical',
      rds: 'identical',
      abituguru: 'identical',
      abituguru3: 'identical',
      nct6775: 'identical',
      sbc_fitpc2_wdt: 'identical',
      dummy: 'identical',
      ifb: 'identical',
      vmw_vmci: 'identical',
      vmw_vsock_vmci_transport: 'identical',
      libcrc32c: 'identical',
      dell_wmi_sysman: 'identical',
      ibmasr: 'identical',
      async_tx: "[modscope] Modscope cannot say what Linux does after dmaengine_get() (not modelled): how modprobe ends is not known\n",
    });
    expect(rec.modules.find((r) => r.target === 'efivarfs')?.modprobe.output).toMatch(/No such device/);
    // dmi_find_device() returns NULL because the machine's SMBIOS has none of the types that fill dmi_devices.
    const dmi = JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'recordings', 'dmi-entries.qemu.json'), 'utf8')) as { steps: { output: string }[] };
    const types = dmi.steps[0].output.split('\n').filter(Boolean).map((e) => Number(e.split('-')[0]));
    expect(types.sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 16, 17, 19, 32, 127]);
  }, 300_000);
});
