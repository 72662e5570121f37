/** The zones (zones.ts) against the real kernel's /proc/zoneinfo on the modelled machine. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/test-support/kernel';
import { nrFreeBufferPages, QEMU_PC_ZONES } from './zones';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';

describe('memory zones of QEMU PC with 512 MiB', () => {
  const rec = JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'recordings', 'zoneinfo.qemu.json'), 'utf8')) as {
    steps: { cmd: string; output: string }[];
  };
  const text = rec.steps[0].output;
  const zones = [...text.matchAll(/^Node 0, zone +(\w+)\n((?: {2}.*\n?)*)/gm)].map((m) => {
    const field = (f: string): number => Number(new RegExp(`^ +${f} +(\\d+)`, 'm').exec(m[2])?.[1] ?? NaN);
    return { name: m[1], managed: field('managed'), high: field('high') };
  });
  it('are the recorded DMA, DMA32 and (empty) Normal zones', () => {
    expect(zones.slice(0, 3)).toEqual(QEMU_PC_ZONES);
  });
  it('nr_free_buffer_pages() is 116,103: (3840 - 32) + (113267 - 972)', () => {
    expect(nrFreeBufferPages(zones.filter((z) => ['DMA', 'DMA32', 'Normal'].includes(z.name)))).toBe(116103);
    const { ctx, call } = modelCaller(new KernelCallState());
    expect(call('nr_free_buffer_pages')).toBe(116103n);
    expect(ctx.notes.at(-1)).toMatch(/^nr_free_buffer_pages: 116103/);
  });
});
