/**
 * samples/hello/hello.ko's real __param entries: each section mapped at a made-up address, the
 * R_X86_64_64 relocations into defined sections applied by hand (the loader proper lives
 * elsewhere), then parameters parsed and read back.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readElf } from '../elf/index';
import { readModuleFacts } from '../kmod/facts';
import { findSection, R_X86_64_64, relocsFor, relocTarget, sectionBytes, SHT_NOBITS } from '../kmod/elf-access';
import { splitSignature } from '../kmod/signature';
import { KERN_ERR } from './log';
import { KERNEL_PARAM_SIZE, resolveParam } from './memory';
import { parseModuleArgs } from './module-args';
import { paramGet } from './get';
import { intBytes } from './set';
import { SimpleParamMemory } from './simple-memory';

const HELLO = fileURLToPath(new URL('../../samples/hello/hello.ko', import.meta.url));
const SHF_ALLOC = 2;

function loadHello() {
  const { elf: bytes } = splitSignature(new Uint8Array(readFileSync(HELLO)));
  const elf = readElf(bytes);
  const facts = readModuleFacts(elf, null);
  const mem = new SimpleParamMemory();
  const addr = new Map<number, bigint>();
  const images = new Map<number, Uint8Array>();
  for (const s of elf.sections) {
    if (!(s.flags & SHF_ALLOC)) continue;
    const a = 0xffffffffc1000000n + BigInt(s.index) * 0x10000n;
    const img = s.type === SHT_NOBITS ? new Uint8Array(s.size) : sectionBytes(elf, s).slice();
    mem.map(a, img, s.name);
    addr.set(s.index, a);
    images.set(s.index, img);
  }
  for (const [idx, img] of images) {
    for (const [off, r] of relocsFor(elf, idx)) {
      if (r.type !== R_X86_64_64) continue;
      const t = relocTarget(r);
      const v = t?.kind === 'section' ? (addr.get(t.sectionIndex) ?? 0n) + BigInt(t.offset) : 0xffffffff81000000n; // kernel symbols: any address
      img.set(intBytes(v, 8), off);
    }
  }
  const param = findSection(elf, '__param');
  if (!param) throw new Error('no __param');
  const base = addr.get(param.index) as bigint;
  // __param holds whom before count (the linker's order); sort by name for stable tests.
  const params = facts.params.map((e) => resolveParam(e, base + BigInt(e.offset - param.offset), mem)).sort((a, b) => a.name.localeCompare(b.name));
  return { mem, params, facts };
}

describe('hello.ko parameters', () => {
  it('resolves both struct kernel_param entries from relocated memory', () => {
    const { params } = loadHello();
    expect(params.map((p) => [p.name, p.type, p.perm, p.level, p.flags])).toEqual([
      ['count', 'int', 0o644, -1, 0],
      ['whom', 'charp', 0o444, -1, 0],
    ]);
    expect(params[0].address - params[1].address).toBe(BigInt(KERNEL_PARAM_SIZE));
  });

  it('shows the compiled-in defaults', () => {
    const { params, mem } = loadHello();
    expect(params.map((p) => paramGet(p, mem))).toMatchObject([
      { kind: 'ok', text: '1\n' },
      { kind: 'ok', text: 'world\n' },
    ]);
  });

  it('insmod hello.ko count=3 whom="a b"', () => {
    const { params, mem } = loadHello();
    const r = parseModuleArgs('hello', 'count=3 whom="a b"', params, mem);
    expect(r.errno).toBe(0);
    expect(params.map((p) => paramGet(p, mem))).toMatchObject([
      { kind: 'ok', text: '3\n' },
      { kind: 'ok', text: 'a b\n' },
    ]);
  });

  it('insmod hello.ko count=abc fails with the kernel message', () => {
    const { params, mem } = loadHello();
    const r = parseModuleArgs('hello', 'count=abc', params, mem);
    expect(r.loadError).toBe(-22);
    expect(r.log).toEqual([{ level: KERN_ERR, text: "hello: `abc' invalid for parameter `count'" }]);
  });
});
