/**
 * button.ko binds QEMU's fixed power button on the modelled CPU (kernel-calls/acpi-bus.ts, acpi-button-device.ts):
 * acpi_button_add() runs in the module and logs what the real kernel logged under QEMU when `modprobe nouveau` loaded
 * it (scripts/qemu/recordings/modprobe-sample.json.gz); the device's fwnode ops are the real kernel's
 * (scripts/qemu/recordings/acpi-pwrbn.qemu.json, nokaslr).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, CORPUS } from '../../scripts/test-support/kernel';
import { attachCpu } from './attach';
import { loadModule } from '../load/load-module';
import { kallsymsLookupName } from '../kernel/kallsyms-lookup';

const REC = join(__dirname, '../../scripts/qemu/recordings');
const BUTTON = join(CORPUS, 'drivers', 'acpi', 'button.ko');

describe.skipIf(!process.env.CI && !existsSync(BUTTON))('button.ko on the modelled machine', () => {
  it("binds LNXPWRBN:00 and logs the real kernel's two lines; the fwnode ops are the recorded ones", () => {
    const sample = JSON.parse(gunzipSync(readFileSync(join(REC, 'modprobe-sample.json.gz'))).toString()) as {
      modules: { target: string; modprobe: { kmsg: { level: number; text: string }[] } }[];
    };
    const real = (sample.modules.find((m) => m.target === 'nouveau')?.modprobe.kmsg ?? []).filter((m) => !m.text.includes('drm_connector'));
    expect(real).toEqual([
      { level: 6, text: 'input: Power Button as /devices/LNXSYSTM:00/LNXPWRBN:00/input/input2' },
      { level: 6, text: 'ACPI: button: Power Button [PWRF]' },
    ]);
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const r = loadModule(k, { fileName: 'button.ko', image: new Uint8Array(readFileSync(BUTTON)), args: '', syscall: 'finit_module' });
    expect(r.errno).toBe(0);
    expect(k.log.records.slice(-2).map((x) => ({ level: x.level, text: x.text }))).toEqual(real);
    const probe = JSON.parse(readFileSync(join(REC, 'acpi-pwrbn.qemu.json'), 'utf8')) as { kmsg: string[] };
    const w = probe.kmsg.find((l) => l.startsWith('words 0 '))?.split(' ') ?? [];
    expect(BigInt(`0x${w[9]}${w[8]}`)).toBe(kallsymsLookupName(k, 'acpi_device_fwnode_ops'));
  });
});
