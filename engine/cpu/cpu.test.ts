/**
 * Instruction semantics on hand-assembled code (GNU as + ld, linked at 0xffffffffc0001000; the
 * kernel functions the calls reach are --defsym'd: FUNC 0xffffffff81000100, NOMODEL …200,
 * FENTRY …300 (__fentry__), RETTHUNK …400 (__x86_return_thunk), THUNK …500 (__x86_indirect_thunk_r11)).
 */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { FlatMemory } from './flat-memory';
import { runFunction, type RunOptions, type RunResult } from './run';
import type { KernelFunction } from './types';
import { CF, ZF } from './flags';
import type { MemWrite } from './cpu';

const S = {
  memops:
    'b80010000048c707feffffff8347040548ff4708c647107f80471001488b070fb74f04480fbe5710488d744f0848875f1841b8' +
    '07000000f0440fc147204c894728480fab4f300fba673803410f92c1c3',
  strings:
    'fc4989f8b841000000b964000000f3aa4c89c6498db8c8000000b919000000f3a5498db8c8000000b041b9e8030000f2ae4989c9fd498db8' +
    '8f010000b05ab904000000f3aafc4c89c6498db8c8000000b964000000f3a64989ca4c89c648adc3',
  loopcall: '31c0b90a00000001c8ffc975fa50e8120000005a83f8370f94c30fb6db486bc3644801d0c305e8030000c3',
  partial: '48c7c0ffffffffb012b43466bb785648c7c1ffffffffb90100000048c7c2ffffffff88d666ba000049c7c0ffffffff41b00049c7c1ffffffff6641b9ab00c3',
  divzero: '31c9b80500000099f7f9c3',
  ud2: 'b8010000000f0bb802000000c3',
  int3: 'ccc3',
  recurse: '50e8faffffff',
  spin: 'ebfe',
  unsupported: 'f20f59c1c3',
  gs: '65488b04252800000065c70425000100000700000065ff042500010000658b1c2500010000c3',
  cmov: '48c7c0ffffffffb90500000083f9030f4cc1c3',
  retimm: 'e801000000c36a096a08e8050000004883c001c3488b4424084803442410c21000',
  rip: '488b0508000000488d1d01000000c38877665544332211',
  writetext: '488d0500000000c60000c3',
  calls: '53bf0b000000be16000000e8f0f0ffc089c3bf21000000e8e4f1ffc001d8e8ddf2ffc04c8d1d0d000000e8d1f4ffc001d85be9c9f3ffc0b864000000e9bff3ffc0',
  tailcall: 'bf05000000e9f6f0ffc0',
  stackargs: '4883ec086a086a07bf01000000be02000000ba03000000b90400000041b80500000041b906000000e8d3f0ffc04883c418c3',
  mul64: '4889f848f7e64889d14889f848f7eec3',
};

const CODE = 0xffffffffc0001000n;
const DATA = 0xffff888100000000n;
const STACK = { base: 0xffffc90000008000n, size: 16384 };
const GS = 0xffff88803ea00000n;
const decoder = createIcedDecoder();

function bytes(hex: string): Uint8Array {
  return new Uint8Array(hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
}

function setup(code: string) {
  const mem = new FlatMemory();
  mem.map('text', CODE, bytes(code), { write: false, exec: true });
  const data = mem.map('data', DATA, 4096);
  mem.map('stack', STACK.base, STACK.size);
  const percpu = mem.map('percpu', GS, 4096);
  return { mem, data, percpu };
}

const NAMES: Record<string, string> = {
  '0xffffffff81000100': 'func',
  '0xffffffff81000200': 'nomodel',
  '0xffffffff81000300': '__fentry__',
  '0xffffffff81000400': '__x86_return_thunk',
  '0xffffffff81000500': '__x86_indirect_thunk_r11',
};

function run(code: string, extra: Partial<RunOptions> = {}): RunResult & { data: Uint8Array; percpu: Uint8Array; reg: (n: string) => bigint } {
  const { mem, data, percpu } = setup(code);
  const r = runFunction(CODE, {
    decoder,
    mem,
    stack: STACK,
    gsBase: GS,
    args: [DATA],
    budget: 100000,
    symbolName: (a) => NAMES[`0x${a.toString(16)}`] ?? null,
    resolveKernelCall: () => 'unknown',
    ...extra,
  });
  return { ...r, data: data.bytes, percpu: percpu.bytes, reg: (n: string) => r.final.regs[n] };
}

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe('instruction semantics', () => {
  it('memory operands: mov/add/inc/movzx/movsx/lea/xchg/xadd/bts/bt', () => {
    const r = run(S.memops, {
      init: (c) => {
        c.setRegByName('rbx', 0x55n);
      },
    });
    expect(r.kind).toBe('returned');
    const d = dv(r.data);
    expect(d.getBigUint64(0, true)).toBe(0x00000004fffffffen); // -2, then +5 on the upper dword (0xffffffff → 4)
    expect(r.reg('rax')).toBe(0x00000004fffffffen);
    expect(d.getBigUint64(8, true)).toBe(1n);
    expect(r.data[16]).toBe(0x80);
    expect(r.reg('rcx')).toBe(4n); // movzwl 4(%rdi): 0x0004 (0xffff + 5 carried into the upper word)
    expect(r.reg('rdx')).toBe(0xffffffffffffff80n); // movsbq of 0x80
    expect(r.reg('rsi')).toBe(DATA + 8n + 8n);
    expect(r.reg('rbx')).toBe(0n); // xchg with 24(%rdi) (was 0)
    expect(d.getBigUint64(24, true)).toBe(0x55n);
    expect(d.getUint32(32, true)).toBe(7);
    expect(r.reg('r8')).toBe(0n); // xadd: old value
    expect(r.data[48]).toBe(1 << 4); // bts bit 4
    expect(r.reg('r9') & 0xffn).toBe(0n); // bt $3 of 56(%rdi) = 0
  });

  it('string instructions: rep stos/movs, repne scas, std, repe cmps, lods', () => {
    const r = run(S.strings);
    expect(r.kind).toBe('returned');
    for (let i = 0; i < 100; i++) expect(r.data[i]).toBe(0x41);
    for (let i = 200; i < 300; i++) expect(r.data[i]).toBe(0x41);
    expect(r.reg('r9')).toBe(999n); // scas found 'A' at the first byte
    expect([...r.data.subarray(396, 400)]).toEqual([0x5a, 0x5a, 0x5a, 0x5a]); // std: backwards from 399
    expect(r.reg('r10')).toBe(0n); // the 100 bytes compare equal
    expect(r.reg('rax')).toBe(0x4141414141414141n);
    expect(r.final.rflags & 0x400n).toBe(0n);
  });

  it('loops, call/ret, push/pop, setcc, imul', () => {
    const r = run(S.loopcall);
    expect(r.kind).toBe('returned');
    // sum 1..10 = 55, +1000 in the callee → 1055; cmp 55 fails → bl = 0; rax = 0*100 + rdx(55)
    expect(r.reg('rax')).toBe(55n);
  });

  it('partial registers: 32-bit writes zero-extend, 8/16-bit writes merge, ah', () => {
    const r = run(S.partial);
    expect(r.reg('rax')).toBe(0xffffffffffff3412n);
    expect(r.reg('rbx') & 0xffffn).toBe(0x5678n);
    expect(r.reg('rcx')).toBe(1n);
    expect(r.reg('rdx')).toBe(0xffffffffffff0000n);
    expect(r.reg('r8')).toBe(0xffffffffffffff00n);
    expect(r.reg('r9')).toBe(0xffffffffffff00abn);
  });

  it('cmov on a 32-bit register', () => {
    expect(run(S.cmov).reg('rax')).toBe(0xffffffffn); // false condition still zero-extends
  });

  it('IF: init runs with interrupts on; local_irq_save() (pushf; pop; cli) then irqs_disabled() sees them off', () => {
    // pushfq; pop %rax; cli; pushfq; pop %rcx; sti; pushfq; pop %rdx; ret
    const r = run('9c58fa9c59fb9c5ac3');
    expect(r.kind).toBe('returned');
    expect(r.reg('rax') & 0x202n).toBe(0x202n);
    expect(r.reg('rcx') & 0x200n).toBe(0n);
    expect(r.reg('rdx') & 0x200n).toBe(0x200n);
  });

  it('ret imm pops its arguments', () => {
    const r = run(S.retimm);
    expect(r.kind).toBe('returned');
    expect(r.reg('rax')).toBe(18n);
  });

  it('rip-relative operands', () => {
    const r = run(S.rip);
    expect(r.reg('rax')).toBe(0x1122334455667788n);
    expect(r.reg('rbx')).toBe(CODE + 0xfn);
  });

  it('mul/imul 64-bit', () => {
    const r = run(S.mul64, { args: [0xffffffffffffffffn, 2n] });
    expect(r.reg('rcx')).toBe(1n); // unsigned high half
    expect(r.reg('rax')).toBe(0xfffffffffffffffen);
    expect(r.reg('rdx')).toBe(0xffffffffffffffffn); // signed: -1 * 2 = -2
    expect(r.final.rflags & BigInt(CF)).toBe(0n);
  });

  it('%gs: per-CPU accesses', () => {
    const r = run(S.gs, { init: (c) => c.mem.write(GS + 0x28n, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])) });
    expect(r.kind).toBe('returned');
    expect(r.reg('rax')).toBe(0x0807060504030201n);
    expect(r.reg('rbx')).toBe(8n);
    expect(r.percpu[0x100]).toBe(8);
  });
});

describe('faults and stops', () => {
  it('idiv by zero: divide-error', () => {
    const r = run(S.divzero);
    expect(r.kind).toBe('fault');
    if (r.kind === 'fault') {
      expect(r.fault.kind).toBe('divide-error');
      expect(r.rip).toBe(CODE + 8n);
    }
  });
  it('ud2 is BUG(): invalid-opcode, unless the bug table says WARN', () => {
    const r = run(S.ud2);
    expect(r.kind === 'fault' && r.fault.kind).toBe('invalid-opcode');
    const w = run(S.ud2, { bugType: () => 'warn' });
    expect(w.kind).toBe('returned');
    expect(w.reg('rax')).toBe(2n);
    expect(w.events).toEqual([{ kind: 'warn', rip: CODE + 5n }]);
  });
  it('int3 stops with a trap', () => {
    const r = run(S.int3);
    expect(r.kind).toBe('trap');
  });
  it('unbounded recursion overflows the 16 KiB stack', () => {
    const r = run(S.recurse);
    expect(r.kind === 'fault' && r.fault.kind).toBe('stack-overflow');
  });
  it('an endless loop runs out of budget', () => {
    const r = run(S.spin, { budget: 5000 });
    expect(r.kind).toBe('budget');
    expect(r.executed).toBe(5000);
  });
  it('unsupported instructions are named', () => {
    const r = run(S.unsupported);
    expect(r.kind).toBe('unsupported');
    if (r.kind === 'unsupported') {
      expect(r.mnemonic).toBe('mulsd'); // SSE floating point: not modelled (exec-sse.ts)
      expect(r.rip).toBe(CODE);
    }
  });
  it("port I/O answers as QEMU's PC: no device reads all ones, a device stops the run (port-io.ts)", () => {
    // mov $0x2e,%dx (a Super I/O index port: nothing there on QEMU's PC); in (%dx),%al; in (%dx),%ax; out %al,$0x80; ret
    const none = run('66ba2e00ec' + '4889c1' + '66ed' + 'e680' + 'c3');
    expect(none.kind).toBe('returned');
    expect(none.reg('rcx') & 0xffn).toBe(0xffn);
    expect(none.reg('rax') & 0xffffn).toBe(0xffffn);
    // in $0x60,%al: the i8042 keyboard controller, a device the model does not have.
    const dev = run('e460c3');
    expect(dev.kind).toBe('unsupported');
    if (dev.kind === 'unsupported') expect(dev.why).toBe("a device of QEMU's PC the model does not have: port 0x60, keyboard");
    // mov $0x3f8,%dx; out %al,(%dx): the first serial port.
    const ser = run('66baf803eec3');
    expect(ser.kind === 'unsupported' && ser.why.endsWith('port 0x3f8, serial')).toBe(true);
  });
  it('writing to text faults read-only', () => {
    const r = run(S.writetext);
    expect(r.kind === 'fault' && r.fault.kind).toBe('read-only');
  });
  it('jumping to unmapped memory faults', () => {
    const r = run(S.tailcall);
    expect(r.kind === 'fault' && r.fault.kind).toBe('not-present');
  });
});

describe('kernel calls', () => {
  const seen: bigint[][] = [];
  const func: KernelFunction = (ctx) => {
    seen.push([0, 1, 2, 3, 4, 5, 6, 7].map((i) => ctx.arg(i)));
    return ctx.arg(0) + ctx.arg(1);
  };
  const resolve = (a: bigint): KernelFunction | null | 'unknown' => (a === 0xffffffff81000100n ? func : a === 0xffffffff81000200n ? null : 'unknown');

  it('models, missing models, __fentry__, indirect thunks and the return thunk', () => {
    const r = run(S.calls, { resolveKernelCall: resolve });
    expect(r.kind).toBe('returned');
    // func(11, 22) = 33; nomodel → 0; 33 + 0; fentry; thunk jumps to the label: 100 + 33 → return thunk
    expect(r.reg('rax')).toBe(133n);
    expect(r.events.map((e) => e.kind + ':' + ('name' in e ? e.name : ''))).toEqual(['kernel-call:func', 'not-modelled:nomodel']);
    const nm = r.events[1];
    expect(nm.kind === 'not-modelled' && nm.from).toBe(CODE + 0x1cn);
  });

  it('a tail jump into a kernel function returns to our caller', () => {
    const r = run(S.tailcall, { resolveKernelCall: resolve, args: [0n, 7n] });
    expect(r.kind).toBe('returned');
    expect(r.reg('rax')).toBe(12n);
  });

  it('arguments beyond six come from the stack', () => {
    seen.length = 0;
    const r = run(S.stackargs, { resolveKernelCall: resolve });
    expect(r.kind).toBe('returned');
    expect(seen[0]).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    expect(r.reg('rax')).toBe(3n);
  });

  it('a model that throws is reported, not thrown', () => {
    const r = run(S.tailcall, {
      resolveKernelCall: (a) =>
        a === 0xffffffff81000100n
          ? () => {
              throw new Error('boom');
            }
          : 'unknown',
    });
    expect(r.kind).toBe('error');
  });
});

describe('tracing', () => {
  it('records every instruction with the state before it and its memory writes', () => {
    const steps: { text: string; rip: bigint; writes: MemWrite[] }[] = [];
    const r = run(S.memops, { recorder: (ins, before, writes) => steps.push({ text: ins.text, rip: before.rip, writes }) });
    expect(r.kind).toBe('returned');
    expect(steps.length).toBe(r.executed);
    expect(steps[1].text).toBe('movq   $0xfffffffffffffffe,(%rdi)');
    expect(steps[1].writes).toHaveLength(1);
    expect(steps[1].writes[0].address).toBe(DATA);
    expect([...(steps[1].writes[0].before ?? [])]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('events between steps', () => {
  it('onEvent fires after the call instruction step and before the next one', () => {
    const log: string[] = [];
    const func: KernelFunction = (ctx) => ctx.arg(0);
    const r = run(S.tailcall, {
      resolveKernelCall: (a) => (a === 0xffffffff81000100n ? func : 'unknown'),
      recorder: (ins) => log.push(ins.mnemonic),
      onEvent: (e) => log.push(e.kind),
    });
    expect(r.kind).toBe('returned');
    expect(log).toEqual(['mov', 'jmp', 'kernel-call']);
  });
});

describe('speed', () => {
  it('counts instructions per second (a hot loop)', () => {
    // loopcall's loop, but long: mov $N,%ecx; 1: add %ecx,%eax; dec %ecx; jnz 1b; ret
    const code = 'b9' + '40420f00' + '01c8ffc975fac3'; // 1,000,000 iterations
    const t0 = performance.now();
    const r = run('31c0' + code, { budget: 10_000_000 });
    const ms = performance.now() - t0;
    expect(r.kind).toBe('returned');
    expect(r.reg('rax')).toBe(BigInt((1_000_000 * 1_000_001) / 2) & 0xffffffffn);
    console.log(
      `CPU model: ${r.executed} instructions in ${ms.toFixed(0)} ms = ${Math.round(r.executed / (ms / 1000)).toLocaleString('en')} instructions/s`,
    );
    expect(r.final.rflags & BigInt(ZF)).toBe(BigInt(ZF));
  });
});
