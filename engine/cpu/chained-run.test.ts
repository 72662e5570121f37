/**
 * run.ts's chained loop (runs of Op.straight ops past the recorded window) against the per-instruction loop the
 * recorder uses: the same end, rip, instruction count and registers for a run that returns, faults in the middle of
 * a chain, runs out of budget in it, or moves rsp out of the stack. Hand-assembled (GNU as), linked at CODE:
 *   0x00 mov %rdi,%rax; 0x03 add $5,%rax; 0x07 mov %rax,8(%rsi); 0x0b mov 8(%rsi),%rbx; 0x0f mov (%rdx),%r8;
 *   0x12 adc %rbx,%rax; 0x15 mul %rbx; 0x18 shrd $7,%rdx,%rax; 0x1d lea 0x10(%rax,%rbx,4),%rcx; 0x22 xor %rcx,%rdx;
 *   0x25 sub %rcx,%rsp; 0x28 add %rcx,%rsp; 0x2b push %rax; 0x2c pop %r9; 0x2e ret
 */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { FlatMemory } from './flat-memory';
import { Interpreter, runFunction, type RunResult } from './run';

const CODE = 0xffffffffc0001000n;
const DATA = 0xffff888100000000n;
const STACK = { base: 0xffffc90000008000n, size: 16384 };
const HEX = '4889f84883c00548894608488b5e084c8b024811d848f7e3480facd007488d4c98104831ca4829cc4801cc504159c3';
const decoder = createIcedDecoder();

/** Run the code (a second time) with args; recordLimit: undefined runs without a recorder (chained from the first instruction). */
function run(args: bigint[], budget: number, recordLimit?: number): { r: RunResult; recorded: number; data: Uint8Array } {
  const mem = new FlatMemory();
  mem.map('text', CODE, new Uint8Array(HEX.match(/../g)?.map((b) => parseInt(b, 16)) ?? []), { write: false, exec: true });
  const data = mem.map('data', DATA, 4096).bytes;
  data.set([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88], 0x100);
  mem.map('stack', STACK.base, STACK.size);
  // A first run that returns links each op to the next (Op.fall): only linked ops are chained.
  const cpu = new Interpreter(decoder, mem);
  if (runFunction(CODE, { decoder, mem, stack: STACK, args: [3n, DATA, DATA + 0x100n], cpu }).kind !== 'returned') throw new Error('warm-up');
  let recorded = 0;
  const recorder = recordLimit === undefined ? undefined : () => void recorded++;
  const r = runFunction(CODE, { decoder, mem, stack: STACK, args, budget, recorder, recordLimit, cpu });
  return { r, recorded, data };
}

function summary(x: { r: RunResult; data: Uint8Array }): unknown {
  const r = x.r;
  return {
    kind: r.kind,
    rip: 'rip' in r ? r.rip : null,
    fault: r.kind === 'fault' ? r.fault.kind : null,
    executed: r.executed,
    final: r.final,
    data: [...x.data.subarray(0, 0x10)],
  };
}

describe('the chained run loop agrees with the per-instruction loop', () => {
  const cases: { name: string; args: bigint[]; budget: number; kind: string; rip: bigint | null; executed: number }[] = [
    { name: 'returns', args: [3n, DATA, DATA + 0x100n], budget: 1000, kind: 'returned', rip: null, executed: 15 },
    { name: 'faults on a read in the middle of a chain', args: [3n, DATA, 0x1000n], budget: 1000, kind: 'fault', rip: CODE + 0xfn, executed: 4 },
    { name: 'runs out of budget in a chain', args: [3n, DATA, DATA + 0x100n], budget: 3, kind: 'budget', rip: CODE + 0xbn, executed: 3 },
    { name: 'moves rsp out of the stack', args: [0x7fffffffn, DATA, DATA + 0x100n], budget: 1000, kind: 'fault', rip: CODE + 0x25n, executed: 11 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const chained = run(c.args, c.budget);
      const stepped = run(c.args, c.budget, Infinity);
      const mixed = run(c.args, c.budget, 2);
      expect(chained.r.kind).toBe(c.kind);
      expect(chained.r.executed).toBe(c.executed);
      if (c.rip !== null) expect('rip' in chained.r && chained.r.rip).toBe(c.rip);
      if (c.name === 'moves rsp out of the stack') expect(chained.r.kind === 'fault' && chained.r.fault.kind).toBe('stack-overflow');
      expect(summary(chained)).toEqual(summary(stepped));
      expect(summary(mixed)).toEqual(summary(stepped));
      // The recorder saw every instruction in the stepped run (one that faulted too; the stack check follows a completed
      // instruction), and only the first two in the mixed one.
      expect(stepped.recorded).toBe(c.executed + (c.name.startsWith('faults') ? 1 : 0));
      expect(mixed.recorded).toBe(Math.min(2, stepped.recorded));
    });
  }
  it('returns the computed value', () => {
    const { r } = run([3n, DATA, DATA + 0x100n], 1000);
    // rax = 3 + 5 = 8, rbx = 8, adc: 16, mul: 128, shrd $7 (rdx 0): 1; push/pop copies it to r9.
    expect(r.kind === 'returned' && r.rax).toBe(1n);
    expect(r.final.regs.r9).toBe(1n);
    expect(r.final.regs.r8).toBe(0x8877665544332211n);
  });
});
