/**
 * The memory map's data tells the truth at every position (issue 18): other loaded modules keep their
 * sections while another operation runs, and 2.4's image sits in insmod's user-space buffer until
 * sys_init_module() copies it into the create_module() block.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine';
import type { SeekView } from '../api-types';
import { ROOT, sample } from '../../scripts/test-support/kernel';

const PROFILE = new Uint8Array(readFileSync(join(ROOT, 'samples/kernel/debian-6.1.0-50-amd64.json.gz')));

function inside(addr: string, base: string, size: number): boolean {
  return BigInt(addr) >= BigInt(base) && BigInt(addr) < BigInt(base) + BigInt(size);
}

describe('seek view layout', () => {
  it("keeps hello's core sections while the next insmod runs (6.1)", async () => {
    const e = createEngine();
    const hello = await e.call('open', { name: 'hello.ko', bytes: sample('hello/hello.ko') });
    const params = await e.call('open', { name: 'params.ko', bytes: sample('params/params.ko') });
    if (!hello.ok || !params.ok) throw new Error('open failed');
    expect((await e.call('kernel.boot', { profile: PROFILE })).ok).toBe(true);
    const a = await e.call('kernel.load', { id: hello.value.id, args: '' });
    const b = await e.call('kernel.load', { id: params.value.id, args: '' });
    if (!a.ok || !b.ok) throw new Error('load failed');
    expect(a.value.result).toBe(0);
    for (const pos of [b.value.startPos, b.value.startPos + 3, b.value.endPos - 1]) {
      const v = await e.call('kernel.seek', { pos });
      if (!v.ok) throw new Error(v.error.message);
      const others = v.value.layout.filter((r) => r.module === 'hello');
      expect(others.map((r) => r.name)).toEqual(expect.arrayContaining(['.exit.text', '.gnu.linkonce.this_module']));
      const core = v.value.allocations.find((x) => x.owner === 'hello' && x.kind === 'module-core');
      expect(core, 'hello core allocation').toBeDefined();
      for (const r of others.filter((x) => x.region === 'core')) expect(inside(r.address!, core!.base, core!.size)).toBe(true);
      // No .init.* of hello: its init memory was freed when its insmod finished.
      expect(others.some((r) => r.region === 'init')).toBe(false);
      // The module being loaded still has its own rows, without a module name.
      if (pos === b.value.endPos - 1) expect(v.value.layout.some((r) => r.module === undefined)).toBe(true);
    }
  });

  it("2.4: the image is in insmod's user buffer until sys_init_module copies it", async () => {
    const e = createEngine();
    const hello = await e.call('open', { name: 'hello.ko', bytes: sample('hello/hello.ko') });
    if (!hello.ok) throw new Error('open failed');
    expect((await e.call('kernel.boot', { profile: PROFILE, version: '2.4' })).ok).toBe(true);
    const op = await e.call('kernel.load', { id: hello.value.id, args: '', version: '2.4' });
    if (!op.ok) throw new Error(op.ok ? '' : op.error.message);
    const views: SeekView[] = [];
    for (let p = op.value.startPos; p < op.value.endPos; p++) {
      const v = await e.call('kernel.seek', { pos: p, version: '2.4' });
      if (!v.ok) throw new Error(v.error.message);
      views.push(v.value);
    }
    const copyAt = views.findIndex((v) => v.step.effects.some((x) => x.kind === 'write' && x.what === 'the module image'));
    expect(copyAt).toBeGreaterThan(0);
    const relocating = views.filter((v, i) => i < copyAt && v.step.phase === 'relocate');
    expect(relocating.length).toBeGreaterThan(0);
    for (const v of relocating) {
      const user = v.allocations.find((a) => /\(user space\)$/.test(a.label));
      const kern = v.allocations.find((a) => a.kind !== 'vmalloc' && !/\(user space\)$/.test(a.label) && a.owner === 'hello');
      expect(user, 'user buffer').toBeDefined();
      const rows = v.layout.filter((r) => r.size > 0 && r.address);
      expect(rows.length).toBeGreaterThan(3);
      for (const r of rows) expect(inside(r.address!, user!.base, user!.size)).toBe(true);
      if (kern) for (const r of rows) expect(inside(r.address!, kern.base, kern.size)).toBe(false);
    }
    const after = views[copyAt];
    const user = after.allocations.find((a) => /\(user space\)$/.test(a.label));
    const rows = after.layout.filter((r) => r.size > 0 && r.address);
    expect(rows.length).toBeGreaterThan(3);
    if (user) for (const r of rows) expect(inside(r.address!, user.base, user.size)).toBe(false);
  });
});
