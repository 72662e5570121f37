/**
 * explainByInitFreeRace() on a recorded modprobe: `modprobe gpio_viperboard` on the real kernel under
 * QEMU loaded usb_common, usbcore and gpio_viperboard (sizes and addresses as in init-free-worker.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { explainByInitFreeRace, type ModuleAreaEvent } from './init-free-race';
import { VmallocRange } from './vmalloc';

const BASE = 0xffffffffc0201000n;
const range = { start: BASE, end: BASE + (1n << 30n) };
/** name, core and init sizes, the real core address. */
const LOADS: [string, number, number, bigint][] = [
  ['usb_common', 16384, 16384, 0xffffffffc0201000n],
  ['usbcore', 348160, 102400, 0xffffffffc0206000n],
  ['gpio_viperboard', 16384, 12288, 0xffffffffc0276000n],
];

/** The events a model run makes when the worker never frees anything before the command ends. */
function neverFreed(): ModuleAreaEvent[] {
  const area = new VmallocRange(range.start, range.end);
  return LOADS.flatMap(([name, core, init]): ModuleAreaEvent[] => {
    const c = area.alloc(core, `${name} core`);
    const i = area.alloc(init, `${name} init`);
    return [
      { kind: 'alloc', label: `${name} core`, size: core, base: c },
      { kind: 'alloc', label: `${name} init`, size: init, base: i },
      { kind: 'defer', base: i ?? 0n },
    ];
  });
}

describe('which do_free_init() timing gives the real addresses', () => {
  it("finds the real run's: usb_common's init freed before usbcore, usbcore's not yet before gpio_viperboard", () => {
    const real = new Map(LOADS.map(([n, , , a]) => [n, a]));
    expect(explainByInitFreeRace(range, [], neverFreed(), real)).toEqual([
      { module: 'usb_common', queued: 0, freed: 0 },
      { module: 'usbcore', queued: 1, freed: 1 },
      { module: 'gpio_viperboard', queued: 1, freed: 0 },
    ]);
  });

  it('says null for addresses no timing gives (here: a module placed inside a live core)', () => {
    const real = new Map<string, bigint>([['gpio_viperboard', 0xffffffffc0210000n]]);
    expect(explainByInitFreeRace(range, [], neverFreed(), real)).toBeNull();
  });
});
