/**
 * At an executed instruction: the disassembly around rip (decoded from the modelled memory at that
 * position, targets named), the call stack (hello_init alone; drbg_init calling its own functions),
 * and per-block / step-over navigation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { seek } from '../kernel-session';
import { loadModule } from '../load/load-module';
import { unloadModule } from '../load/unload';
import type { ModelKernel } from '../kernel/model';
import type { InstructionDetail, StepInfo } from '../trace/types';
import { bootKernel, CORPUS, sample } from '../../scripts/test-support/kernel';
import { attachCpu } from './attach';
import { disasmWindow } from './disasm-window';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const decoder = createIcedDecoder();

function load(image: Uint8Array, fileName: string, args: string): { k: ModelKernel; step: StepInfo; at: (i: number) => InstructionDetail } {
  const k = bootKernel({ quiet: true });
  attachCpu(k, decoder);
  const r = loadModule(k, { fileName, image, args, syscall: 'finit_module' });
  expect(r.errno).toBe(0);
  let step: StepInfo | undefined;
  for (let i = 0; i < k.timeline.stepCount() && !step; i++) if (k.timeline.step(i)?.block === 'instructions') step = k.timeline.step(i);
  if (!step) throw new Error('no instruction block');
  const s = step;
  const at = (i: number): InstructionDetail => {
    const v = seek(k, s.pos + i, decoder);
    if (v.item?.kind !== 'instruction') throw new Error(`no instruction at item ${i}`);
    return v.item;
  };
  return { k, step: s, at };
}

describe('hello_init: disassembly around rip, stack, navigation', () => {
  const { step, at } = load(sample('hello/hello.ko'), 'hello.ko', 'count=3');
  const items = Array.from({ length: step.span }, (_, i) => at(i));
  const printks = items.filter((d) => d.call?.startsWith('_printk()'));

  it('names the function with its size, as sprint_symbol() does', () => {
    expect(items[0].where).toMatch(/^hello_init\+0x0\/0x[1-9a-f][0-9a-f]* \[hello\]$/);
    expect(printks).toHaveLength(4);
  });

  it('decodes the instructions around a printk call from memory, boundaries from the function start', () => {
    const d = printks[1];
    const cur = d.around.filter((r) => r.current);
    expect(cur).toHaveLength(1);
    expect(cur[0].address).toBe(d.rip);
    expect(cur[0].text).toMatch(/^call\s+0xffffffff[0-9a-f]+ <_printk>$/);
    expect(cur[0].bytes).toMatch(/^e8( [0-9a-f]{2}){4}$/);
    const i = d.around.indexOf(cur[0]);
    expect(i).toBeGreaterThanOrEqual(1);
    expect(i).toBeLessThanOrEqual(6);
    expect(d.around.length - i - 1).toBeGreaterThan(0);
    expect(d.around.length - i - 1).toBeLessThanOrEqual(10);
    // Consecutive: each row starts where the one before ended.
    for (let j = 1; j < d.around.length; j++) {
      expect(BigInt(d.around[j].address)).toBe(BigInt(d.around[j - 1].address) + BigInt(d.around[j - 1].bytes.split(' ').length));
    }
    // Every executed instruction in the window shows the same text the CPU ran.
    for (const r of d.around) {
      const ran = items.find((x) => x.rip === r.address);
      if (ran) expect(r.text.startsWith(ran.text)).toBe(true);
    }
    // The loop reads `count` rip-relative; the printk format is a string in .rodata.str.
    expect(items[1].around.some((r) => /# 0xffffffff[0-9a-f]+ <count>$/.test(r.text))).toBe(true);
    const fmt = d.around.find((r) => r.text.startsWith('mov    $0x') && r.text.includes('%rdi'));
    expect(fmt?.target?.symbol).toMatch(/^\.rodata\.str1\.\d+\+0x[0-9a-f]+ "\\x016Hello, %s\\n"$/);
  });

  it('shows hello_init as the only module frame, _printk innermost at the call', () => {
    const d = printks[0];
    expect(d.stack.map((f) => f.kernel)).toEqual([true, false]);
    expect(d.stack[0].function).toBe('_printk');
    expect(BigInt(d.stack[0].returnAddress ?? '0')).toBe(BigInt(d.rip) + 5n);
    expect(d.stack[0].returnTo).toMatch(/^hello_init\+0x[0-9a-f]+\/0x[0-9a-f]+ \[hello\]$/);
    expect(BigInt(d.stack[0].rsp)).toBe(BigInt(d.registers.rsp) - 8n);
    expect(d.stack[1].function).toBe(d.where);
    expect(d.stack[1].returnTo).toBe('do_one_initcall');
    expect(d.stack[1].returnAddress).toBeNull();
    expect(d.stack[1].entryItem).toBe(0);
    // The stack memory before the call: the saved %rbx, then the return address pushed by runFunction().
    const sm = d.stackMemory;
    expect(BigInt(sm.address)).toBe(BigInt(d.registers.rsp));
    expect(sm.bytes.slice(0, 8)).toEqual(new Array(8).fill(0));
    expect(sm.bytes.slice(8, 16)).toEqual([0x00, 0x00, 0xad, 0xde, 0xff, 0xff, 0xff, 0xff]);
    // Not at a call: one frame.
    expect(items[2].stack).toHaveLength(1);
  });

  it('steps per basic block and over calls', () => {
    for (let i = 0; i < items.length; i++) {
      const n = items[i].nav;
      if (n.nextBlock !== null) {
        expect(n.nextBlock).toBeGreaterThan(i);
        // The instruction before the next block's first one changes the flow.
        expect(items[n.nextBlock - 1].text).toMatch(/^(call|j|ret)/);
        for (let j = i; j < n.nextBlock - 1; j++) expect(items[j].text).not.toMatch(/^(call|j[a-z]*|ret)\s/);
      }
      // No calls into the module's own code: stepping over is stepping by one.
      expect(n.stepOver).toBe(i + 1 < items.length ? i + 1 : null);
      expect(n.stepOut).toBeNull();
    }
  });
});

const DRBG = join(CORPUS, 'crypto', 'drbg.ko');
describe.skipIf(missing(CORPUS_WHAT, existsSync(DRBG)))('drbg_init calling its own functions (Debian corpus)', () => {
  // Read when the tests run, not when they are collected: a machine without the corpus skips cleanly.
  let loaded: ReturnType<typeof load> | null = null;
  const get = (): ReturnType<typeof load> => (loaded ??= load(new Uint8Array(readFileSync(DRBG)), 'drbg.ko', ''));

  it('pushes a frame where a call lands in module code and pops it on return', () => {
    const { step, at } = get();
    let checked = 0;
    for (let i = 1; i < step.span && checked < 3; i++) {
      const d = at(i);
      const prev = at(i - 1);
      const mod = d.stack.filter((f) => !f.kernel);
      if (mod.length !== 2 || !/^call/.test(prev.text) || prev.call) continue;
      // The callee's frame: entered here, rsp pointing at the return address the call pushed.
      expect(mod[0].entryItem).toBe(i);
      expect(mod[0].function).toMatch(/\+0x0\/0x[0-9a-f]+ \[drbg\]$/);
      expect(mod[0].rsp).toBe(d.registers.rsp);
      expect(BigInt(mod[0].returnAddress ?? '0')).toBe(BigInt(prev.rip) + BigInt(prev.around.find((r) => r.current)?.bytes.split(' ').length ?? 0));
      expect(mod[0].returnTo).toMatch(/^drbg_init\+0x[0-9a-f]+\/0x[0-9a-f]+ \[drbg\]$/);
      expect(mod[1].function).toMatch(/^drbg_init\+/);
      expect(mod[1].returnTo).toBe('do_one_initcall');
      // Stepping over the call lands on the instruction it returns to, in the caller's frame.
      const over = prev.nav.stepOver;
      expect(over).not.toBeNull();
      expect(over).toBeGreaterThan(i);
      const back = at(over ?? 0);
      expect(back.rip).toBe(mod[0].returnAddress);
      expect(back.stack.filter((f) => !f.kernel)).toHaveLength(1);
      expect(d.nav.stepOut).toBe(over);
      expect(back.nav.stepBackOver).toBe(i - 1);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('disasmWindow on bad input', () => {
  it('gives no rows for an address outside any module', () => {
    const { k, step } = load(sample('hello/hello.ko'), 'hello.ko', '');
    expect(disasmWindow(k, decoder, 0xffffffff81000000n, step.pos)).toEqual([]);
    expect(disasmWindow(k, decoder, 0n, step.pos)).toEqual([]);
  });
});

describe('after rmmod, the instructions of a module that is gone still name its code', () => {
  it('where, the stack and the disassembly say hello_init, not a vmlinux neighbour', () => {
    const { k, step, at } = load(sample('hello/hello.ko'), 'hello.ko', 'count=1');
    const before = at(0);
    expect(unloadModule(k, { name: 'hello', force: false }).errno).toBe(0);
    expect(k.modules.length).toBe(0);
    const after = at(0);
    expect(after.where).toBe(before.where);
    expect(after.where).toMatch(/^hello_init\+0x0\/0x1000 \[hello\]$/);
    expect(after.stack.map((f) => f.function)).toEqual(before.stack.map((f) => f.function));
    expect(after.around.length).toBeGreaterThan(0);
    expect(k.modulesAt(step.pos).map((m) => m.name)).toEqual(['hello']);
    expect(k.modulesAt(k.timeline.length - 1)).toEqual([]);
  });
});
