/**
 * The two corpus modules whose init runs SSE code, loaded with `modscope load --modprobe` as a user would:
 * crypto/xor.ko (calibrate_xor_blocks(): do_xor_speed() of each template qemu64 can run, xor_sse_*() with
 * movaps/xorps) and lib/raid6/raid6_pq.ko (raid6_select_algo(): the sse2x1/x2/x4 gen_syndrome() with movdqa,
 * pxor, pcmpgtb, paddb, pand, movntdq; the AVX2/AVX-512 ones are skipped by their valid(): qemu64 has neither).
 * Both used to stop at an unsupported instruction, and raid6's buffers, not page aligned in the model, then took
 * a #GP on movdqa. Their benchmark lines are the model's, not a real CPU's: the loops are bounded by jiffies,
 * which advance with modelled time (NS_PER_INSTRUCTION = 200 ns an instruction), so "MB/s" is the bytes the
 * routine gets through in 200 ns × instructions (a few MB/s), not what QEMU or a real CPU would print; the
 * choice of routine follows those numbers, as the kernel's does.
 * `modscope init-all` over the corpus (3,556 inits) before → after exec-sse.ts and the modelled TSC: unsupported
 * instruction 3 → 1 (ct82c710's out to the serial port, a device); returned 0 3,124 → 3,126 (xor, raid6_pq);
 * jitterentropy_rng, which returned -EFAULT while rdtsc read 0 (jent_entropy_init(): no timer), now runs past the
 * 5,000,000-instruction budget (cannot say; with 40,000,000 it returns 0, as on the real kernel).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../main/cli/modscope';
import { CORPUS } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

async function load(rel: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await run(['load', join(CORPUS, rel), '--modprobe', CORPUS], { out: (s) => void (out += s), err: (s) => void (out += s) });
  return { code, out };
}

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('SSE in the corpus inits', () => {
  it('raid6_pq benchmarks sse2x1/x2/x4 (modelled time), picks one and returns 0', async () => {
    const { code, out } = await load('lib/raid6/raid6_pq.ko');
    expect(code, out.slice(-2000)).toBe(0);
    for (const a of ['sse2x4', 'sse2x2', 'sse2x1']) expect(out).toMatch(new RegExp(`raid6: ${a} +gen\\(\\) +\\d+ MB/s`));
    expect(out).toMatch(/raid6: using algorithm sse2x[124] gen\(\) \d+ MB\/s/);
    expect(out).toMatch(/raid6: \.\.\.\. xor\(\) \d+ MB\/s, rmw enabled/);
    expect(out).toMatch(/raid6: using intx1 recovery algorithm/); // ssse3/avx2/avx512 recovery: qemu64 has none of them
    expect(out).not.toMatch(/avx|general protection|invalid opcode|not modelled/i);
    expect(out).toMatch(/insmod: ok/);
  }, 120_000);

  it('xor measures its SSE templates (modelled time), picks the fastest and returns 0', async () => {
    const { code, out } = await load('crypto/xor.ko');
    expect(code, out.slice(-2000)).toBe(0);
    expect(out).toMatch(/xor: measuring software checksum speed/);
    expect(out).toMatch(/prefetch64-sse +: +\d+ MB\/sec/);
    expect(out).toMatch(/generic_sse +: +\d+ MB\/sec/);
    expect(out).toMatch(/xor: using function: (prefetch64-sse|generic_sse) \(\d+ MB\/sec\)/);
    expect(out).not.toMatch(/avx|general protection|invalid opcode|not modelled/i);
  }, 120_000);
});
