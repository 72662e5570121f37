import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isKernelProfileError, KernelProfileError, parseProfile } from './profile';
import { missing } from '../../scripts/test-support/prereq';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RELEASE = '6.1.0-50-amd64';
const PROFILE = join(ROOT, 'samples', 'kernel', `debian-${RELEASE}.json.gz`);
const SYMVERS = `/usr/src/linux-headers-${RELEASE}/Module.symvers`;

const raw: unknown = JSON.parse(gunzipSync(readFileSync(PROFILE)).toString('utf8'));
const profile = parseProfile(raw);

describe(`kernel profile debian-${RELEASE}`, () => {
  it('has the release, vermagic, layout and loading config', () => {
    expect(profile.release).toBe(RELEASE);
    expect(profile.vermagic).toBe('6.1.0-50-amd64 SMP preempt mod_unload modversions ');
    expect(profile.moduleLayout).toEqual({ size: 0x380, init: 0x138, exit: 0x350 });
    expect(profile.configEnabled('MODVERSIONS')).toBe(true);
    expect(profile.configEnabled('CONFIG_MODULE_SIG_FORCE')).toBe(false);
    expect(profile.config.get('CONFIG_LOG_BUF_SHIFT')).toBe('17');
    expect(profile.sections.get('.text')).toBe(0xffffffff81000000n);
    expect(profile.sections.get('_text')).toBe(0xffffffff81000000n);
  });

  it('has at least 10,000 vmlinux exports', () => {
    expect(profile.vmlinuxExports.length).toBeGreaterThanOrEqual(10_000);
    expect(profile.moduleExports.length).toBeGreaterThan(10_000);
  });

  it('_printk: CRC 0x92997ed8, not GPL-only', () => {
    const p = profile.lookup('_printk');
    expect(p).toBeDefined();
    expect(p?.module).toBe('vmlinux');
    expect(p?.crc).toBe(0x92997ed8);
    expect(p?.gpl).toBe(false);
    expect(p?.namespace).toBeNull();
  });

  it('module_layout exists; register_kprobe is GPL-only', () => {
    expect(profile.lookup('module_layout')?.crc).toBe(0xbce1a965);
    expect(profile.lookup('register_kprobe')?.gpl).toBe(true);
  });

  it('module exports carry their module path and namespace', () => {
    const e = profile.lookup('iwl_write8');
    expect(e?.module).toBe('drivers/net/wireless/intel/iwlwifi/iwlwifi');
    expect(e?.namespace).toBe('IWLWIFI');
    expect(e?.address).toBeNull();
  });

  it('all vmlinux export addresses lie in the kernel image mapping, except per-CPU offsets', () => {
    // Per-CPU exports (EXPORT_PER_CPU_SYMBOL) are offsets into .data..percpu, linked at 0.
    const pc = profile.percpu;
    expect(pc?.start).toBe(0n);
    let percpu = 0;
    for (const e of profile.vmlinuxExports) {
      const a = e.address;
      if (a === null) throw new Error(`${e.name} has no address`);
      if (e.percpu) {
        percpu++;
        if (!pc || a < pc.start || a >= pc.start + pc.size) throw new Error(`${e.name} at ${a.toString(16)}`);
      } else if (a < 0xffffffff80000000n || a > 0xffffffffffffffffn) throw new Error(`${e.name} at ${a.toString(16)}`);
    }
    expect(profile.lookup('softnet_data')?.percpu).toBe(true);
    expect(profile.lookup('__preempt_count')?.percpu).toBe(true);
    expect(profile.lookup('jiffies')?.percpu).toBe(false);
    expect(percpu).toBeGreaterThan(0);
    expect(percpu).toBeLessThan(100);
  });

  it('address → nearest symbol at or below', () => {
    const p = profile.lookup('_printk')?.address ?? 0n;
    expect(profile.symbolize(p + 0x10n)?.text).toBe('_printk+0x10');
    expect(profile.symbolize(p)?.text).toBe('_printk');
    expect(profile.symbolize(0xffffffff80000000n)).toBeNull();
    expect(profile.symbolize(0x1000n)).toBeNull(); // per-CPU offsets are not symbolized
  });

  it.skipIf(missing('Module.symvers (linux-headers-6.1.0-50-amd64)', existsSync(SYMVERS)))(
    `agrees with every vmlinux line of Module.symvers (skipped: needs linux-headers-${RELEASE})`,
    () => {
      let n = 0;
      for (const line of readFileSync(SYMVERS, 'utf8').split('\n')) {
        const [crc, name, mod, type, ns] = line.split('\t');
        if (mod !== 'vmlinux') continue;
        n++;
        const e = profile.lookup(name);
        expect(e, name).toBeDefined();
        expect({ name, module: e?.module, crc: e?.crc, gpl: e?.gpl, ns: e?.namespace ?? '' }).toEqual({
          name,
          module: 'vmlinux',
          crc: parseInt(crc, 16),
          gpl: type === 'EXPORT_SYMBOL_GPL',
          ns: ns ?? '',
        });
      }
      expect(n).toBe(profile.vmlinuxExports.length);
    },
  );
});

describe('parseProfile validation', () => {
  const clone = (): Record<string, unknown> => JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  const code = (v: unknown): string => {
    try {
      parseProfile(v);
    } catch (e) {
      expect(isKernelProfileError(e)).toBe(true);
      return `${(e as KernelProfileError).code} ${(e as KernelProfileError).path}`;
    }
    return 'ok';
  };

  it('rejects malformed shapes with typed errors', () => {
    expect(code(null)).toBe('not-object $');
    expect(code({ ...clone(), format: 'x' })).toBe('bad-format $.format');
    const a = clone();
    (a.vmlinux as { crc: string[] }).crc.pop();
    expect(code(a)).toBe('length-mismatch $.vmlinux.crc');
    const b = clone();
    (b.vmlinux as { addr: string[] }).addr[3] = '0xzz';
    expect(code(b)).toBe('bad-field $.vmlinux.addr[3]');
    const c = clone();
    (c.modules as { module: number[] }).module[0] = 1e6;
    expect(code(c)).toBe('bad-field $.modules.module[0]');
    expect(code(clone())).toBe('ok');
  });
});
