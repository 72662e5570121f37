/**
 * Platform drivers of real Debian modules bound and probed on the modelled CPU (kernel-calls/platform.ts,
 * platform-probe.ts): snd_soc_core's init registers the "snd-soc-dummy" device and then its driver, whose probe
 * (soc-utils.c snd_soc_dummy_probe() -> devm_snd_soc_register_component(), module code) runs and binds, as on the
 * real kernel under QEMU (scripts/qemu/recordings: every snd_soc_* target loads it and exits 0 with no log line).
 * hgafb's probe runs on hgafb.0: its memory test passes on the VGA window's RAM (ioremap.ts), the port test fails, and
 * the two lines the real kernel logged under QEMU come out (scripts/qemu/recordings/modprobe-sample.json.gz).
 */
import { gunzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, CORPUS, debianProfile } from '../../scripts/test-support/kernel';
import { attachCpu } from './attach';
import { loadModule } from '../load/load-module';
import { modprobePlan } from '../load/modprobe';
import type { ModelKernel } from '../kernel/model';

const read = (p: string): Uint8Array | null => (existsSync(join(CORPUS, p)) ? new Uint8Array(readFileSync(join(CORPUS, p))) : null);
const haveCorpus = existsSync(join(CORPUS, 'sound', 'soc', 'snd-soc-core.ko'));

function modprobe(k: ModelKernel, path: string): (number | null)[] {
  return modprobePlan(debianProfile(), path, read).order.map((p) => {
    const image = read(p);
    if (!image) throw new Error(`missing ${p}`);
    return loadModule(k, { fileName: p.split('/').pop() ?? p, image, args: '', syscall: 'finit_module' }).errno;
  });
}

const steps = (k: ModelKernel): string[] => Array.from({ length: k.timeline.stepCount() }, (_, i) => k.timeline.step(i)?.text ?? '');

describe.skipIf(!process.env.CI && !haveCorpus)('platform drivers of corpus modules probe', () => {
  it("snd_soc_core: the dummy driver's probe() runs in the module and binds snd-soc-dummy; init returns 0", () => {
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const errnos = modprobe(k, 'sound/soc/snd-soc-core.ko');
    expect(errnos.every((e) => e === 0)).toBe(true);
    expect(k.modules.find((m) => m.name === 'snd_soc_core')?.state).toBe('LIVE');
    const init = steps(k).find((s) => s.includes('(snd_soc_init)')) ?? '';
    // The kernel functions the probe called inside __platform_driver_register(): devm_snd_soc_register_component()'s
    // devres, snd_soc_register_component()'s allocations and fmt_single_name()'s sscanf() of "snd-soc-dummy".
    expect(init).toMatch(/calling debugfs_create_dir, debugfs_create_file, platform_device_register_full, __devres_alloc_node, devm_kmalloc, /);
    expect(init).toMatch(/devm_kstrdup, .*sscanf, .*devres_add, __platform_driver_register\. It returned 0\./);
    expect(steps(k).join('\n')).not.toMatch(/cannot say/);
    expect(k.log.records.map((r) => r.text)).not.toContainEqual(expect.stringMatching(/probe of/));
  });

  it("hgafb: hgafb.0 is probed by the driver registered before it; the probe fails as on the real kernel (its log lines)", () => {
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    expect(modprobe(k, 'drivers/video/fbdev/hgafb.ko')).toEqual([0]);
    const init = steps(k).find((s) => s.includes('(hgafb_init)')) ?? '';
    expect(init).toMatch(/calling .*__platform_driver_register, ioremap, __request_region, .*iounmap, _printk, .*It returned 0\./);
    const sample = JSON.parse(gunzipSync(readFileSync(join(__dirname, '../../scripts/qemu/recordings/modprobe-sample.json.gz'))).toString()) as {
      modules: { target: string; modprobe: { kmsg: { level: number; text: string }[] } }[];
    };
    const real = sample.modules.find((m) => m.target === 'hgafb')?.modprobe.kmsg ?? [];
    expect(real.map((m) => m.text)).toEqual(['hgafb: HGA card not detected.', 'hgafb: probe of hgafb.0 failed with error -22']);
    expect(k.log.records.slice(-2).map((r) => ({ level: r.level, text: r.text }))).toEqual(real);
  });
});
