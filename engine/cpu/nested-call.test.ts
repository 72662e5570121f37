/**
 * Kernel models calling module code (nested-call.ts, ctx.callModule) and sort() (kernel-calls/sort.ts).
 *
 * Hand-assembled code (GNU as + ld, linked at 0xffffffffc0001000; SORT = 0xffffffff81000100, CALLBACK = …200):
 *   init_sort(base, num) @+0x00: rbx, r12 = 0x1111111122222222, 0x3333333344444444; sort(base, num, 12, cmp_fn, NULL);
 *                                return rbx + r12
 *   cmp_fn(a, b)          @+0x33: -1/0/1 on the ints at a and b; clobbers rcx rdx rsi rdi r8
 *   init_call()           @+0x4d: rbx = 7; return CALLBACK() + rbx
 *   sum8(a1..a8)          @+0x5d: their sum (a7, a8 from the stack)
 *   null_cb()             @+0x78: reads through NULL
 *   spin_cb()             @+0x7e: jmp .
 *
 * The expected order of cmp calls is what lib/sort.c of 6.1, compiled with gcc, prints for the same input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, CORPUS } from '../../scripts/test-support/kernel';
import { loadModule } from '../load/load-module';
import { attachCpu } from './attach';
import { RSP } from './cpu';
import { FlatMemory } from './flat-memory';
import { moduleCaller, NESTED_RETURN } from './nested-call';
import { Interpreter, runFunction, type RunOptions, type RunResult } from './run';
import { sortFunctions } from './kernel-calls/sort';
import type { KernelFunction } from './types';
import { InstructionBlock } from './instruction-block';

const CODE_HEX =
  '53415448bb222222221111111149bc4444444433333333ba0c000000488d0d100000004531c0e8d5f0ffc04a8d0423415c5bc38b178b0e31c041b8ffffffff31ff31' +
  'f639ca0f9fc0410f4cc0c353bb07000000e8a8f1ffc04801d85bc3488d04374801d04801c84c01c04c01c848034424084803442410c331c0488b00c3ebfe';
const CODE = 0xffffffffc0001000n;
const INIT_SORT = CODE;
const CMP_FN = CODE + 0x33n;
const INIT_CALL = CODE + 0x4dn;
const SUM8 = CODE + 0x5dn;
const NULL_CB = CODE + 0x78n;
const SPIN_CB = CODE + 0x7en;
const SORT = 0xffffffff81000100n;
const CALLBACK = 0xffffffff81000200n;
const DATA = 0xffff888100000000n;
const STACK = { base: 0xffffc90000008000n, size: 16384 };
const decoder = createIcedDecoder();

interface Step {
  rip: bigint;
  gpr: BigUint64Array;
}

const NAMES: [bigint, string][] = [
  [SPIN_CB, 'spin_cb'],
  [NULL_CB, 'null_cb'],
  [SUM8, 'sum8'],
  [INIT_CALL, 'init_call'],
  [CMP_FN, 'cmp_fn'],
  [INIT_SORT, 'init_sort'],
];
const symbolize = (a: bigint): string | null => {
  if (a === SORT) return 'sort+0x0/0x20';
  const hit = NAMES.find(([s]) => a >= s && a < CODE + 0x80n);
  return hit ? `${hit[1]}+0x${(a - hit[0]).toString(16)}` : null;
};

function run(entry: bigint, args: bigint[], callback: KernelFunction | null, data?: Uint8Array, budget = 100_000) {
  const mem = new FlatMemory();
  mem.map(
    'text',
    CODE,
    Uint8Array.from(CODE_HEX.match(/../g) ?? [], (b) => parseInt(b, 16)),
    { exec: true },
  );
  const region = mem.map('data', DATA, data ?? 4096);
  mem.map('stack', STACK.base, STACK.size);
  const steps: Step[] = [];
  const block = new InstructionBlock(symbolize);
  const it = new Interpreter(decoder, mem);
  const models: Record<string, KernelFunction | null> = { [SORT.toString()]: sortFunctions().sort, [CALLBACK.toString()]: callback };
  const opts: RunOptions = {
    decoder,
    mem,
    stack: STACK,
    args,
    budget,
    cpu: it,
    symbolName: (a) => (a === SORT ? 'sort' : a === CALLBACK ? 'callback' : null),
    resolveKernelCall: (a) => (a === SORT || a === CALLBACK ? models[a.toString()] : 'unknown'),
    recorder: (ins, before, writes, fault) => {
      steps.push({ rip: before.rip, gpr: before.gpr.slice() });
      block.record(ins, before.rip, before.gpr, before.rflags, writes, fault);
    },
    onEvent: (e) => {
      if (e.kind === 'kernel-call') block.call(`${e.name}() → 0x${e.ret.toString(16)}`);
    },
  };
  opts.services = { callModule: moduleCaller(it, opts) };
  const r: RunResult = runFunction(entry, opts);
  return { r, steps, block, data: region.bytes };
}

/** 11 elements of 12 bytes { int key; int tag; int pad }: sort() picks swap_words_32 (12 is a multiple of 4, not 8). */
const KEYS = [5, 3, 9, 3, -7, 12, 0, 5, 1, 9, 2];

describe('sort() calling the module cmp function on the modelled CPU', () => {
  const data = new Uint8Array(4096);
  const dv = new DataView(data.buffer);
  KEYS.forEach((key, i) => {
    dv.setInt32(12 * i, key, true);
    dv.setInt32(12 * i + 4, i, true);
  });
  const { r, steps, block, data: out } = run(INIT_SORT, [DATA, BigInt(KEYS.length)], null, data);

  it('returns to init, with its callee-saved registers intact, and the array sorted as lib/sort.c leaves it', () => {
    expect(r.kind).toBe('returned');
    expect(r.kind === 'returned' && r.rax).toBe(0x4444444466666666n);
    const o = new DataView(out.buffer, out.byteOffset);
    const got = KEYS.map((_, i) => `${o.getInt32(12 * i, true)}/${o.getInt32(12 * i + 4, true)}`).join(' ');
    // heapsort is not stable: the tags of equal keys are in the order the kernel's sort leaves them
    expect(got).toBe('-7/4 0/6 1/8 2/10 3/1 3/3 5/0 5/7 9/2 9/9 12/5');
  });

  it('calls cmp in the kernel order, each call a real frame: return address NESTED_RETURN, rsp 16-byte aligned at the call', () => {
    const calls = steps.filter((s) => s.rip === CMP_FN);
    const pairs = calls.map((s) => `${(s.gpr[7] - DATA) / 12n},${(s.gpr[6] - DATA) / 12n}`).join(' ');
    expect(pairs).toBe(
      '9,10 4,9 7,8 3,7 5,6 2,5 3,4 9,10 1,10 1,4 1,2 5,6 0,5 1,2 3,4 7,8 0,7 1,2 5,6 0,5 1,2 3,4 0,7 1,2 5,6 0,6 0,2 1,2 3,4 ' +
        '0,4 1,2 3,4 0,3 1,2 0,3 0,1 1,2 0,2 0,1',
    );
    for (const s of calls) expect(s.gpr[RSP] % 16n).toBe(8n);
    // every cmp instruction is a recorded step and counts: init's 8 up to the call, 10 per cmp call, its 4 after sort
    expect(steps.length).toBe(r.executed);
    expect(r.executed).toBe(8 + 39 * 10 + 4);
    expect(r.events.filter((e) => e.kind === 'kernel-call').map((e) => e.kind === 'kernel-call' && e.args.slice(0, 5))).toEqual([
      [DATA, 11n, 12n, CMP_FN, 0n],
    ]);
  });

  it('shows in the trace as sort() with each cmp call a frame inside it; its result line is on the call instruction', () => {
    const entries = steps.flatMap((s, i) => (s.rip === CMP_FN ? [i] : []));
    const callItem = 7; // call SORT
    expect(block.describe(callItem).call).toBe('sort() → 0x0');
    expect(entries[0]).toBe(callItem + 1);
    for (const k of [entries[0], entries[1], entries[38] + 9]) {
      const st = block.stack(k);
      expect(st.map((f) => [f.function.replace(/\+.*/, ''), f.kernel])).toEqual([
        ['cmp_fn', false],
        ['sort', true],
        ['init_sort', false],
      ]);
      expect(st[1].returnAddress).toBe(`0x${(INIT_SORT + 0x2bn).toString(16)}`);
    }
    expect(block.stack(entries[1])[0].entryItem).toBe(entries[1]);
    expect(block.nav(callItem).stepOver).toBe(steps.length - 4);
    // the stack window shows the return address the model pushed for cmp_fn
    const mem = block.stackMemory(entries[1] + 1);
    const rsp = steps[entries[1]].gpr[RSP];
    const off = Number(rsp - BigInt(mem.address));
    const word = mem.bytes.slice(off, off + 8).reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
    expect(word).toBe(NESTED_RETURN);
  });
});

describe('ctx.callModule', () => {
  it('passes six register and two stack arguments and returns rax; the model goes on with its own arguments', () => {
    let seen: bigint[] = [];
    const { r, steps } = run(INIT_CALL, [], (ctx) => {
      const v = ctx.callModule(SUM8, 1n, 2n, 3n, 4n, 5n, 6n, 70n, 800n);
      seen = [ctx.arg(0), ctx.state.gpr[3]];
      return v + 1000n;
    });
    expect(r.kind === 'returned' && r.ret).toBe(1 + 2 + 3 + 4 + 5 + 6 + 70 + 800 + 1000 + 7);
    expect(seen).toEqual([0n, 7n]);
    const entry = steps.find((s) => s.rip === SUM8);
    expect(entry?.gpr[RSP] !== undefined && entry.gpr[RSP] % 16n).toBe(8n);
  });

  it('a callback that faults ends the run with that fault at its instruction, and the model never gets a value', () => {
    let after = false;
    const { r, steps } = run(INIT_CALL, [], (ctx) => {
      ctx.callModule(NULL_CB);
      after = true;
      return 0n;
    });
    expect(after).toBe(false);
    expect(r.kind).toBe('fault');
    if (r.kind !== 'fault') return;
    expect(r.rip).toBe(NULL_CB + 2n);
    expect(r.fault.address).toBe(0n);
    expect(steps.at(-1)?.rip).toBe(NULL_CB + 2n);
    // the faulting frame's return address is NESTED_RETURN, as the kernel function's would be on the real stack
    expect(steps.at(-1)?.gpr[RSP]).toBe(steps.find((s) => s.rip === NULL_CB)?.gpr[RSP]);
  });

  it('a callback that calls NULL faults at address 0 (the fetch), not with a made-up return', () => {
    const { r } = run(INIT_CALL, [], (ctx) => ctx.callModule(0n));
    expect(r.kind).toBe('fault');
    expect(r.kind === 'fault' && r.rip).toBe(0n);
  });

  it("a strict run's stop in the callee (a function without a model: attach.ts throws) ends the run as an error, no value returned", () => {
    let depth = 0;
    let after = false;
    const { r } = run(INIT_CALL, [], (ctx) => {
      if (++depth === 2) throw new Error('callback() is not modelled');
      const v = ctx.callModule(CALLBACK);
      after = true;
      return v;
    });
    expect(after).toBe(false);
    expect(r.kind === 'error' && r.message).toBe('callback() is not modelled');
  });

  it('a spinning callback uses up the run budget, counted with the instructions before it', () => {
    const { r, steps } = run(INIT_CALL, [], (ctx) => ctx.callModule(SPIN_CB), undefined, 5000);
    expect(r.kind).toBe('budget');
    expect(r.executed).toBe(5000);
    expect(r.kind === 'budget' && r.rip).toBe(SPIN_CB);
    expect(steps.length).toBe(5000);
    expect(steps.slice(0, 2).map((s) => s.rip)).toEqual([INIT_CALL, INIT_CALL + 1n]);
  });

  it('a callback that is a kernel function runs its model (here: itself calling back)', () => {
    let depth = 0;
    const { r } = run(INIT_CALL, [], (ctx) => {
      depth++;
      return depth < 3 ? ctx.callModule(CALLBACK) + 1n : ctx.callModule(SUM8, 1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n);
    });
    expect(r.kind === 'returned' && r.ret).toBe(8 + 2 + 7);
    expect(NESTED_RETURN).not.toBe(0n);
  });
});

describe('a corpus module whose init sorts', () => {
  const file = join(CORPUS, 'drivers', 'comedi', 'drivers', 'ni_routing.ko');
  if (process.env.CI && !existsSync(file)) throw new Error(`the Debian corpus is missing (${file}): run scripts/fetch-corpus.sh`);
  it.skipIf(missing(CORPUS_WHAT, existsSync(file)))(
    'ni_routing: ni_routes_module_init() sorts every device route table with its own cmp functions',
    () => {
      const k = bootKernel({ quiet: true });
      const runs: RunResult[] = [];
      attachCpu(k, createIcedDecoder(), { onRun: (_m, which, res) => which === 'init' && runs.push(res) });
      const blocks: InstructionBlock[] = [];
      const runInit = k.runInit;
      if (!runInit) throw new Error('attachCpu set no runInit');
      k.runInit = (m, pos) => {
        const o = runInit(m, pos);
        if (o.block instanceof InstructionBlock) blocks.push(o.block);
        return o;
      };
      const r = loadModule(k, { fileName: 'ni_routing.ko', image: new Uint8Array(readFileSync(file)), args: '', syscall: 'finit_module' });
      expect(r.errno).toBe(0);
      expect(runs[0].kind).toBe('returned');
      const sorts = runs[0].events.filter((e) => e.kind === 'kernel-call' && e.name === 'sort');
      expect(sorts.length).toBeGreaterThan(100);
      expect(runs[0].events.some((e) => e.kind === 'not-modelled')).toBe(false);
      // The trace: sort()'s line on its call; each _ni_sort_destcmp() call (ending in a jump to the return thunk) a frame in it.
      const b = blocks[0];
      const call = Array.from({ length: 1000 }, (_, i) => i).find((i) => b.describe(i).call === 'sort() → 0x0') ?? -1;
      expect(b.describe(call).text).toMatch(/^call/);
      const fns = (i: number): string[] => b.stack(i).map((f) => f.function.replace(/\+.*/, ''));
      expect(fns(call + 1)).toEqual(['_ni_sort_destcmp', 'sort', 'ni_sort_device_routes', 'ni_routes_module_init']);
      const second = Array.from({ length: 40 }, (_, i) => call + 2 + i).find((i) => b.describe(i).where?.startsWith('_ni_sort_destcmp+0x0/'));
      expect(second).toBeDefined();
      expect(b.stack(second ?? 0)[0].entryItem).toBe(second);
      // struct ni_device_routes { const char *device; int n_route_sets; struct ni_route_set *routes; } and
      // struct ni_route_set { int dest; int n_src; int *src; }: sorted by dest, each set's sources sorted.
      const mod = k.findModule('ni_routing');
      const sym = mod?.symbolTable.find((s) => s.name === 'ni_pci_6602_device_routes');
      expect(sym).toBeDefined();
      const u64 = (a: bigint): bigint => new DataView(k.memory.read(a, 8).buffer).getBigUint64(0, true);
      const i32 = (a: bigint): number => new DataView(k.memory.read(a, 4).buffer).getInt32(0, true);
      const dev = sym?.value ?? 0n;
      const nSets = i32(dev + 8n);
      const routes = u64(dev + 16n);
      expect(nSets).toBeGreaterThan(10);
      let prevDest = -Infinity;
      for (let i = 0; i < nSets; i++) {
        const set = routes + 16n * BigInt(i);
        const dest = i32(set);
        expect(dest).toBeGreaterThan(prevDest);
        prevDest = dest;
        const nSrc = i32(set + 4n);
        const src = u64(set + 8n);
        let prev = -Infinity;
        for (let j = 0; j < nSrc; j++) {
          const v = i32(src + 4n * BigInt(j));
          expect(v).toBeGreaterThan(prev);
          prev = v;
        }
        expect(i32(src + 4n * BigInt(nSrc))).toBe(0);
      }
    },
  );
});
