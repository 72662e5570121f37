/** init on the modelled CPU, as timeline steps: one position per instruction, printk at its instruction. */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { memoryAt, seek } from '../kernel-session';
import { loadModule } from '../load/load-module';
import { bootKernel, sample } from '../../scripts/test-support/kernel';
import { attachCpu } from './attach';
import { DEFAULT_STACK_BASE, THREAD_SIZE } from './kernel-memory';

describe('hello_init on the modelled CPU', () => {
  const k = bootKernel({ quiet: true });
  attachCpu(k, createIcedDecoder());
  const r = loadModule(k, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: 'count=2 whom=class', syscall: 'finit_module' });

  it('prints the real lines at the instructions that called _printk', () => {
    expect(r.errno).toBe(0);
    let step: ReturnType<typeof k.timeline.step> = undefined;
    for (let i = 0; i < k.timeline.stepCount(); i++) if (k.timeline.step(i)?.block === 'instructions') step = k.timeline.step(i);
    expect(step?.fn).toBe('do_one_initcall');
    expect(step?.span).toBeGreaterThan(10);
    const lines = k.log.records.filter((l) => l.pos >= (step?.pos ?? 0));
    expect(lines.map((l) => `<${l.level}>${l.text}`)).toEqual(['<7>hello: greeting 2 time(s)', '<6>Hello, class', '<6>Hello, class']);
    for (const l of lines) {
      const v = seek(k, l.pos);
      expect(v.item?.kind).toBe('instruction');
      if (v.item?.kind === 'instruction') {
        expect(v.item.text).toMatch(/call/);
        expect(v.item.call).toMatch(/^_printk\(\)/);
        expect(v.item.where).toMatch(/^hello_init\+0x[0-9a-f]+\/0x[0-9a-f]+ \[hello\]$/);
      }
    }
  });

  it('shows the registers before each instruction and the stack as it was', () => {
    const first = seek(k, (k.timeline.ops[0].endPos ?? 0) - 1);
    expect(first.operation.result).toBe(0);
    let step: ReturnType<typeof k.timeline.step> = undefined;
    for (let i = 0; i < k.timeline.stepCount(); i++) if (k.timeline.step(i)?.block === 'instructions') step = k.timeline.step(i);
    const v = seek(k, step?.pos ?? 0);
    if (v.item?.kind !== 'instruction') throw new Error('no instruction item');
    expect(v.item.registers.rip).toBe(`0x${r.module?.initFn?.toString(16).padStart(16, '0')}`);
    // The first instruction's stack pointer is inside the modelled 16 KiB kernel stack.
    const rsp = BigInt(v.item.registers.rsp);
    expect(rsp > DEFAULT_STACK_BASE && rsp <= DEFAULT_STACK_BASE + BigInt(THREAD_SIZE)).toBe(true);
    expect(memoryAt(k, BigInt(r.module?.initFn ?? 0n), 4, v.pos).bytes.every((b) => b !== null)).toBe(true);
  });
});
