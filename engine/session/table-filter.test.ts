/**
 * The Symbols/Relocations filters, "see it applied" (kernel.find) and "go to address" (kernel.locate),
 * through the engine API on hello.ko and amdgpu.ko from the corpus.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine';
import type { RelocRow, SymbolRow } from '../api-types';
import { CORPUS, ROOT, sample } from '../../scripts/test-support/kernel';

const AMDGPU = join(CORPUS, 'drivers/gpu/drm/amd/amdgpu/amdgpu.ko');
const PROFILE = readFileSync(join(ROOT, 'samples/kernel/debian-6.1.0-50-amd64.json.gz'));

async function opened(name: string, bytes: Uint8Array) {
  const e = createEngine();
  const r = await e.call('open', { name, bytes });
  if (!r.ok) throw new Error(r.error.message);
  return { e, mod: r.value };
}

describe('table filters on hello.ko', () => {
  it('filters relocations by symbol name, type and offset range', async () => {
    const { e, mod } = await opened('hello.ko', sample('hello/hello.ko'));
    const rs = mod.relocSections.find((r) => r.name === '.rela.init.text');
    if (!rs) throw new Error('hello.ko has no .rela.init.text');
    const all = await e.call('relocations', { id: mod.id, section: rs.sectionIndex, offset: 0, limit: 5000 });
    if (!all.ok) throw new Error(all.error.message);
    const printk = await e.call('relocations', { id: mod.id, section: rs.sectionIndex, offset: 0, limit: 5000, filter: { text: 'PRINTK' } });
    if (!printk.ok) throw new Error(printk.error.message);
    expect(printk.value.rows.length).toBeGreaterThan(0);
    expect(printk.value.rows.map((r) => r.index)).toEqual(
      all.value.rows.filter((r) => r.symbolName.toLowerCase().includes('printk')).map((r) => r.index),
    );
    const plt = await e.call('relocations', { id: mod.id, section: rs.sectionIndex, offset: 0, limit: 5000, filter: { type: 'PLT32' } });
    if (!plt.ok) throw new Error(plt.error.message);
    expect(plt.value.rows.every((r) => r.type === 'R_X86_64_PLT32')).toBe(true);
    expect(plt.value.total).toBe(all.value.rows.filter((r) => r.type === 'R_X86_64_PLT32').length);
    const first = all.value.rows[1];
    const ranged = await e.call('relocations', {
      id: mod.id,
      section: rs.sectionIndex,
      offset: 0,
      limit: 5000,
      filter: { from: first.offset, to: first.offset },
    });
    if (!ranged.ok) throw new Error(ranged.error.message);
    expect(ranged.value.rows.map((r) => r.index)).toEqual([first.index]);
    const bad = await e.call('relocations', { id: mod.id, section: rs.sectionIndex, offset: 0, limit: 10, filter: { from: 'zz' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'BAD_REQUEST', field: 'from' });
  });

  it('filters symbols by type and section', async () => {
    const { e, mod } = await opened('hello.ko', sample('hello/hello.ko'));
    const und = await e.call('symbols', { id: mod.id, offset: 0, limit: 5000, query: { section: 'UND' } });
    if (!und.ok) throw new Error(und.error.message);
    expect(und.value.rows.map((r) => r.name)).toContain('_printk');
    expect(und.value.rows.every((r) => r.section === 'UND')).toBe(true);
    const funcs = await e.call('symbols', { id: mod.id, offset: 0, limit: 5000, query: { type: 'FUNC', text: 'hello' } });
    if (!funcs.ok) throw new Error(funcs.error.message);
    expect(funcs.value.rows.map((r) => r.name)).toContain('hello_init');
    expect(funcs.value.rows.every((r) => r.type === 'FUNC' && r.name.includes('hello'))).toBe(true);
  });
});

describe('see it applied, go to address (hello.ko)', () => {
  it('finds the position where a relocation was applied and a symbol resolved, and locates the patched address', async () => {
    const { e, mod } = await opened('hello.ko', sample('hello/hello.ko'));
    const before = await e.call('kernel.boot', { profile: new Uint8Array(PROFILE) });
    if (!before.ok) throw new Error(before.error.message);
    const none = await e.call('kernel.find', { module: 'hello', target: { kind: 'relocation', relaSection: '.rela.init.text', entry: 0 } });
    expect(none).toEqual({ ok: true, value: null });
    const load = await e.call('kernel.load', { id: mod.id, args: '' });
    if (!load.ok) throw new Error(load.error.message);
    const rows = await e.call('relocations', {
      id: mod.id,
      section: mod.relocSections.find((r) => r.name === '.rela.init.text')!.sectionIndex,
      offset: 0,
      limit: 100,
    });
    if (!rows.ok) throw new Error(rows.error.message);
    const call = rows.value.rows.find((r: RelocRow) => r.symbolName === '_printk')!;
    const found = await e.call('kernel.find', { module: 'hello', target: { kind: 'relocation', relaSection: '.rela.init.text', entry: call.index } });
    if (!found.ok || !found.value) throw new Error('relocation not found');
    const seek = await e.call('kernel.seek', { pos: found.value.pos });
    if (!seek.ok) throw new Error(seek.error.message);
    expect(seek.value.item).toMatchObject({
      kind: 'relocation',
      relaSection: '.rela.init.text',
      entry: call.index,
      symbol: '_printk',
      status: 'applied',
    });

    const syms = await e.call('symbols', { id: mod.id, offset: 0, limit: 100, filter: '_printk' });
    if (!syms.ok) throw new Error(syms.error.message);
    const printk = syms.value.rows.find((s: SymbolRow) => s.name === '_printk')!;
    const sfound = await e.call('kernel.find', { module: 'hello', target: { kind: 'symbol', index: printk.index } });
    if (!sfound.ok || !sfound.value) throw new Error('symbol not found');
    const sseek = await e.call('kernel.seek', { pos: sfound.value.pos });
    if (!sseek.ok) throw new Error(sseek.error.message);
    expect(sseek.value.item).toMatchObject({ kind: 'symbol', name: '_printk', status: 'resolved', provider: 'vmlinux' });

    // P of that relocation: inside hello's .init.text at the end of the load (init freed: nothing there now).
    if (seek.value.item?.kind !== 'relocation') throw new Error('not a relocation');
    const P = seek.value.item.P;
    const at = await e.call('kernel.locate', { address: P, pos: found.value.pos });
    if (!at.ok) throw new Error(at.error.message);
    expect(at.value).toMatchObject({ module: 'hello', section: { name: '.init.text', init: true }, writtenAt: found.value.pos });
    expect(at.value.symbol).toMatch(/^hello_init\+0x[0-9a-f]+\/0x[0-9a-f]+ \[hello\]$/);
    const kernelAddr = await e.call('kernel.locate', { address: seek.value.item.S, pos: found.value.pos });
    if (!kernelAddr.ok) throw new Error(kernelAddr.error.message);
    expect(kernelAddr.value.module).toBeNull();
    expect(kernelAddr.value.symbol).toBe('_printk');
  });
});

describe('table filters on amdgpu.ko (corpus)', () => {
  it('filters the 133k-entry .rela.text by symbol name and matches a plain scan', async () => {
    if (!existsSync(AMDGPU)) {
      if (process.env.CI) throw new Error(`missing the corpus module ${AMDGPU}: run scripts/fetch-corpus.sh`);
      return;
    }
    const { e, mod } = await opened('amdgpu.ko', new Uint8Array(readFileSync(AMDGPU)));
    const rs = mod.relocSections.reduce((a, b) => (b.count > a.count ? b : a));
    expect(rs.count).toBeGreaterThan(100_000);
    const f = await e.call('relocations', { id: mod.id, section: rs.sectionIndex, offset: 0, limit: 5000, filter: { text: 'amdgpu_device_rreg' } });
    if (!f.ok) throw new Error(f.error.message);
    let expected = 0;
    const total = rs.count;
    for (let off = 0; off < total; off += 5000) {
      const p = await e.call('relocations', { id: mod.id, section: rs.sectionIndex, offset: off, limit: 5000 });
      if (!p.ok) throw new Error(p.error.message);
      expected += p.value.rows.filter(
        (r) => r.symbolName.toLowerCase().includes('amdgpu_device_rreg') || r.type.toLowerCase().includes('amdgpu_device_rreg'),
      ).length;
    }
    expect(f.value.total).toBe(expected);
    expect(f.value.total).toBeGreaterThan(0);
  });
});
