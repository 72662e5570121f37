/** tcp_register_ulp / tcp_unregister_ulp (tcp-ulp.ts): the name rule, MPTCP's built-in "mptcp", then smc_diag (smc) against the real kernel. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { haveSampleCorpus, replaySampleTargets } from '../../../scripts/test-support/sample-replay';

const EEXIST = BigInt.asUintN(64, -17n);

describe('tcp_register_ulp (net/ipv4/tcp_ulp.c)', () => {
  it('adds a new name, refuses a second of the same name and the built-in mptcp with -EEXIST, and takes one back after unregister', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const ops = (at: bigint, name: string): bigint => {
      const b = new Uint8Array(88);
      b.set([...name].map((c) => c.charCodeAt(0)), 64);
      return ctx.poke(at, b);
    };
    const smc = ops(0xffffffffc0400000n, 'smc');
    expect(call('tcp_register_ulp', smc)).toBe(0n);
    expect(call('tcp_register_ulp', ops(0xffffffffc0401000n, 'smc'))).toBe(EEXIST);
    expect(call('tcp_register_ulp', ops(0xffffffffc0402000n, 'mptcp'))).toBe(EEXIST);
    expect(call('tcp_unregister_ulp', smc)).toBe(0n);
    expect(call('tcp_register_ulp', smc)).toBe(0n);
  });
});

describe.skipIf(!process.env.CI && !haveSampleCorpus)('real modules that call tcp_register_ulp, against the real kernel under QEMU', () => {
  it('smc_diag (smc registers the "smc" ULP) and tls load as recorded in modprobe-sample.json.gz', () => {
    expect(replaySampleTargets(['smc_diag', 'tls'])).toEqual({ smc_diag: 'identical', tls: 'identical' });
  }, 120_000);
});
