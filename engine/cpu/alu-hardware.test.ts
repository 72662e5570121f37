/**
 * Differential test against real hardware: every snippet in testdata/alu-hardware.txt was run
 * natively (values in, registers and RFLAGS out); the interpreter must produce the same registers
 * and the same status flags, except those the SDM leaves undefined for the instruction.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { FlatMemory } from './flat-memory';
import { Interpreter, runFunction } from './run';
import { STATUS } from './flags';

const NAMES = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9'];
const FIXED: Record<string, bigint> = { rsi: 0x1111111111111111n, rdi: 0x7777777777777777n, r8: 0x8888888888888888n, r9: 0x9999999999999999n };
const CODE = 0xffffffffc0000000n;

interface Case {
  name: string;
  asm: string;
  mask: number;
  bytes: Uint8Array;
  runs: { regs: bigint[]; flags: number; out: Map<string, bigint>; outFlags: number }[];
}

function load(): Case[] {
  const text = readFileSync(join(__dirname, 'testdata', 'alu-hardware.txt'), 'utf8');
  const cases: Case[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('= ')) {
      const [name, asm, mask, hex] = line.slice(2).split('|');
      cases.push({ name, asm, mask: parseInt(mask, 16), bytes: new Uint8Array(hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []), runs: [] });
      continue;
    }
    const [l, r] = line.split(' > ');
    const ins = l.split(' ');
    const outs = r.split(' ');
    const out = new Map<string, bigint>();
    for (const o of outs.slice(0, -1)) {
      const [k, v] = o.split('=');
      out.set(k, BigInt(`0x${v}`));
    }
    cases[cases.length - 1].runs.push({
      regs: ins.slice(0, 4).map((x) => BigInt(`0x${x}`)),
      flags: parseInt(ins[4], 16),
      out,
      outFlags: parseInt(outs[outs.length - 1], 16),
    });
  }
  return cases;
}

describe('ALU instructions against hardware results', () => {
  const cases = load();
  const decoder = createIcedDecoder();
  it(`has the recorded cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThan(250);
  });
  for (const c of cases) {
    it(`${c.name}: ${c.asm}`, () => {
      const mem = new FlatMemory();
      // the snippet, then ret
      const code = new Uint8Array(c.bytes.length + 1);
      code.set(c.bytes);
      code[c.bytes.length] = 0xc3;
      mem.map('code', CODE, code, { write: false, exec: true });
      const stack = { base: 0xffffc90000008000n, size: 16384 };
      mem.map('stack', stack.base, stack.size);
      const it = new Interpreter(decoder, mem);
      for (const run of c.runs) {
        // Registers are set by patching the CPU after runFunction's setup: run with a pre-hook.
        const regs = new Map<string, bigint>(NAMES.map((n, i) => [n, i < 4 ? run.regs[i] : FIXED[n]]));
        const cpu = it.cpu;
        const res = runFunction(CODE, {
          decoder,
          mem,
          stack,
          cpu: it,
          recorder: undefined,
          // runFunction zeroes registers; set them through args + a first-instruction hook instead:
          args: [
            regs.get('rdi') ?? 0n,
            regs.get('rsi') ?? 0n,
            regs.get('rdx') ?? 0n,
            regs.get('rcx') ?? 0n,
            regs.get('r8') ?? 0n,
            regs.get('r9') ?? 0n,
          ],
          budget: 100,
          init: (s) => {
            s.setRegByName('rax', regs.get('rax') ?? 0n);
            s.setRegByName('rbx', regs.get('rbx') ?? 0n);
            s.flags = run.flags & 0xfff;
          },
        });
        expect(res.kind, `${c.asm}: ${JSON.stringify(res.kind === 'unsupported' ? res.why : res.kind === 'fault' ? res.fault.message : '')}`).toBe(
          'returned',
        );
        const regText = ['rax', 'rbx', 'rcx', 'rdx'].map((r, i) => `${r}=${run.regs[i].toString(16)}`).join(' ');
        const label = `${c.asm} with ${regText} flags=${run.flags.toString(16)}`;
        for (const n of NAMES) {
          const want = run.out.get(n) ?? regs.get(n);
          expect(`${n}=${cpu.reg(n).toString(16)}`, label).toBe(`${n}=${want?.toString(16)}`);
        }
        const defined = c.mask & STATUS;
        expect((cpu.flags & defined).toString(16), `${label}: flags ${cpu.flags.toString(16)} vs ${run.outFlags.toString(16)}`).toBe(
          (run.outFlags & defined).toString(16),
        );
      }
    });
  }
});
