/**
 * Every init function of the Debian 6.1 module corpus (each module loaded with its modprobe
 * dependencies on a fresh kernel) on the CPU model: no instruction may be unsupported and nothing
 * may escape as a raw error. Faults (NULL dereferences where an unmodelled allocator returned 0),
 * budget stops (loops over unmodelled iterators) are counted and logged, not failures.
 * Slow (≈7 min for the whole corpus): runs only with MODSCOPE_CPU_SWEEP=1 (or =N for every N-th
 * module); MODSCOPE_CPU_SWEEP_MODELS=1 adds the kernel-function models of engine/cpu/kernel-calls.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../main/cpu/iced-decoder';
import { loadModule } from '../load/load-module';
import { modprobePlan } from '../load/modprobe';
import { bootKernel, CORPUS, debianProfile } from '../../scripts/test-support/kernel';
import { kernelFunctionModels, KernelCallState } from './kernel-calls';
import { runKernelFunction } from './kernel-run';
import type { KernelFunction } from './types';

const SWEEP = process.env.MODSCOPE_CPU_SWEEP;

function walk(d: string, out: string[]): void {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (f.endsWith('.ko')) out.push(relative(CORPUS, p));
  }
}

describe.skipIf(!SWEEP || !existsSync(CORPUS))('corpus init functions on the CPU model', () => {
  it('runs without unsupported instructions or raw errors', () => {
    const all: string[] = [];
    walk(CORPUS, all);
    all.sort();
    const step = Math.max(1, Number(SWEEP) || 1);
    const decoder = createIcedDecoder();
    const kinds = new Map<string, number>();
    const bad: string[] = [];
    const notModelled = new Map<string, number>();
    let executed = 0;
    let ms = 0;
    const read = (p: string) => (existsSync(join(CORPUS, p)) ? new Uint8Array(readFileSync(join(CORPUS, p))) : null);
    for (const target of all.filter((_, i) => i % step === 0)) {
      const k = bootKernel();
      const models: Map<string, KernelFunction> = process.env.MODSCOPE_CPU_SWEEP_MODELS ? kernelFunctionModels(new KernelCallState()) : new Map();
      k.runInit = (mod) => {
        if (mod.initFn === null) return { ret: 0, note: '' };
        const t0 = performance.now();
        const r = runKernelFunction(k, mod.initFn, {
          decoder,
          budget: 5_000_000,
          models: (n) => models.get(n),
          services: { printk: (l, t) => k.printkAt(typeof l === 'number' ? l : 4, t, 0), kmalloc: (size, _zero, why) => k.kmalloc(size, why, mod.name, 0), kfree: (a) => k.kfree(a, 0), note: () => {} },
        });
        ms += performance.now() - t0;
        executed += r.executed;
        const key = r.kind === 'returned' ? `returned ${r.ret === 0 ? '0' : r.ret < 0 ? '<0' : '>0'}` : r.kind;
        kinds.set(key, (kinds.get(key) ?? 0) + 1);
        if (r.kind === 'unsupported') bad.push(`${mod.name}: ${r.mnemonic} at 0x${r.rip.toString(16)} (${r.why})`);
        if (r.kind === 'error') bad.push(`${mod.name}: ${r.message}`);
        for (const e of r.events) if (e.kind === 'not-modelled') notModelled.set(e.name, (notModelled.get(e.name) ?? 0) + 1);
        return { ret: r.kind === 'returned' ? r.ret : 0, note: '' };
      };
      for (const p of modprobePlan(debianProfile(), target, read).order) {
        const image = read(p);
        if (!image) break;
        const res = loadModule(k, { fileName: p.split('/').pop() ?? p, image, args: '', syscall: 'finit_module' });
        if (res.errno !== 0 && p !== target) break;
      }
    }
    const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v}\t${k}`).join('\n');
    console.log(`${executed} instructions in ${ms.toFixed(0)} ms (${Math.round(executed / (ms / 1000))}/s)\n${top(kinds, 10)}\nnot modelled:\n${top(notModelled, 20)}`);
    expect(bad).toEqual([]);
  }, 3_600_000);
});
