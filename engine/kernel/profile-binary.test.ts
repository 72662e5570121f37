import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeProfileBinary, encodeProfileBinary, latin1Js } from './profile-binary';
import { isKernelProfileError, parseProfile, type KernelExport } from './profile';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const raw: unknown = JSON.parse(gunzipSync(readFileSync(join(ROOT, 'samples', 'kernel', 'debian-6.1.0-50-amd64.json.gz'))).toString('utf8'));
const json = parseProfile(raw);
const bin = encodeProfileBinary(raw);
const nativeLatin1 = (b: Uint8Array, s: number, e: number): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', s, e);
const plain = (e: KernelExport | undefined): unknown => (e ? { ...e } : e);

describe('binary kernel profile (debian 6.1.0-50-amd64)', () => {
  it('answers lookup() for every export name as the JSON profile does, the same object for the same export', () => {
    const fresh = decodeProfileBinary(bin, nativeLatin1);
    const names = new Set([...json.vmlinuxExports, ...json.moduleExports].map((e) => e.name));
    expect(names.size).toBeGreaterThan(20_000);
    for (const n of names) expect(plain(fresh.lookup(n)), n).toEqual(plain(json.lookup(n)));
    for (const n of ['', 'no_such_export', '_printk_', 'printk\0']) expect(fresh.lookup(n)).toBeUndefined();
    expect(fresh.lookup('_printk')).toBe(fresh.lookup('_printk'));
    // lookup() and the lists hand out the same objects (symbolize() finds its export in the list).
    expect(fresh.vmlinuxExports.includes(fresh.lookup('_printk') as KernelExport)).toBe(true);
  });

  it('has the same export lists, small fields and config', () => {
    const b = decodeProfileBinary(bin);
    expect(b.vmlinuxExports.map(plain)).toEqual(json.vmlinuxExports.map(plain));
    expect(b.moduleExports.map(plain)).toEqual(json.moduleExports.map(plain));
    expect(b.vmlinuxExports.length).toBe(10_487);
    expect([b.release, b.distro, b.vermagic, b.moduleLayout, b.percpu]).toEqual([
      json.release,
      json.distro,
      json.vermagic,
      json.moduleLayout,
      json.percpu,
    ]);
    expect([...b.config]).toEqual([...json.config]);
    expect([...b.sections]).toEqual([...json.sections]);
    for (const c of [...json.config.keys(), 'MODVERSIONS', 'NO_SUCH']) expect(b.configEnabled(c)).toBe(json.configEnabled(c));
  });

  it('has the same kallsyms table: every name, type, address, first index and symbolize() answer', () => {
    const b = decodeProfileBinary(bin, nativeLatin1);
    const t = b.kallsyms;
    const j = json.kallsyms;
    if (!t || !j) throw new Error('no kallsyms');
    expect(t.count).toBe(94_101);
    expect(t.types).toBe(j.types);
    expect([...t.addresses]).toEqual([...j.addresses]);
    expect([...t.kprobeBlacklist]).toEqual([...j.kprobeBlacklist]);
    const names = j.names;
    // nameAt() before the names are decoded, then indexOf() (the precomputed index) against the first index.
    const differ: string[] = [];
    for (let i = 0; i < t.count; i++) if (t.nameAt(i) !== names[i]) differ.push(`nameAt(${i})`);
    const first = new Map<string, number>();
    names.forEach((n, i) => first.has(n) || first.set(n, i));
    for (const [n, i] of first) if (t.indexOf(n) !== i) differ.push(`indexOf(${n})`);
    for (const n of ['', 'jiffie', 'no_such_symbol']) if (t.indexOf(n) !== -1) differ.push(`indexOf(${n})`);
    expect(t.names).toEqual(names);
    // symbolize() at, after and before every symbol: its text, size and export.
    const exp = (e: KernelExport | null): string => (e ? `${e.name} ${e.module} ${e.address} ${e.percpu} ${e.crc} ${e.gpl} ${e.namespace}` : '-');
    const key = (s: ReturnType<typeof json.symbolize>): string => (s ? `${s.sprint} ${s.text} ${s.address} ${s.size} ${exp(s.symbol)}` : 'null');
    for (let i = 0; i < t.count; i++) {
      const a = j.addresses[i];
      for (const x of [a, a + 1n, a - 1n]) {
        if (key(b.symbolize(x)) !== key(json.symbolize(x))) differ.push(`symbolize(${x.toString(16)})`);
        if (t.isText(x) !== j.isText(x)) differ.push(`isText(${x.toString(16)})`);
      }
    }
    expect(differ).toEqual([]);
    expect(t.linkAddress('flush_tlb_all')).toBe(0xffffffff8108b490n);
  });

  it('decodes a copy at an odd offset, with the JavaScript Latin-1 decoder, and rejects what it did not write', () => {
    const odd = new Uint8Array(bin.length + 3);
    odd.set(bin, 3);
    const b = decodeProfileBinary(odd.subarray(3), latin1Js);
    expect(b.lookup('_printk')?.address).toBe(json.lookup('_printk')?.address);
    const reject = (bytes: Uint8Array): unknown => {
      try {
        decodeProfileBinary(bytes);
      } catch (e) {
        return isKernelProfileError(e) ? e.code : e;
      }
      return 'accepted';
    };
    expect(reject(bin.subarray(0, 8))).toBe('bad-format');
    expect(reject(bin.subarray(0, bin.length - 10))).not.toBe('accepted');
    const other = bin.slice();
    other[7] = 0x32; // "MSKPROF2"
    expect(reject(other)).toBe('bad-format');
  });

  it('decodes the 1.4 MB of kallsyms lines only when a name is asked for', () => {
    const sizes: number[] = [];
    const b = decodeProfileBinary(bin, (bytes, start, end) => (sizes.push(end - start), latin1Js(bytes, start, end)));
    const big = (): number => sizes.filter((n) => n > 1_000_000).length;
    expect(b.kallsyms?.isText(0xffffffff8108b490n)).toBe(true); // the bounds are stored
    expect(b.lookup('_printk')?.name).toBe('_printk');
    expect(big()).toBe(0);
    expect(b.symbolize(0xffffffff8108b4a3n)?.sprint).toBe('flush_tlb_all+0x13/0x30');
    expect(b.kallsyms?.indexOf('flush_tlb_all')).toBe(json.kallsyms?.indexOf('flush_tlb_all'));
    expect(big()).toBe(1);
  });

  it('refuses to encode a profile the JSON reader refuses', () => {
    expect(() => encodeProfileBinary({ ...(raw as object), version: 99 })).toThrow(/unsupported version/);
  });
});
