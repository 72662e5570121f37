import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine } from './engine';
import { CORPUS_WHAT, missing } from '../scripts/test-support/prereq';

const HELLO = new URL('../samples/hello/hello.ko', import.meta.url).pathname;
const CORPUS = `${process.env.MODSCOPE_CACHE ?? `${process.env.HOME}/.cache/modscope`}/corpus/lib/modules/6.1.0-50-amd64/kernel`;
const AMDGPU = `${CORPUS}/drivers/gpu/drm/amd/amdgpu/amdgpu.ko`;

function bytesOf(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

describe('engine API over the hello sample', () => {
  it('opens, pages symbols and relocations, returns bytes', async () => {
    const e = createEngine();
    const r = await e.call('open', { name: 'hello.ko', bytes: bytesOf(HELLO) });
    if (!r.ok) throw new Error(r.error.message);
    const o = r.value;
    expect(o.header.find((h) => h.field === 'e_type')?.value).toContain('REL');
    expect(o.header.find((h) => h.field === 'e_machine')?.value).toBe('Advanced Micro Devices X86-64');
    expect(o.sections.map((s) => s.name)).toEqual(
      expect.arrayContaining(['.text', '.init.text', '.modinfo', '__versions', '.gnu.linkonce.this_module', '.symtab']),
    );
    expect(o.thisModule).toMatchObject({ name: 'hello', init: 'init_module', exit: 'cleanup_module' });
    expect(o.modinfo.find((m) => m.key === 'vermagic')?.value).toBe('6.1.0-50-amd64 SMP preempt mod_unload modversions ');
    expect(o.params.map((p) => p.name)).toEqual(expect.arrayContaining(['count', 'whom']));
    expect(o.imports).toContain('_printk');
    expect(o.signature.present).toBe(false);
    // the file map covers the whole file without overlap
    let pos = 0;
    for (const f of o.fileMap) {
      expect(f.start).toBe(pos);
      pos = f.end;
    }
    expect(pos).toBe(o.fileSize);

    const syms = await e.call('symbols', { id: o.id, offset: 0, limit: 1000, filter: 'init_module' });
    if (!syms.ok) throw new Error(syms.error.message);
    expect(syms.value.rows.some((s) => s.name === 'init_module' && s.type === 'FUNC')).toBe(true);

    const rt = o.relocSections.find((s) => s.name === '.rela.init.text');
    expect(rt).toBeDefined();
    const rel = await e.call('relocations', { id: o.id, section: rt!.sectionIndex, offset: 0, limit: 100 });
    if (!rel.ok) throw new Error(rel.error.message);
    expect(rel.value.rows.some((x) => x.type === 'R_X86_64_PLT32' && x.symbolName === '_printk' && x.addend === '-0x4')).toBe(true);

    const b = await e.call('bytes', { id: o.id, offset: 0, length: 4 });
    if (!b.ok) throw new Error(b.error.message);
    expect(Array.from(b.value)).toEqual([0x7f, 0x45, 0x4c, 0x46]);
  });

  it('answers bad input with typed errors and keeps earlier sessions', async () => {
    const e = createEngine();
    const good = await e.call('open', { name: 'hello.ko', bytes: bytesOf(HELLO) });
    expect(good.ok).toBe(true);
    const bad = await e.call('open', { name: 'x.ko', bytes: new Uint8Array([0x7f, 0x45, 0x4c, 0x47, 2, 1, 1]) });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toMatch(/NOT_ELF|BAD_MAGIC|TRUNCATED/);
      expect(typeof bad.error.offset).toBe('number');
    }
    const trunc = await e.call('open', { name: 't.ko', bytes: bytesOf(HELLO).slice(0, 3000) });
    expect(trunc.ok).toBe(false);
    if (good.ok) expect((await e.call('overview', { id: good.value.id })).ok).toBe(true);
    const nope = await e.call('symbols', { id: 'zzz', offset: 0, limit: 1 });
    expect(nope.ok ? '' : nope.error.code).toBe('NO_SUCH_MODULE');
    const badArg = good.ok ? await e.call('symbols', { id: good.value.id, offset: -1, limit: 1 }) : null;
    expect(badArg && !badArg.ok ? badArg.error.code : '').toBe('BAD_REQUEST');
  });
});

describe.skipIf(missing(CORPUS_WHAT, existsSync(AMDGPU)))('engine API over amdgpu.ko (corpus)', () => {
  it('pages the last relocations of the biggest table', async () => {
    const e = createEngine();
    const r = await e.call('open', { name: 'amdgpu.ko', bytes: bytesOf(AMDGPU) });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.relocationCount).toBeGreaterThan(300_000);
    expect(r.value.signature.present).toBe(true);
    const big = [...r.value.relocSections].sort((a, b) => b.count - a.count)[0];
    const last = await e.call('relocations', { id: r.value.id, section: big.sectionIndex, offset: big.count - 10, limit: 500 });
    if (!last.ok) throw new Error(last.error.message);
    expect(last.value.rows).toHaveLength(10);
    expect(last.value.rows[9].index).toBe(big.count - 1);
  });
});

describe('kernel.boot from the binary profile', () => {
  it('boots and loads hello.ko as from the .json.gz (the bytes `modscope serve` gives the web app)', async () => {
    const gz = bytesOf(new URL('../samples/kernel/debian-6.1.0-50-amd64.json.gz', import.meta.url).pathname);
    const { gunzipSync } = await import('node:zlib');
    const { encodeProfileBinary } = await import('./kernel/profile-binary');
    const bin = encodeProfileBinary(JSON.parse(gunzipSync(gz).toString('utf8')));
    const run = async (profile: Uint8Array) => {
      const e = createEngine();
      const boot = await e.call('kernel.boot', { profile, kaslrSeed: 7 });
      const o = await e.call('open', { name: 'hello.ko', bytes: bytesOf(HELLO) });
      if (!boot.ok || !o.ok) throw new Error('boot or open failed');
      const load = await e.call('kernel.load', { id: o.value.id, args: 'count=3' });
      return { boot: boot.value, load };
    };
    const fromBin = await run(bin);
    expect(fromBin.load.ok).toBe(true);
    expect(fromBin).toEqual(await run(gz));
  });
});
