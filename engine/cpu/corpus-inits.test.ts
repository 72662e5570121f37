/**
 * Every init function of the Debian 6.1 module corpus on the CPU model, as `modscope init-all` runs
 * them: each module on a fresh kernel with its modprobe dependencies, the CPU and the kernel-function
 * models attached as the app attaches them (engine/cpu/attach.ts). No instruction may be unsupported,
 * no model may throw, nothing may escape as a tool error, and the counts must add up; oopses and soft
 * lockups (where a kernel function without a model returned 0) are counted and logged, not failures.
 * Slow (≈5 min for the whole corpus): collected only with MODSCOPE_CPU_SWEEP=1 (or =N for every N-th
 * module; vitest.config.ts leaves it out otherwise); main/cli/init-all.test.ts runs every 200th module by default.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../scripts/test-support/kernel';
import { formatInitAll, type InitAllReport } from '../../main/cli/init-all';
import { run } from '../../main/cli/modscope';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const SWEEP = process.env.MODSCOPE_CPU_SWEEP;

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('corpus init functions on the CPU model', () => {
  it('runs without unsupported instructions, model errors or tool errors', async () => {
    const step = Math.max(1, Number(SWEEP) || 1);
    let out = '';
    let err = '';
    const code = await run(['init-all', CORPUS, '--every', String(step), '--json'], { out: (s) => void (out += s), err: (s) => void (err += s) });
    expect(code, err).toBe(0);
    const r = JSON.parse(out) as InitAllReport;
    console.log(formatInitAll(r));
    expect(Object.values(r.counts).reduce((a, b) => a + b, 0)).toBe(r.ran);
    const bad = r.records.filter((x) => x.outcome === 'unsupported instruction' || x.outcome === 'model error' || x.outcome === 'tool error');
    expect(bad.map((x) => `${x.module}: ${x.outcome} ${x.detail ?? ''}`)).toEqual([]);
  }, 3_600_000);
});
