/** transport-class.ts: anon_transport_class_register() as drivers/base/transport_class.c sets the struct up. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU64 } from './mem';

describe('anon_transport_class_register', () => {
  it('points container.class at the class, sets NO_CLASSDEVS, the setup/remove dummies, and returns 0', () => {
    const state = new KernelCallState({ lookupSymbol: (n) => (n === 'anon_transport_dummy_function' ? 0xffffffff81a00000n : 0xffffffff81b00000n) });
    const { ctx, call } = modelCaller(state);
    const atc = DATA_BASE + 0x140n; // scsi_transport_spi.ko's spi_device_class is at .data+0x140
    ctx.map(atc, 240);
    ctx.poke(atc + 128n, Uint8Array.of(0x10, 0, 0xc0)); // .tclass.configure, left alone
    expect(call('anon_transport_class_register', atc)).toBe(0n);
    expect(readU64(ctx.mem, atc + 144n + 56n)).toBe(atc);
    expect(readU64(ctx.mem, atc + 144n + 88n)).toBe(1n);
    expect(readU64(ctx.mem, atc + 120n)).toBe(0xffffffff81a00000n);
    expect(readU64(ctx.mem, atc + 136n)).toBe(0xffffffff81a00000n);
    expect(readU64(ctx.mem, atc + 128n)).toBe(0xc00010n);
    expect(readU64(ctx.mem, atc + 144n + 16n + 8n)).toBe(atc + 144n + 24n); // klist k_list empty
    expect(state.registrations.at(-1)?.kind).toBe('anon transport class');
  });
});
