import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from './iced-decoder';
import type { Instruction } from '../engine/cpu/index';

function hex(s: string): Uint8Array {
  return new Uint8Array(s.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
}

/** `as` output of a few forms (see engine/cpu/cpu.test.ts for how the bytes were made). */
const CODE = hex(
  '4889fb8b351000000048b88877665544332211a0887766554433221165488b042528000000d1e048c1e003d3faf348abf3a4f2aef0480fb10ae81b00' +
    '0000ffe0c208006aff68785634126bc8fd0fb60c984863d088e3660f1f04000f0bccf30f1efac60001',
);

function decodeAll(base: bigint): Instruction[] {
  const d = createIcedDecoder();
  const out: Instruction[] = [];
  let off = 0;
  while (off < CODE.length) {
    const ins = d.decode(CODE.subarray(off, off + 15), base + BigInt(off));
    if (!ins) throw new Error(`invalid at ${off}`);
    out.push(ins);
    off += ins.length;
  }
  d.dispose();
  return out;
}

describe('iced-x86 decoder for the CPU model', () => {
  const all = decodeAll(0x1000n);
  const at = (ip: number): Instruction => all.find((i) => i.ip === BigInt(ip)) as Instruction;

  it('decodes every instruction of the sample, with lengths adding up', () => {
    expect(all).toHaveLength(26);
    expect(all.reduce((n, i) => n + i.length, 0)).toBe(CODE.length);
  });

  it('names mnemonics and registers in lower case, as iced does', () => {
    expect(at(0x1000)).toMatchObject({
      mnemonic: 'mov',
      text: 'mov    %rdi,%rbx',
      flow: 'next',
      operands: [
        { kind: 'reg', reg: 'rbx', size: 8 },
        { kind: 'reg', reg: 'rdi', size: 8 },
      ],
    });
    expect(at(0x1054).operands).toEqual([
      { kind: 'reg', reg: 'bl', size: 1 },
      { kind: 'reg', reg: 'ah', size: 1 },
    ]);
    expect(at(0x1051)).toMatchObject({ mnemonic: 'movsxd', text: 'movslq %eax,%rdx' });
    expect(at(0x104d)).toMatchObject({ mnemonic: 'movzx', text: 'movzbl (%rax,%rbx,4),%ecx' });
  });

  it('resolves rip-relative operands to absolute addresses (and comments them like objdump)', () => {
    const i = at(0x1003);
    expect(i.operands[1]).toEqual({ kind: 'mem', size: 4, base: 'rip', index: null, scale: 1, disp: 0x1019n, segment: null, ripRelative: true });
    expect(i.text).toBe('mov    0x10(%rip),%esi        # 0x1019');
  });

  it('memory operands: moffs, %gs, base+index*scale', () => {
    expect(at(0x1013).operands[1]).toMatchObject({ kind: 'mem', size: 1, base: null, disp: 0x1122334455667788n });
    expect(at(0x101c).operands[1]).toMatchObject({ kind: 'mem', size: 8, base: null, disp: 0x28n, segment: 'gs' });
    expect(at(0x104d).operands[1]).toMatchObject({ kind: 'mem', size: 1, base: 'rax', index: 'rbx', scale: 4, disp: 0n });
  });

  it('immediates are sign-extended 64-bit values with their operation size', () => {
    expect(at(0x1009).operands[1]).toEqual({ kind: 'imm', value: 0x1122334455667788n, size: 8 });
    expect(at(0x1043).operands[0]).toEqual({ kind: 'imm', value: 0xffffffffffffffffn, size: 8 });
    expect(at(0x104a).operands[2]).toEqual({ kind: 'imm', value: 0xfffffffffffffffdn, size: 4 });
    expect(at(0x1040).operands[0]).toEqual({ kind: 'imm', value: 8n, size: 2 });
  });

  it('prefixes, string operands, branches and flow kinds', () => {
    expect(at(0x102d)).toMatchObject({
      mnemonic: 'stosq',
      rep: true,
      repne: false,
      operands: [
        { kind: 'mem', base: 'rdi', size: 8 },
        { kind: 'reg', reg: 'rax' },
      ],
    });
    expect(at(0x1030)).toMatchObject({
      mnemonic: 'movsb',
      rep: true,
      operands: [
        { kind: 'mem', base: 'rdi', size: 1 },
        { kind: 'mem', base: 'rsi', size: 1 },
      ],
    });
    expect(at(0x1032)).toMatchObject({ mnemonic: 'scasb', repne: true });
    expect(at(0x1034)).toMatchObject({ mnemonic: 'cmpxchg', lock: true });
    expect(at(0x1039)).toMatchObject({ mnemonic: 'call', flow: 'call', operands: [{ kind: 'branch', target: 0x1059n }] });
    expect(at(0x103e)).toMatchObject({ mnemonic: 'jmp', flow: 'indirect-jmp' });
    expect(at(0x1040).flow).toBe('ret');
    expect(at(0x105b)).toMatchObject({ mnemonic: 'ud2', flow: 'exception' });
    expect(at(0x105d)).toMatchObject({ mnemonic: 'int3', flow: 'interrupt' });
    expect(at(0x105e).mnemonic).toBe('endbr64');
  });

  it('returns null for invalid or truncated bytes', () => {
    const d = createIcedDecoder();
    expect(d.decode(new Uint8Array([0x06]), 0n)).toBeNull(); // push es: invalid in 64-bit mode
    expect(d.decode(new Uint8Array([0x48, 0xb8, 1, 2]), 0n)).toBeNull();
    expect(d.decode(new Uint8Array([]), 0n)).toBeNull();
    d.dispose();
  });

  it('a decoder reused 200 times over gives the same instructions and text; after dispose() text still reads, decode throws', () => {
    // Its speed is measured by `npm run bench` (scripts/bench/decoder.mjs, against objdump in the same run).
    const d = createIcedDecoder();
    const once = decodeAll(0x1000n).map((i) => `${i.ip.toString(16)} ${i.length} ${i.text}`);
    const kept: Instruction[] = [];
    for (let k = 0; k < 200; k++) {
      for (let off = 0; off < CODE.length; ) {
        const ins = d.decode(CODE.subarray(off, off + 15), 0x1000n + BigInt(off));
        if (!ins) throw new Error(`invalid at ${off} in pass ${k}`);
        if (k === 0 || k === 199) kept.push(ins);
        off += ins.length;
      }
    }
    const last = kept.slice(once.length);
    expect(kept.slice(0, once.length).map((i) => `${i.ip.toString(16)} ${i.length} ${i.text}`)).toEqual(once);
    d.dispose();
    // Texts never read before dispose() are formatted afterwards with a formatter of their own.
    expect(last.map((i) => `${i.ip.toString(16)} ${i.length} ${i.text}`)).toEqual(once);
    expect(() => d.decode(CODE, 0x1000n)).toThrow(/disposed/);
  });
});
