/**
 * acpi_walk_namespace, acpi_fetch_acpi_dev, acpi_device_hid, acpi_match_device_ids (acpi-namespace.ts): the namespace
 * against the real machine's /sys/bus/acpi/devices (scripts/qemu/recordings/acpi-namespace.qemu.json), ACPICA's walk
 * rules, then intel_hid (no INT33D5 or alike: nothing created) and fjes (no PNP0C02: -ENODEV) against the real kernel.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64 } from './mem';
import { QEMU_PC_ACPI_DEVICES } from './acpi-namespace';
import { ROOT } from '../../../scripts/test-support/kernel';
import { haveSampleCorpus, replaySampleTargets } from '../../../scripts/test-support/sample-replay';

const ROOT_OBJECT = 0xffffffffffffffffn;
const DOWN = 0xffffffffc0001000n;
const UP = 0xffffffffc0002000n;

/** path → IDs of the model's Device objects, in walk order. */
function flatten(): [string, string[]][] {
  const out: [string, string[]][] = [];
  const go = (list: typeof QEMU_PC_ACPI_DEVICES, prefix: string): void => {
    for (const n of list) {
      out.push([`${prefix}${n.name}`, n.ids]);
      go(n.children, `${prefix}${n.name}.`);
    }
  };
  go(QEMU_PC_ACPI_DEVICES, '\\');
  return out;
}

describe('the ACPI namespace of QEMU’s PC', () => {
  it('has the Device objects with a struct acpi_device the real kernel lists, with their recorded IDs', () => {
    const rec = JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'recordings', 'acpi-namespace.qemu.json'), 'utf8')) as {
      steps: { output: string }[];
    };
    const real = new Map<string, string[]>();
    for (const line of rec.steps[0].output.split('\n')) {
      const m = /^(\S+) path=(\S*) hid=\S* modalias=(\S*) status=/.exec(line);
      if (!m || m[2] === '' || m[1].startsWith('LNXCPU') || m[1].startsWith('LNXSYSTM')) continue; // no node, a Processor, the root
      real.set(m[2], m[3] === '' ? [] : m[3].replace(/^acpi:/, '').split(':').filter(Boolean));
    }
    expect(new Map(flatten())).toEqual(real);
    expect(real.size).toBe(52);
  });

  it('walks depth first: descending then ascending callbacks with levels; AE_CTRL_DEPTH skips children; AE_CTRL_TERMINATE ends with AE_OK', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const seen: string[] = [];
    const name = (h: bigint): string => ctx.peekString(h + 8n).slice(0, 4);
    ctx.moduleFunctions.set(DOWN, (h, level) => (seen.push(`${name(h)}${level}`), name(h) === 'PCI0' ? 0x4006n : 0n));
    ctx.moduleFunctions.set(UP, (h) => (seen.push(`^${name(h)}`), 0n));
    expect(call('acpi_walk_namespace', 6n, ROOT_OBJECT, 0xffffffffn, DOWN, UP, 0n, 0n)).toBe(0n);
    expect(seen).toEqual(['_SB_1', 'PCI02', '^PCI0', 'LNKA2', '^LNKA', 'LNKB2', '^LNKB', 'LNKC2', '^LNKC', 'LNKD2', '^LNKD', 'LNKS2', '^LNKS',
      'HPET2', '^HPET', 'CPUS2', '^CPUS', '^_SB_', '_TZ_1', '^_TZ_']);
    seen.length = 0;
    ctx.moduleFunctions.set(DOWN, (h) => (seen.push(name(h)), name(h) === 'KBD_' ? 0x4003n : 0n));
    expect(call('acpi_walk_namespace', 6n, ROOT_OBJECT, 0xffffffffn, DOWN, 0n, 0n, 0n)).toBe(0n);
    expect(seen).toEqual(['_SB_', 'PCI0', 'PRES', 'GPE0', 'PHPR', 'FWCF', 'S00_', 'S08_', 'KBD_']);
    expect(call('acpi_walk_namespace', 6n, ROOT_OBJECT, 0n, DOWN, 0n, 0n, 0n)).toBe(0x1001n); // AE_BAD_PARAMETER
  });

  it('every node has an acpi_device holding its handle; its hid ("device" without one); -ENOENT unless an ID is in the table', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const handles: bigint[] = [];
    ctx.moduleFunctions.set(DOWN, (h) => (handles.push(h), 0n));
    call('acpi_walk_namespace', 6n, ROOT_OBJECT, 0xffffffffn, DOWN, 0n, 0n, 0n);
    expect(handles.length).toBe(52);
    const hid = (h: bigint): string => {
      const d = call('acpi_fetch_acpi_dev', h) as bigint;
      expect(readU64(ctx.mem, d + 8n)).toBe(h);
      return ctx.peekString(call('acpi_device_hid', d) as bigint);
    };
    expect(handles.map(hid).slice(0, 7)).toEqual(['LNXSYBUS', 'PNP0A03', 'PNP0A06', 'PNP0A06', 'PNP0A06', 'QEMU0002', 'device']);
    const cpus = call('acpi_fetch_acpi_dev', handles[50]) as bigint;
    const table = ctx.poke(0xffffffffc0400000n, new Uint8Array(96));
    ctx.poke(table, 'INT33D5');
    ctx.poke(table + 32n, 'PNP0A05');
    expect(call('acpi_match_device_ids', cpus, table)).toBe(0n); // CPUS: ACPI0010, compatible PNP0A05
    expect(call('acpi_match_device_ids', call('acpi_fetch_acpi_dev', handles[0]) as bigint, table)).toBe(BigInt.asUintN(64, -2n));
  });
});

describe.skipIf(!process.env.CI && !haveSampleCorpus)('real modules that walk the namespace, against the real kernel under QEMU', () => {
  it('intel_hid and fjes load as recorded in modprobe-sample.json.gz', () => {
    expect(replaySampleTargets(['intel_hid', 'fjes'])).toEqual({ intel_hid: 'identical', fjes: 'identical' });
  }, 120_000);
});
