/** crypto-template-lookup.ts: a template instance no one can build is -ENOENT (crypto/api.c, crypto/algboss.c). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';

describe('crypto_alloc_sync_skcipher', () => {
  it("is -ENOENT for rxrpc's pcbc(fcrypt) while pcbc (a module) is not registered; not modelled once it is", () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const name = ctx.str('pcbc(fcrypt)');
    expect(call('crypto_alloc_sync_skcipher', name, 0n, 0n)).toBe(BigInt.asUintN(64, -2n));
    expect(call('crypto_alloc_skcipher', ctx.str('cbc(aes)'), 0n, 0n)).toBe('not-modelled'); // cbc is built in
    const tmpl = DATA_BASE + 0x1000n; // pcbc.ko's struct crypto_template: name at 40
    ctx.map(tmpl, 168);
    ctx.poke(tmpl + 40n, 'pcbc');
    expect(call('crypto_register_template', tmpl)).toBe(0n);
    expect(call('crypto_register_template', tmpl)).toBe(BigInt.asUintN(64, -17n));
    expect(call('crypto_alloc_sync_skcipher', name, 0n, 0n)).toBe('not-modelled');
    call('crypto_unregister_template', tmpl);
    expect(call('crypto_alloc_sync_skcipher', name, 0n, 0n)).toBe(BigInt.asUintN(64, -2n));
  });
  it('crypto_register_templates registers an array of 168-byte templates and undoes them together', () => {
    const state = new KernelCallState();
    const { ctx, call } = modelCaller(state);
    const arr = DATA_BASE + 0x2000n;
    ctx.map(arr, 336);
    ctx.poke(arr + 40n, 'gcm_base');
    ctx.poke(arr + 168n + 40n, 'gcm');
    expect(call('crypto_register_templates', arr, 2n)).toBe(0n);
    expect([...state.cryptoTemplates.values()]).toEqual(['gcm_base', 'gcm']);
    expect(call('crypto_alloc_skcipher', ctx.str('gcm(aes)'), 0n, 0n)).toBe('not-modelled');
    call('crypto_unregister_templates', arr, 2n);
    expect(state.cryptoTemplates.size).toBe(0);
  });
});
