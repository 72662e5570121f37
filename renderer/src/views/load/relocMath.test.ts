/** The relocation card's formula with numbers, against the values the engine wrote for hello.ko and consumer.ko. */
import { describe, expect, it } from 'vitest';
import type { RelocationDetail } from '../../../../engine/api-types';
import { seek } from '../../../../engine/kernel-session';
import { loadModule } from '../../../../engine/load/index';
import { bootKernel, sample } from '../../../../scripts/test-support/kernel';
import { relocMath } from './relocMath';

function relocations(files: string[]): RelocationDetail[] {
  const k = bootKernel();
  for (const f of files)
    expect(loadModule(k, { fileName: f.split('/').pop() ?? f, image: sample(f), args: '', syscall: 'finit_module' }).op.result).toBe(0);
  const out: RelocationDetail[] = [];
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (s?.block !== 'relocations') continue;
    for (let p = s.pos; p < s.pos + s.span; p++) {
      const item = seek(k, p).item;
      if (item?.kind === 'relocation') out.push(item);
    }
  }
  return out;
}

describe('relocMath', () => {
  it('S + A − P (or S + A), truncated to the field, is the value the kernel wrote; every applied one passes its range check', () => {
    const all = relocations(['provider/provider.ko', 'consumer/consumer.ko']);
    const applied = all.filter((r) => r.status === 'applied');
    expect(applied.length).toBeGreaterThan(20);
    const types = new Set<string>();
    for (const r of applied) {
      const m = relocMath(r);
      expect(m, `${r.relaSection} #${r.entry}`).not.toBeNull();
      if (!m) continue;
      types.add(r.type);
      expect(BigInt.asUintN(r.width * 8, m.exact), `${r.relaSection} #${r.entry} ${r.type}`).toBe(BigInt(r.value));
      if (r.width === 8) expect(m.check.ok).toBeNull();
      else expect(m.check.ok, `${r.relaSection} #${r.entry} ${r.type}`).toBe(true);
    }
    expect([...types]).toEqual(expect.arrayContaining(['R_X86_64_PLT32', 'R_X86_64_64']));
  });

  it('R_X86_64_32S fails its check when S + A does not sign-extend (an address above the top 2 GiB)', () => {
    const r: RelocationDetail = {
      kind: 'relocation',
      item: 0,
      relaSection: '.rela.text',
      entry: 0,
      targetSection: '.text',
      type: 'R_X86_64_32S',
      typeNumber: 11,
      symbol: 'x',
      S: '0xffffffffc0201000',
      A: '0x0',
      P: '0xffffffffc0200000',
      formula: 'S + A',
      value: '0xc0201000',
      rule: { width: 4, pcRelative: false, check: 'sign-extend-32' },
      width: 4,
      before: '',
      after: '',
      status: 'applied',
      message: null,
    };
    expect(relocMath(r)?.check.ok).toBe(true);
    expect(relocMath({ ...r, S: '0xffffc90000001000', status: 'overflow' })?.check.ok).toBe(false);
    expect(relocMath({ ...r, type: 'R_X86_64_32', typeNumber: 10, rule: { width: 4, pcRelative: false, check: 'zero-extend-32' } })?.check.ok).toBe(
      false,
    );
    // The rule, not the name, decides: a row that says PC-relative is computed S + A − P whatever the type is called.
    expect(relocMath({ ...r, rule: { width: 4, pcRelative: true, check: null } })?.terms).toContain('−');
  });
});
