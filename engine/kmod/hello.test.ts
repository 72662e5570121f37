import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readElf } from '../elf/index';
import type { ElfFile } from '../elf/types';
import { readModuleFacts } from './facts';
import { splitSignature } from './signature';

const HELLO = fileURLToPath(new URL('../../samples/hello/hello.ko', import.meta.url));

function load(): { elf: ElfFile; bytes: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(HELLO));
  const { elf } = splitSignature(bytes);
  return { elf: readElf(elf), bytes };
}

describe('samples/hello/hello.ko', () => {
  const { elf } = load();
  const facts = readModuleFacts(elf, null);

  it('is an x86-64 relocatable object with no diagnostics', () => {
    expect(facts.machineOk).toBe(true);
    expect(facts.relocatable).toBe(true);
    expect(facts.diagnostics).toEqual([]);
    expect(facts.signature).toBeNull();
  });

  it('has the expected modinfo', () => {
    expect(facts.name).toBe('hello');
    expect(facts.vermagic).toBe('6.1.0-50-amd64 SMP preempt mod_unload modversions ');
    expect(facts.license).toBe('GPL');
    expect(facts.gplCompatible).toBe(true);
    expect(facts.depends).toEqual([]);
    const keys = facts.modinfo.map((e) => e.key);
    expect(keys).toEqual(expect.arrayContaining(['license', 'parm', 'parmtype', 'depends', 'retpoline', 'name', 'vermagic']));
    // Offsets point at the "key=value" text in the file.
    for (const e of facts.modinfo) {
      const text = String.fromCharCode(...elf.bytes.subarray(e.offset, e.offset + e.key.length + 1));
      expect(text).toBe(`${e.key}=`);
    }
  });

  it('reads both parameters through their relocations', () => {
    const count = facts.params.find((p) => p.name === 'count');
    const whom = facts.params.find((p) => p.name === 'whom');
    expect(count).toMatchObject({ type: 'int', ops: 'param_ops_int', perm: 0o644, variable: 'count', modinfoType: 'int', level: -1 });
    expect(count?.description).toMatch(/greet/);
    expect(whom).toMatchObject({ type: 'charp', ops: 'param_ops_charp', variable: 'whom', modinfoType: 'charp' });
  });

  it('finds init/exit in struct module', () => {
    expect(facts.thisModule).toEqual({ name: 'hello', init: 'init_module', exit: 'cleanup_module', size: 0x380, offset: expect.any(Number) });
  });

  it('lists __versions and imports', () => {
    const names = facts.versions.map((v) => v.name);
    expect(names).toContain('module_layout');
    expect(names).toContain('_printk');
    for (const v of facts.versions) expect(v.crc).toBeLessThan(1n << 32n);
    const imports = facts.imports.map((i) => i.name);
    expect(imports).toContain('_printk');
    expect(facts.imports.find((i) => i.name === '_printk')?.crc).toBe(facts.versions.find((v) => v.name === '_printk')?.crc);
    expect(facts.exports).toEqual([]);
  });

  it('keeps going when a section is malformed', () => {
    const bytes = elf.bytes.slice();
    const broken = readElf(bytes);
    const versions = broken.sections.find((s) => s.name === '__versions');
    const param = broken.sections.find((s) => s.name === '__param');
    if (!versions || !param) throw new Error('hello.ko lacks __versions/__param');
    versions.size -= 1; // no longer a multiple of 64
    param.size -= 3;
    const f = readModuleFacts(broken, null);
    expect(f.diagnostics.map((d) => d.code)).toEqual(['BAD_MODULE_DATA', 'BAD_MODULE_DATA']);
    expect(f.versions).toEqual([]);
    expect(f.params).toEqual([]);
    expect(f.name).toBe('hello');
  });

  it('flags a wrong machine but still reads facts', () => {
    const { elf: e } = load();
    const other: ElfFile = { ...e, header: { ...e.header, machine: 183 } };
    const f = readModuleFacts(other, null);
    expect(f.machineOk).toBe(false);
    expect(f.diagnostics[0]).toMatchObject({ code: 'WRONG_MACHINE', offset: 18 });
    expect(f.params.length).toBe(2);
  });
});
