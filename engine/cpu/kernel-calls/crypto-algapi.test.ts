/** crypto-algapi.ts: crypto_init_queue() (crypto/algapi.c), as cryptd_init_queue() calls it per CPU. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU32, readU64 } from './mem';

describe('crypto_init_queue', () => {
  it('empties the list, points backlog at it, qlen 0, max_qlen as given (cryptd: 1000)', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const q = DATA_BASE + 0x100n;
    ctx.map(q, 32, 0xaa);
    call('crypto_init_queue', q, 1000n);
    expect([readU64(ctx.mem, q), readU64(ctx.mem, q + 8n), readU64(ctx.mem, q + 16n)]).toEqual([q, q, q]);
    expect([readU32(ctx.mem, q + 24n), readU32(ctx.mem, q + 28n)]).toEqual([0, 1000]);
  });
});
