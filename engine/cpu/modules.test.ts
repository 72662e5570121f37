/**
 * The real init functions of the sample modules, loaded by the modelled 6.1 loader and executed by
 * the CPU model while init memory is alive (ModelKernel.runInit), with a stub _printk that records
 * its format string.
 */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { loadModule } from '../load/load-module';
import { bootKernel, sample } from '../../scripts/test-support/kernel';
import type { ModelKernel } from '../kernel/model';
import { runKernelFunction } from './kernel-run';
import type { RunResult } from './run';
import type { KernelFunction } from './types';

const decoder = createIcedDecoder();

interface Printed {
  fmt: string;
  args: bigint[];
}

function withCpu(k: ModelKernel, printed: Printed[], results: RunResult[]): void {
  const printk: KernelFunction = (ctx) => {
    printed.push({ fmt: ctx.cstring(ctx.arg(0)), args: [1, 2, 3].map((i) => ctx.arg(i)) });
    return 0n;
  };
  k.runInit = (mod) => {
    if (mod.initFn === null) return { ret: 0, note: 'no init' };
    const r = runKernelFunction(k, mod.initFn, { decoder, models: (n) => (n === '_printk' ? printk : undefined) });
    results.push(r);
    if (r.kind !== 'returned')
      throw new Error(
        `${mod.name} init: ${r.kind} ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)).slice(0, 400)}`,
      );
    return { ret: r.ret, note: `ran ${r.executed} instructions` };
  };
}

function insmod(k: ModelKernel, file: string, args = '') {
  const image = sample(file);
  return loadModule(k, { fileName: file.split('/').pop() ?? file, image, args, syscall: 'finit_module' });
}

describe('sample init functions on the CPU model', () => {
  it('hello count=3: greets three times and returns 0', () => {
    const k = bootKernel();
    const printed: Printed[] = [];
    const results: RunResult[] = [];
    withCpu(k, printed, results);
    const r = insmod(k, 'hello/hello.ko', 'count=3 whom=there');
    expect(r.errno).toBe(0);
    expect(printed.map((p) => p.fmt)).toEqual([
      '\u00017hello: greeting %d time(s)\n',
      '\u00016Hello, %s\n',
      '\u00016Hello, %s\n',
      '\u00016Hello, %s\n',
    ]);
    expect(printed[0].args[0]).toBe(3n);
    const res = results[0];
    expect(res.kind).toBe('returned');
    if (res.kind === 'returned') expect(res.ret).toBe(0);
    // whom=there: the charp argument points at the string "there"
    const whom = printed[1].args[0];
    expect(k.memory.readCString(whom)).toBe('there');
    // __fentry__ and __x86_return_thunk are thunks, not calls: only _printk shows as kernel calls
    expect(res.events.map((e) => e.kind === 'kernel-call' && e.name)).toEqual(['_printk', '_printk', '_printk', '_printk']);
  });

  it('hello count=-1: prints the alert and returns -EINVAL', () => {
    const k = bootKernel();
    const printed: Printed[] = [];
    const results: RunResult[] = [];
    withCpu(k, printed, results);
    const r = insmod(k, 'hello/hello.ko', 'count=-1');
    expect(r.errno).toBe(-22);
    expect(printed.map((p) => p.fmt)).toEqual(['\u00011hello: count=%d is negative\n']);
    expect(printed[0].args[0]).toBe(BigInt.asUintN(64, -1n) & 0xffffffffn);
    expect(results[0].kind === 'returned' && results[0].ret).toBe(-22);
  });

  it('params: prints every parameter', () => {
    const k = bootKernel();
    const printed: Printed[] = [];
    const results: RunResult[] = [];
    withCpu(k, printed, results);
    const r = insmod(k, 'params/params.ko', 'p_int=-40 p_array=5,6,7');
    expect(r.errno).toBe(0);
    expect(results[0].kind === 'returned' && results[0].ret).toBe(0);
    expect(printed.map((p) => p.fmt.replace(/^\u0001\d/, ''))).toEqual([
      'params: byte=%u short=%d ushort=%u int=%d uint=%u\n',
      'params: long=%ld ulong=%lu ullong=%llu hexint=0x%x\n',
      'params: charp=%s bool=%d invbool=%d bint=%d string=%s\n',
      'params: array has %u element(s)\n',
      'params: array[%u]=%d\n',
      'params: array[%u]=%d\n',
      'params: array[%u]=%d\n',
    ]);
    expect(printed[0].args.map((a) => BigInt.asIntN(32, a))).toEqual([1n, -2n, 3n]);
    expect(printed[3].args[0]).toBe(3n);
    expect(printed.slice(4).map((p) => [p.args[0], p.args[1]])).toEqual([
      [0n, 5n],
      [1n, 6n],
      [2n, 7n],
    ]);
  });

  it('failing-init returns -ENODEV and the load fails', () => {
    const k = bootKernel();
    const printed: Printed[] = [];
    const results: RunResult[] = [];
    withCpu(k, printed, results);
    const r = insmod(k, 'failing-init/failing-init.ko');
    expect(results[0].kind === 'returned' && results[0].ret).toBe(-19);
    expect(r.errno).toBe(-19);
    expect(printed.map((p) => p.fmt)).toEqual(['\u00016failing_init: no device found, giving up\n']);
  });

  it('consumer calls provider_greet: execution goes into the other module', () => {
    const k = bootKernel();
    const printed: Printed[] = [];
    const results: RunResult[] = [];
    withCpu(k, printed, results);
    expect(insmod(k, 'provider/provider.ko').errno).toBe(0);
    expect(insmod(k, 'consumer/consumer.ko').errno).toBe(0);
    expect(printed.map((p) => p.fmt.replace(/^\u0001\d/, ''))).toEqual([
      'provider: loaded, exporting provider_greet and provider_value\n',
      'consumer: provider_value=%d\n',
      'provider: greetings, %s (value=%d)\n',
    ]);
    expect(printed[1].args[0]).toBe(42n);
    expect(k.memory.readCString(printed[2].args[0])).toBe('consumer');
    expect(printed[2].args[1]).toBe(42n);
    const provider = k.findModule('provider');
    const greetFrom = results[1].events.find((e) => e.kind === 'kernel-call');
    // the _printk call inside provider_greet comes from provider's text
    expect(greetFrom?.kind === 'kernel-call' && provider?.core && greetFrom.from >= provider.core.base).toBe(true);
  });
});
