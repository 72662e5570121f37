/**
 * vmlinux's kallsyms in the kernel profile (the real /proc/kallsyms of 6.1.0-50-amd64, read under
 * QEMU by scripts/kernel-profile/kallsyms.mjs): lookups by name and address, sizes, the kprobe
 * checks, /proc/kallsyms, and register_kprobe() on a non-exported function run on the CPU model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bootKernel, debianProfile, ROOT } from '../../scripts/test-support/kernel';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { attachCpu } from '../cpu/attach';
import { kernelSymbolNames } from '../cpu/kernel-run';
import { Shell } from '../shell/index';
import { kallsymsLookupName, kprobeAddressProblem, procKallsymsVmlinux } from './kallsyms-lookup';
import { isKernelProfileError, parseProfile } from './profile';

const PROFILE = join(ROOT, 'samples', 'kernel', 'debian-6.1.0-50-amd64.json.gz');
const raw = JSON.parse(gunzipSync(readFileSync(PROFILE)).toString('utf8')) as Record<string, unknown>;
const profile = debianProfile();
const table = profile.kallsyms;

function kprobeShell(kaslrSeed: number | null): { log: string[] } {
  const k = bootKernel({ quiet: true, kaslrSeed });
  attachCpu(k, createIcedDecoder());
  const ko = new Uint8Array(readFileSync(join(ROOT, 'samples', 'kprobe-lookup', 'kprobe-lookup.ko')));
  const sh = new Shell(k, (p) => (p === '/root/kprobe-lookup.ko' ? ko : null));
  sh.vfs.cwd = '/root';
  const from = k.log.records.length;
  expect(sh.run('insmod kprobe-lookup.ko').exit).toBe(0);
  return { log: k.log.records.slice(from).map((r) => r.text) };
}

describe('kallsyms table of debian 6.1.0-50-amd64', () => {
  it('holds every vmlinux line of the real /proc/kallsyms, compactly', () => {
    expect(table).not.toBeNull();
    if (!table) return;
    // The hello recording counts 94,113 lines with hello.ko's 12 loaded.
    expect(table.count).toBe(94_101);
    expect(table.types.length).toBe(table.count);
    const kallsymsGz = gzipSync(Buffer.from(JSON.stringify(raw.kallsyms)), { level: 9 }).length;
    expect(kallsymsGz).toBeLessThanOrEqual(600 * 1024);
    expect(readFileSync(PROFILE).length).toBeLessThanOrEqual(900 * 1024);
  });

  it('flush_tlb_all (not exported) is at 0xffffffff8108b490 without KASLR, T, 0x30 long', () => {
    expect(profile.lookup('flush_tlb_all')).toBeUndefined();
    expect(table?.linkAddress('flush_tlb_all')).toBe(0xffffffff8108b490n);
    expect(kallsymsLookupName(bootKernel(), 'flush_tlb_all')).toBe(0xffffffff8108b490n);
    const s = profile.symbolize(0xffffffff8108b490n);
    expect(s?.name).toBe('flush_tlb_all');
    expect(s?.symbol).toBeNull();
    expect(s?.sprint).toBe('flush_tlb_all+0x0/0x30'); // flush_tlb_kernel_range follows at ...b4c0
    expect(profile.symbolize(0xffffffff8108b4a3n)?.sprint).toBe('flush_tlb_all+0x13/0x30');
  });

  it('agrees with the export table on every export (name and address)', () => {
    if (!table) throw new Error('no kallsyms');
    // Static names may repeat (several 't' symbols of one name): match name and address together.
    const both = new Set(table.names.map((n, i) => `${n}@${table.addresses[i]}`));
    let agree = 0;
    const disagree: string[] = [];
    for (const e of profile.vmlinuxExports) {
      if (both.has(`${e.name}@${e.address}`)) agree++;
      else disagree.push(e.name);
    }
    expect(disagree).toEqual([]);
    expect(agree).toBe(10_487);
    expect(profile.vmlinuxExports.filter((e) => e.percpu).length).toBe(39); // per-CPU offsets agree too
    const printk = profile.lookup('_printk');
    expect(printk?.address).toBe(table.linkAddress('_printk'));
    expect(profile.symbolize(printk?.address ?? 0n)?.symbol).toBe(printk);
  });

  it('symbolizes only inside [_stext, _end] (is_ksym_addr with KALLSYMS_ALL)', () => {
    expect(profile.symbolize(0xffffffff80000000n)).toBeNull();
    expect(profile.symbolize(0x1000n)).toBeNull();
    expect(profile.symbolize(0xffffffff84a00000n)).toBeNull(); // __init_scratch_end, past _end
  });

  it('slides with KASLR: lookups, /proc/kallsyms and the kprobe-lookup sample', () => {
    const k = bootKernel({ kaslrSeed: 7 });
    const slide = k.as.kernelSlide;
    expect(slide).not.toBe(0n);
    expect(kallsymsLookupName(k, 'flush_tlb_all')).toBe(0xffffffff8108b490n + slide);
    expect(kallsymsLookupName(k, 'fixed_percpu_data')).toBe(0n); // absolute per-CPU offset: no slide
    const lines = procKallsymsVmlinux(k, true).split('\n');
    expect(lines.length - 1).toBe(94_101);
    expect(lines).toContain(`${(0xffffffff8108b490n + slide).toString(16)} T flush_tlb_all`);
    expect(lines[0]).toBe('0000000000000000 A fixed_percpu_data');
    const at = (0xffffffff8108b490n + slide).toString(16);
    expect(kprobeShell(7).log).toContain(`kprobe-lookup: flush_tlb_all is at ${at}`);
    expect(kprobeShell(null).log).toContain('kprobe-lookup: flush_tlb_all is at ffffffff8108b490');
  });

  it('register_kprobe refuses data and blacklisted functions (check_kprobe_address_safe)', () => {
    const k = bootKernel();
    expect(table?.kprobeBlacklist.size).toBeGreaterThan(300);
    expect(table?.kprobeBlacklist.has('asm_exc_divide_error')).toBe(true);
    const bl = kallsymsLookupName(k, 'asm_exc_divide_error');
    expect(bl).not.toBeNull();
    expect(kprobeAddressProblem(k, bl ?? 0n)).toMatch(/blacklist/);
    expect(kprobeAddressProblem(k, kallsymsLookupName(k, 'jiffies') ?? 0n)).toMatch(/not kernel text/);
    expect(kprobeAddressProblem(k, 0xffffffff8108b490n)).toBeNull();
  });

  it('the CPU knows a non-exported function called at its start (kernelSymbolNames)', () => {
    const k = bootKernel({ kaslrSeed: 3 });
    const names = kernelSymbolNames(k);
    const at = 0xffffffff8108b490n + k.as.kernelSlide;
    expect(names.name(at)).toBe('flush_tlb_all');
    expect(names.isVmlinux(at)).toBe(true);
    expect(names.isVmlinux(at + 1n)).toBe(false);
    expect(names.isVmlinux(kallsymsLookupName(k, 'jiffies') ?? 0n)).toBe(true); // exported data: the export map
    expect(names.isVmlinux(kallsymsLookupName(k, 'sme_workarea') ?? 0n)).toBe(false); // past _end
  });

  it('/proc/kallsyms in the shell: the real grep line and line count', () => {
    const k = bootKernel({ quiet: true });
    const sh = new Shell(k, () => null);
    const r = sh.run('grep -w flush_tlb_all /proc/kallsyms');
    expect(r.output).toBe('ffffffff8108b490 T flush_tlb_all\n');
    expect(sh.run('grep -c . /proc/kallsyms').output).toBe('94101\n');
  });

  it('answers names and first indexes from the front-coded lines exactly as from the decoded names', () => {
    const fresh = () => parseProfile(raw).kallsyms;
    const lines = fresh();
    const decoded = fresh()?.names ?? [];
    if (!lines) throw new Error('no kallsyms');
    expect(decoded.length).toBe(94_101);
    // nameAt() on a table that has not decoded its names: every 7th name, and the first and last.
    for (let i = 0; i < decoded.length; i += 7) expect(lines.nameAt(i)).toBe(decoded[i]);
    expect(lines.nameAt(decoded.length - 1)).toBe(decoded[decoded.length - 1]);
    // indexOf() answers its first 16 questions by scanning the lines: repeated names, a prefix of a name, absent ones.
    const first = (n: string): number => decoded.indexOf(n);
    const asked = ['init_task', 'init_nsproxy', '_end', '_text', 'jiffies', 'jiffie', 'jiffies_64', 'flush_tlb_all', 'no_such_symbol'];
    const scanning = fresh();
    for (const n of [...asked, ...asked]) expect(scanning?.indexOf(n)).toBe(first(n));
    expect(lines.find(0xffffffff8108b490n)?.name).toBe('flush_tlb_all');
  });

  it('loads a profile without kallsyms and rejects a bad table with a typed error', () => {
    const old = parseProfile({ ...raw, kallsyms: undefined });
    expect(old.kallsyms).toBeNull();
    expect(old.symbolize(0xffffffff8108b490n)?.symbol?.name).not.toBe('flush_tlb_all');
    const ks = raw.kallsyms as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>): unknown => {
      try {
        parseProfile({ ...raw, kallsyms: { ...ks, ...patch } });
      } catch (e) {
        return isKernelProfileError(e) ? e.path : e;
      }
      return 'accepted';
    };
    expect(bad({ delta: (ks.delta as number[]).slice(1) })).toBe('$.kallsyms.delta');
    expect(bad({ type: 'T' })).toBe('$.kallsyms.type');
    expect(bad({ name: `${ks.name as string}\n0extra` })).toBe('$.kallsyms.name');
    expect(bad({ name: (ks.name as string).replace(/\n[^\n]*$/, '\n+') })).toBe('$.kallsyms.name[94100]');
    expect(bad({ name: 'zoops\n' + (ks.name as string).split('\n').slice(1).join('\n') })).toBe('$.kallsyms.name[0]');
    expect(bad({ delta: [1, ...(ks.delta as number[]).slice(1, 3), -1, ...(ks.delta as number[]).slice(4)] })).toBe('$.kallsyms.delta[3]');
  });
});
