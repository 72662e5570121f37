/** mutex.ts: the owner word mutex_lock() sets and mutex_is_locked() reads (kernel/locking/mutex.c). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU64 } from './mem';

describe('mutexes', () => {
  it("are locked between mutex_lock and mutex_unlock (dm-bufio's BUG_ON(!mutex_is_locked())); trylock fails while held", () => {
    const task = 0xffffffff82a1a940n;
    const { ctx, call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => (n === 'init_task' ? task : null) }));
    const m = DATA_BASE + 0x100n;
    ctx.map(m, 32, 0xaa);
    call('__mutex_init', m, 0n, 0n);
    expect(readU64(ctx.mem, m)).toBe(0n);
    expect(readU64(ctx.mem, m + 16n)).toBe(m + 16n);
    expect(call('mutex_is_locked', m)).toBe(0n);
    expect(call('mutex_lock', m)).toBe(0n);
    expect(readU64(ctx.mem, m)).toBe(task);
    expect(call('mutex_is_locked', m)).toBe(1n);
    expect(call('mutex_trylock', m)).toBe(0n);
    expect(call('mutex_lock', m)).toBe('not-modelled'); // the one task would wait for itself
    call('mutex_unlock', m);
    expect(call('mutex_is_locked', m)).toBe(0n);
    expect(call('mutex_trylock', m)).toBe(1n);
  });
});
