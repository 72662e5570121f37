/**
 * The do_free_init() race (init-free-worker.ts) against a recorded modprobe: `modprobe gpio_viperboard`
 * on the real kernel under QEMU (scripts/qemu/recordings/modprobe-sample.json.gz) loaded usb_common,
 * usbcore and gpio_viperboard at these addresses. usbcore reuses usb_common's init area (the worker ran
 * while usbcore's 739 KiB file was read and hashed); gpio_viperboard, a small file read right after
 * usbcore's init, lands above usbcore's init area (the worker had not run yet).
 */
import { describe, expect, it } from 'vitest';
import { InitFreeWorker } from './init-free-worker';
import { VmallocRange } from './vmalloc';

const BASE = 0xffffffffc0201000n;

/** name, file size (bytes of the Debian .ko), core and init sizes, the real core address. */
const VIPERBOARD: [string, number, number, number, bigint][] = [
  ['usb_common', 27089, 16384, 16384, 0xffffffffc0201000n],
  ['usbcore', 756353, 348160, 102400, 0xffffffffc0206000n],
  ['gpio_viperboard', 21793, 16384, 12288, 0xffffffffc0276000n],
];

function load(worker: InitFreeWorker, area: VmallocRange, file: number, core: number, init: number): bigint | null {
  worker.beforeModuleAlloc(file);
  const c = area.alloc(core, 'core');
  const i = area.alloc(init, 'init');
  worker.afterModuleAlloc();
  if (i !== null) worker.queue(i);
  return c;
}

describe('do_free_init() and the next module_alloc()', () => {
  it('places modprobe gpio_viperboard as the real kernel did', () => {
    const area = new VmallocRange(BASE, BASE + (1n << 30n));
    const worker = new InitFreeWorker((b) => area.free(b));
    const got = VIPERBOARD.map(([, file, core, init]) => load(worker, area, file, core, init));
    expect(got).toEqual(VIPERBOARD.map((q) => q[4]));
    // usbcore's and gpio_viperboard's init areas still wait for the worker; the end of the command frees them.
    expect(worker.pending).toBe(2);
    worker.drain();
    expect(worker.pending).toBe(0);
    expect(area.list().map((a) => a.start)).toEqual(VIPERBOARD.map((q) => q[4]));
  });

  it('areas queued while a run waits in synchronize_rcu() wait for the next run', () => {
    const freed: bigint[] = [];
    const worker = new InitFreeWorker((b) => freed.push(b));
    worker.queue(1n);
    worker.beforeModuleAlloc(0); // the run starts with area 1 (llist_del_all), 0.52 of its grace period has passed
    worker.queue(2n);
    worker.beforeModuleAlloc(0); // 1.04: the first run is done, the second started at 1.0
    expect(freed).toEqual([1n]);
    worker.beforeModuleAlloc(0); // 1.56: the second run is still waiting
    expect(freed).toEqual([1n]);
    worker.beforeModuleAlloc(0); // 2.08
    expect(freed).toEqual([1n, 2n]);
  });

  it('a failed load frees its init area itself: the worker no longer holds it', () => {
    const freed: bigint[] = [];
    const worker = new InitFreeWorker((b) => freed.push(b));
    worker.queue(7n);
    worker.forget(7n);
    worker.drain();
    expect(freed).toEqual([]);
  });
});
