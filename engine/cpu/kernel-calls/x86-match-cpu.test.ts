/**
 * x86_match_cpu() (arch/x86/kernel/cpu/match.c) on the modelled qemu64 CPU: the x86_cpu_id layout of
 * include/linux/mod_devicetable.h (flags after feature, the table ends at the first entry without
 * X86_CPU_ID_FLAG_ENTRY_VALID), and feature bits read from the recorded boot_cpu_data.x86_capability[].
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/test-support/kernel';
import { missing } from '../../../scripts/test-support/prereq';
import { kernelFunctionModels } from './registry';
import { KernelCallState } from './state';
import { fakeContext } from './fake-context';
import { qemu64HasFeature } from './machine';

const CPUFEATURES = '/usr/src/linux-headers-6.1.0-50-common/arch/x86/include/asm/cpufeatures.h';
const ANY = 0xffff;
const AMD = 2;
const INTEL = 0;
const VALID = 1;

/** One struct x86_cpu_id: u16 vendor, family, model, steppings, feature, flags; kernel_ulong_t driver_data. */
function entry(vendor: number, family: number, model: number, steppings: number, feature: number, flags: number, data: bigint): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  [vendor, family, model, steppings, feature, flags].forEach((x, i) => v.setUint16(2 * i, x, true));
  v.setBigUint64(16, data, true);
  return b;
}

describe('x86_match_cpu on qemu64 (AMD family 0xf model 0x6b stepping 1)', () => {
  const models = kernelFunctionModels(new KernelCallState());
  const ctx = fakeContext();
  const match = (at: bigint, ...entries: Uint8Array[]): bigint | 'not-modelled' => {
    const table = new Uint8Array(24 * (entries.length + 1));
    entries.forEach((e, i) => table.set(e, 24 * i));
    ctx.poke(at, table);
    const f = models.get('x86_match_cpu');
    if (!f) throw new Error('x86_match_cpu is not modelled');
    return ctx.call(f, at);
  };

  it('tests feature bits against boot_cpu_data: sse2 and cx16 yes, sse4_2 and aes no', () => {
    const t = 0xffffffffc0340000n;
    // X86_MATCH_FEATURE(X86_FEATURE_XMM4_2) (crc32c-intel), X86_FEATURE_AES (aesni-intel): qemu64 has neither.
    expect(match(t, entry(ANY, 0, 0, 0, 4 * 32 + 20, VALID, 1n), entry(ANY, 0, 0, 0, 4 * 32 + 25, VALID, 2n))).toBe(0n);
    // X86_FEATURE_XMM2 (0*32+26) is there: the second entry matches.
    expect(match(t, entry(ANY, 0, 0, 0, 4 * 32 + 28, VALID, 1n), entry(ANY, 0, 0, 0, 26, VALID, 2n))).toBe(t + 24n);
    expect(match(t, entry(AMD, 0xf, 0, 0, 4 * 32 + 13, VALID, 1n))).toBe(t);
  });

  it('matches vendor, family, model and the stepping mask; stops at the first entry without ENTRY_VALID', () => {
    const t = 0xffffffffc0341000n;
    expect(match(t, entry(INTEL, 6, 0, 0, 0, VALID, 1n), entry(AMD, 0x10, 0, 0, 0, VALID, 2n), entry(AMD, 0xf, 0x6b, 1 << 1, 0, VALID, 3n))).toBe(
      t + 48n,
    );
    expect(match(t, entry(AMD, 0xf, 0x6b, 1 << 2, 0, VALID, 1n), entry(AMD, 0xf, 0x6a, 0, 0, VALID, 2n))).toBe(0n);
    // An entry with vendor, family and feature all zero but ENTRY_VALID set is a real entry (INTEL, any family):
    // the old {}-terminator guess would have stopped there.
    expect(match(t, entry(INTEL, 0, 0, 0, 0, VALID, 1n), entry(ANY, 0, 0, 0, 0, VALID, 2n))).toBe(t + 24n);
    // Without ENTRY_VALID the walk ends, even when the fields would match.
    expect(match(t, entry(AMD, 0xf, 0, 0, 0, 0, 1n))).toBe(0n);
  });
});

describe.skipIf(missing(`the 6.1.0-50 headers (${CPUFEATURES}, linux-headers-6.1.0-50-common)`, existsSync(CPUFEATURES)))(
  'the recorded boot_cpu_data',
  () => {
    it('has exactly the feature bits /proc/cpuinfo of the real guest lists', () => {
      // Each X86_FEATURE_x (word*32+bit) shows in /proc/cpuinfo as its quoted name, or x lowercased; "" hides it.
      const names = new Set<string>();
      const h = readFileSync(CPUFEATURES, 'utf8');
      for (const m of h.matchAll(/#define X86_FEATURE_(\w+)\s+\(\s*(\d+)\*32\+\s*(\d+)\)\s*(?:\/\*\s*("[^"]*")?)?/g)) {
        const name = m[4] !== undefined ? m[4].slice(1, -1) : m[1].toLowerCase();
        if (name && qemu64HasFeature(Number(m[2]) * 32 + Number(m[3]))) names.add(name);
      }
      const facts = JSON.parse(gunzipSync(readFileSync(join(ROOT, 'samples', 'kernel', 'machine-qemu-pc.json.gz'))).toString('utf8')) as {
        cpu: { flags: string[] };
      };
      expect([...names].sort()).toEqual([...facts.cpu.flags].sort());
    });
  },
);
