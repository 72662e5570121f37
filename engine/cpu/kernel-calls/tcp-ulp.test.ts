/** tcp_register_ulp / tcp_unregister_ulp (tcp-ulp.ts): the name rule, MPTCP's built-in "mptcp", then tls against the real kernel. */
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
  it('tls loads as recorded in modprobe-sample.json.gz; smc (smc_diag) stops in its pernet init before its ULP', () => {
    const r = replaySampleTargets(['smc_diag', 'tls']);
    expect(r.tls).toBe('identical');
    // smc_init() registers smc_net_ops first: smc_pnet_net_init() walks init_net's net devices (for_each_netdev(),
    // init_net.dev_base_head), and the machine's lo is a heap object the model does not have.
    expect(r.smc_diag).toMatch(/cannot say what Linux does after reading init_net\+0x1140/);
  }, 120_000);
});
