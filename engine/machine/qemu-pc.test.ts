/**
 * engine/machine/qemu-pc.ts is generated from samples/kernel/machine-qemu-pc.json.gz (recorded from
 * the real kernel under QEMU by scripts/qemu/machine-facts.mjs): the two must agree, and the machine
 * must be the one scripts/qemu records on (512 MiB, one CPU, the i440FX PC, qemu64).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/test-support/kernel';
import { MACHINE } from './qemu-pc';

interface Facts {
  name: string;
  memoryMiB: number;
  vars: Record<string, string>;
  boot_cpu_data: string;
  cpu: { flags: string[]; model: string };
  pci: { slot: string; vendor: string; device: string; class: string }[];
  acpi: { signature: string; size: number }[];
  dmi: Record<string, string>;
  meminfo: Record<string, number>;
  sysinfo: { totalram: number; mem_unit: number };
  qemu: { args: string[] };
  proc: { devices: string[]; misc: string[] };
}

const facts = JSON.parse(gunzipSync(readFileSync(join(ROOT, 'samples', 'kernel', 'machine-qemu-pc.json.gz'))).toString('utf8')) as Facts;

describe('the modelled machine (QEMU pc, qemu64, 1 CPU, 512 MiB)', () => {
  it('qemu-pc.ts holds what the recording says', () => {
    expect(MACHINE.name).toBe(facts.name);
    expect(MACHINE.vars).toEqual(facts.vars);
    // Character majors and misc minors the booted kernel holds (bsg's dynamic major 248 among them).
    const chr = facts.proc.devices.slice(1, facts.proc.devices.indexOf('Block devices:')).map((l) => Number.parseInt(l, 10));
    expect([...MACHINE.charMajors]).toEqual([...new Set(chr)]);
    expect(MACHINE.charMajors).toContain(248);
    expect([...MACHINE.miscMinors].sort((a, b) => a - b)).toEqual(facts.proc.misc.map((l) => Number.parseInt(l, 10)).sort((a, b) => a - b));
    expect(MACHINE.bootCpuData.join('')).toBe(facts.boot_cpu_data);
    expect([...MACHINE.cpuFlags]).toEqual(facts.cpu.flags);
    expect(MACHINE.pci.map((p) => `${p.slot} ${p.vendor}:${p.device}`)).toEqual(facts.pci.map((p) => `${p.slot} ${p.vendor}:${p.device}`));
    expect(MACHINE.acpiTables.map((a) => a.signature)).toEqual(facts.acpi.map((a) => a.signature));
  });

  it('is the machine scripts/qemu records on, and one memory size throughout', async () => {
    // @ts-expect-error plain .mjs beside the recorder, no types
    const m = (await import('../../scripts/qemu/machine.mjs')) as { QEMU_MACHINE_ARGS: string[]; MACHINE_MEMORY_MIB: number };
    expect(facts.qemu.args).toEqual(m.QEMU_MACHINE_ARGS);
    expect(m.QEMU_MACHINE_ARGS.join(' ')).toContain(`-m ${m.MACHINE_MEMORY_MIB}M`);
    expect(MACHINE.memoryMiB).toBe(m.MACHINE_MEMORY_MIB);
    // totalram_pages() = si_meminfo()'s totalram = /proc/meminfo MemTotal, all from the same boot.
    expect(Number(MACHINE.vars._totalram_pages)).toBe(facts.sysinfo.totalram);
    expect(facts.sysinfo.totalram * (facts.sysinfo.mem_unit / 1024)).toBe(facts.meminfo.MemTotal);
    // boot_cpu_data.x86_vendor_id (offset 0x88 in struct cpuinfo_x86 of 6.1) and the model string after it.
    const bytes = Buffer.from(MACHINE.bootCpuData.join(''), 'hex');
    expect(bytes.length).toBe(Number(MACHINE.vars.sizeof_cpuinfo_x86));
    expect(bytes.subarray(0x88, 0x94).toString('latin1')).toBe('AuthenticAMD');
    expect(facts.cpu.model).toBe('QEMU Virtual CPU version 2.5+');
    expect(facts.dmi.product_name).toBe('Standard PC (i440FX + PIIX, 1996)');
    expect(facts.pci.map((p) => p.device)).toEqual(['0x1237', '0x7000', '0x7010', '0x7113']);
    expect(facts.acpi.map((a) => a.signature)).toEqual(['APIC', 'DSDT', 'FACP', 'FACS', 'HPET', 'WAET']);
  });
});
