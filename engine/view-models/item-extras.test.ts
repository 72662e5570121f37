/** The Load view's item cards: the instruction a relocation patches, and the export behind an undefined symbol. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import type { RelocationDetail, SeekView, StepInfo, SymbolDetail } from '../api-types';
import { createEngine, type Engine } from '../engine';
import { ROOT, bootKernel, sample } from '../../scripts/test-support/kernel';
import type { ModelKernel } from '../kernel/model';
import { seek } from '../kernel-session';
import { loadModule } from '../load/index';
import { withItemExtras } from './item-extras';
import { patchedInstruction } from './reloc-disasm';

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

async function booted(decoder = true): Promise<Engine> {
  const e = createEngine(decoder ? { decoder: createIcedDecoder } : {});
  await ok(e.call('kernel.boot', { profile: new Uint8Array(readFileSync(join(ROOT, 'samples', 'kernel', 'debian-6.1.0-50-amd64.json.gz'))) }));
  return e;
}

async function insmod(e: Engine, file: string, args = ''): Promise<void> {
  const m = await ok(e.call('open', { name: file.split('/').pop() ?? file, bytes: sample(file) }));
  const op = await ok(e.call('kernel.load', { id: m.id, args }));
  expect(op.result, op.output.join('\n')).toBe(0);
}

/** Every item of the last operation's block step run by fn. */
async function items(e: Engine, fn: string): Promise<SeekView[]> {
  const t = await ok(e.call('kernel.timeline', {}));
  const steps: StepInfo[] = (await ok(e.call('kernel.steps', { offset: 0, limit: 5000 }))).rows;
  const op = t.ops[t.ops.length - 1];
  const s = steps.find((x) => x.fn === fn && x.op === op.index && x.span > 0);
  if (!s) throw new Error(`no ${fn} step`);
  const out: SeekView[] = [];
  for (let p = s.pos; p < s.pos + s.span; p++) out.push(await ok(e.call('kernel.seek', { pos: p })));
  return out;
}

describe('relocation card: the patched instruction', () => {
  it('hello.ko: the PLT32 call to _printk decodes as a call to the next instruction before and to _printk after', async () => {
    const e = await booted();
    await insmod(e, 'hello/hello.ko', 'count=1');
    const relocs = (await items(e, 'apply_relocations')).map((v) => v.item as RelocationDetail);
    const call = relocs.find((r) => r.symbol === '_printk' && r.type === 'R_X86_64_PLT32' && r.targetSection === '.init.text');
    expect(call).toBeDefined();
    const insn = call?.instruction;
    expect(insn).toBeTruthy();
    if (!insn || !call) return;
    // e8 rel32: the field starts one byte into the instruction; zero before, S + A − P after.
    expect(insn.patchOffset).toBe(1);
    expect(insn.before.bytes).toBe('e8 00 00 00 00');
    expect(insn.after.bytes).toBe(`e8 ${call.after}`);
    expect(insn.before.text).toMatch(/^call\s/);
    expect(insn.after.text).toMatch(/<_printk>/);
    expect(insn.before.text).not.toMatch(/_printk/);
    expect(BigInt(insn.address) + 1n).toBe(BigInt(call.P));
    expect(insn.where).toMatch(/^hello_init\+0x[0-9a-f]+\/0x[0-9a-f]+ \[hello\]$/);
    expect(call.target?.name).toBe('_printk');
    // The memory window around P: the four bytes at P zero before, the written value after; the rest unchanged.
    const mem = call.memory;
    expect(mem).toBeTruthy();
    if (mem) {
      const at = Number(BigInt(call.P) - BigInt(mem.start));
      const hex = (b: (number | null)[]) =>
        b
          .slice(at, at + 4)
          .map((x) => (x ?? 0).toString(16).padStart(2, '0'))
          .join(' ');
      expect(hex(mem.before)).toBe('00 00 00 00');
      expect(hex(mem.after)).toBe(call.after);
      expect(mem.before.slice(0, at)).toEqual(mem.after.slice(0, at));
    }
    // The .rela section's items: as many as the section has, starting at its entry 0.
    const same = relocs.filter((r) => r.relaSection === call.relaSection);
    expect(call.sectionItems?.count).toBe(same.length);
    const all = await items(e, 'apply_relocations');
    expect(all.find((v) => v.pos === call.sectionItems?.first)?.item).toMatchObject({ relaSection: call.relaSection, entry: 0 });
    // Every relocation into hello's code lands inside one decoded instruction.
    const text = relocs.filter((r) => /^\.(init\.|exit\.)?text/.test(r.targetSection) && r.status === 'applied');
    expect(text.length).toBeGreaterThan(3);
    for (const r of text) {
      const i = r.instruction;
      expect(i, `${r.relaSection} #${r.entry}`).toBeTruthy();
      if (i) expect(i.patchOffset + i.width).toBeLessThanOrEqual(i.after.bytes.split(' ').length);
    }
  });

  it('a relocation outside text (.data pointers, __param) has no instruction but names its target', async () => {
    const e = await booted();
    await insmod(e, 'hello/hello.ko', 'count=1');
    const relocs = (await items(e, 'apply_relocations')).map((v) => v.item as RelocationDetail);
    const data = relocs.filter((r) => !r.targetSection.includes('text') && r.status === 'applied');
    expect(data.length).toBeGreaterThan(0);
    for (const r of data) expect(r.instruction, `${r.relaSection} #${r.entry}`).toBeNull();
    expect(data.some((r) => r.target?.name)).toBe(true);
  });

  it('without a decoder (CLI without iced) the card has no instruction', async () => {
    const e = await booted(false);
    await insmod(e, 'hello/hello.ko', 'count=1');
    const relocs = (await items(e, 'apply_relocations')).map((v) => v.item as RelocationDetail);
    expect(relocs.every((r) => r.instruction === null)).toBe(true);
  });
});

describe('symbol card: the export behind an undefined symbol', () => {
  it('consumer.ko: provider_greet comes from provider (GPL-only, consumer is GPL), _printk from vmlinux, CRCs match', async () => {
    const e = await booted();
    await insmod(e, 'provider/provider.ko');
    await insmod(e, 'consumer/consumer.ko');
    const syms = (await items(e, 'simplify_symbols')).map((v) => v.item as SymbolDetail);
    const greet = syms.find((s) => s.name === 'provider_greet');
    expect(greet?.export).toMatchObject({ owner: 'provider', gplOnly: true });
    expect(greet?.licence).toMatchObject({ ok: true, moduleGplCompatible: true });
    expect(greet?.crc?.ok).toBe(true);
    const value = syms.find((s) => s.name === 'provider_value');
    expect(value?.export).toMatchObject({ owner: 'provider', gplOnly: false });
    expect(value?.export?.address).toBe(value?.after);
    const printk = syms.find((s) => s.name === '_printk');
    expect(printk?.export?.owner).toBe('vmlinux');
    expect(printk?.export?.crc).toBe(printk?.crc?.kernel);
    // Defined symbols get no export.
    expect(syms.find((s) => s.section !== 'UND' && s.name)?.export).toBeUndefined();
  });

  it('gplonly.ko (licence patched to Proprietary): ktime_get is EXPORT_SYMBOL_GPL, the licence check fails', async () => {
    const e = await booted();
    const m = await ok(e.call('open', { name: 'gplonly.ko', bytes: sample('proprietary/gplonly.ko') }));
    const op = await ok(e.call('kernel.load', { id: m.id, args: '' }));
    expect(op.result).toBe(-2);
    const syms = (await items(e, 'simplify_symbols')).map((v) => v.item as SymbolDetail);
    const kt = syms.find((s) => s.name === 'ktime_get');
    expect(kt?.status).toBe('unknown');
    expect(kt?.export).toMatchObject({ owner: 'vmlinux', gplOnly: true });
    expect(kt?.licence).toMatchObject({ ok: false, moduleGplCompatible: false });
  });
});

describe('relocation card: the instruction is decoded from the memory rows read for the card', () => {
  const decoder = createIcedDecoder();
  const relocSeeks = (k: ModelKernel, op: number) => {
    const out: SeekView[] = [];
    for (let i = 0; i < k.timeline.stepCount(); i++) {
      const s = k.timeline.step(i);
      if (s?.op !== op || s.block !== 'relocations') continue;
      for (let p = s.pos; p < s.pos + s.span; p++) out.push(seek(k, p, decoder));
    }
    return out;
  };

  for (const [name, file, args] of [
    ['hello.ko', 'hello/hello.ko', 'count=3'],
    ['params.ko', 'params/params.ko', ''],
    ['provider.ko', 'provider/provider.ko', ''],
  ] as const) {
    it(`${name}: every relocation's instruction and memory rows are the same as read separately, with half the memory reads`, () => {
      const k = bootKernel();
      const { op } = loadModule(k, { fileName: name, image: sample(file), args, syscall: 'finit_module' });
      expect(op.result, op.output.join('\n')).toBe(0);
      const views = relocSeeks(k, op.index);
      expect(views.length).toBeGreaterThan(5);
      let decoded = 0;
      for (const v of views) {
        const r = v.item as RelocationDetail;
        const reads: [bigint, number][] = [];
        const windowAt = k.memory.windowAt.bind(k.memory);
        k.memory.windowAt = (...a) => (reads.push([a[0], a[1]]), windowAt(...a));
        let whole: SeekView;
        try {
          whole = withItemExtras(k, v, decoder);
        } finally {
          k.memory.windowAt = windowAt;
        }
        const got = whole.item as RelocationDetail;
        // Read separately: the instruction from its own 15-byte windows at pos and pos + 1.
        const alone = patchedInstruction(k, decoder, r, v.pos, v.layout);
        expect(got.instruction ?? null).toEqual(alone);
        if (alone) decoded++;
        // The card's two rows (before and after), and never the instruction's 15 bytes again (a string target's
        // 48 bytes may be read to name it).
        const start = BigInt(got.memory?.start ?? '0x0');
        const len = got.memory?.before.length ?? 0;
        expect(reads.filter(([, n]) => n === 15)).toEqual([]);
        expect(reads.filter(([a, n]) => a === start && n === len)).toHaveLength(2);
        expect(got.memory?.before).toEqual(k.memory.windowAt(start, len, v.pos, k.timeline.foreignWrites(start, len)));
        expect(got.memory?.after).toEqual(k.memory.windowAt(start, len, v.pos + 1, k.timeline.foreignWrites(start, len)));
      }
      expect(decoded).toBeGreaterThan(0);
    });
  }
});
