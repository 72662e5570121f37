/**
 * The same .ko through both load paths: 6.1's load_module() in the kernel and 2.4's insmod linking in
 * user space. Same printk output; with the same section addresses, the same bytes from every
 * relocation of every allocated section.
 */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { attachCpu } from '../cpu/attach';
import type { ModelKernel } from '../kernel/model';
import { loadModule } from '../load/load-module';
import type { RelocationDetail } from '../trace/types';
import { bootKernel, debianProfile, sample } from '../../scripts/test-support/kernel';
import { insmod24 } from './insmod24';
import { Kernel24 } from './kernel24';

const decoder = createIcedDecoder();

function boot61(): ModelKernel {
  const k = bootKernel({ quiet: true });
  attachCpu(k, decoder);
  return k;
}

function load61(k: ModelKernel, file: string, args = ''): ReturnType<typeof loadModule> {
  return loadModule(k, { fileName: file.split('/').pop() ?? file, image: sample(file), args, syscall: 'finit_module' });
}

/** Every relocation item of the op's apply_relocations step, keyed "rela section#entry". */
function relocations61(k: ModelKernel, op: number): Map<string, RelocationDetail> {
  const out = new Map<string, RelocationDetail>();
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s || s.op !== op || s.block !== 'relocations') continue;
    for (let j = 0; j < s.span; j++) {
      const d = k.timeline.at(s.pos + j)?.item;
      if (d?.kind === 'relocation') out.set(`${d.relaSection}#${d.entry}`, d);
    }
  }
  return out;
}

const lines = (k: ModelKernel, from = 0): string[] =>
  k.log.records.filter((r) => r.pos >= from && !r.text.includes('taint') && !r.text.includes('lock debugging')).map((r) => `<${r.level}>${r.text}`);

describe('hello.ko and provider/consumer through both paths', () => {
  it('hello prints the same lines (count=2 whom=class)', () => {
    const k = boot61();
    expect(load61(k, 'hello/hello.ko', 'count=2 whom=class').errno).toBe(0);
    const K = new Kernel24(debianProfile(), { decoder });
    const r = insmod24(K, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: ['count=2', 'whom=class'] });
    expect(r.exit, r.op.output.join('\n')).toBe(0);
    expect(lines(K.k)).toEqual(['<7>hello: greeting 2 time(s)', '<6>Hello, class', '<6>Hello, class']);
    expect(lines(K.k)).toEqual(lines(k));
    // The classic ring holds them with their "<n>" levels in the text.
    expect(K.ring.contents().text).toBe('<7>hello: greeting 2 time(s)\n<6>Hello, class\n<6>Hello, class\n');
  });

  it('provider then consumer print the same lines', () => {
    const k = boot61();
    expect(load61(k, 'provider/provider.ko').errno).toBe(0);
    expect(load61(k, 'consumer/consumer.ko').errno).toBe(0);
    const K = new Kernel24(debianProfile(), { decoder });
    for (const f of ['provider/provider.ko', 'consumer/consumer.ko']) {
      const r = insmod24(K, { fileName: f.split('/')[1], image: sample(f), args: [] });
      expect(r.exit, r.op.output.join('\n')).toBe(0);
    }
    expect(lines(K.k)).toEqual([
      '<6>provider: loaded, exporting provider_greet and provider_value',
      '<6>consumer: provider_value=42',
      '<6>provider: greetings, consumer (value=42)',
    ]);
    expect(lines(K.k)).toEqual(lines(k));
    // consumer depends on provider: 2.4 records it in provider's refs.
    expect(K.find('provider')?.refs).toEqual(['consumer']);
    expect(K.find('consumer')?.deps).toEqual(['provider']);
  });

  for (const file of ['hello/hello.ko', 'provider/provider.ko', 'consumer/consumer.ko']) {
    it(`${file}: at the 6.1 section addresses every relocation writes the same bytes`, () => {
      const k = boot61();
      if (file.startsWith('consumer')) expect(load61(k, 'provider/provider.ko').errno).toBe(0);
      const r61 = load61(k, file);
      expect(r61.errno).toBe(0);
      const mod = r61.module;
      if (!mod) throw new Error('not loaded');
      const at = new Map(mod.allSections.map((s) => [s.index, s.address]));
      const K = new Kernel24(debianProfile(), { decoder });
      if (file.startsWith('consumer')) {
        // provider in the 2.4 kernel sits at 2.4 addresses: give consumer's lookups 6.1's provider instead.
        const prov = k.findModule('provider');
        expect(insmod24(K, { fileName: 'provider.ko', image: sample('provider/provider.ko'), args: [] }).exit).toBe(0);
        const p24 = K.find('provider');
        if (!p24 || !prov) throw new Error('provider missing');
        p24.syms = p24.syms.map((s) => {
          const plain = s.name.replace(/^GPLONLY_/, '');
          const e = prov.exports.find((x) => x.name === plain);
          return e ? { name: s.name, value: e.address } : s;
        });
      }
      const r24 = insmod24(K, { fileName: file.split('/')[1], image: sample(file), args: [], noload: true, relocateAt: at });
      expect(r24.exit, r24.op.output.join('\n')).toBe(0);
      const block = r24.relocations;
      const image = r24.image;
      if (!block || !image) throw new Error('no relocations');
      const ref = relocations61(k, r61.op.index);
      expect(block.count).toBe(ref.size);
      expect(block.count).toBeGreaterThan(10);
      const place = new Map(r24.layout.map((p) => [p.name, p]));
      let applied = 0;
      for (let i = 0; i < block.count; i++) {
        const d = block.describe(i);
        const e = ref.get(`${d.relaSection}#${d.entry}`);
        expect(e, `${d.relaSection}#${d.entry}`).toBeDefined();
        expect({ S: d.S, P: d.P, value: d.value, after: d.after, status: d.status }, `${d.relaSection}#${d.entry} ${d.type} ${d.symbol}`).toEqual({
          S: e?.S,
          P: e?.P,
          value: e?.value,
          after: e?.after,
          status: e?.status,
        });
        if (d.status !== 'applied') continue;
        // The bytes in insmod's image at that place are what the 6.1 kernel wrote.
        const p = place.get(d.targetSection);
        if (!p) throw new Error(d.targetSection);
        const off = p.offset + Number(BigInt(d.P) - (at.get(p.index) ?? 0n));
        const got = [...image.subarray(off, off + d.width)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
        expect(got, `${d.relaSection}#${d.entry}`).toBe(e?.after);
        applied++;
      }
      expect(applied).toBe(block.count - [...ref.values()].filter((x) => x.status === 'none').length);
    });
  }
});
