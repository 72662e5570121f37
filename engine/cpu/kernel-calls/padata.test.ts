/** padata_alloc / padata_free (padata.ts) and kobject_add (kobject.ts): the instance's layout, then pcrypt against the real kernel. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU32, readU64 } from './mem';
import { haveSampleCorpus, replaySampleTargets } from '../../../scripts/test-support/sample-replay';

describe('padata_alloc (kernel/padata.c)', () => {
  it('an instance with two workqueues, CPU 0 in pcpu and cbcpu, an empty pslist, PADATA_INIT and an initialized kobject', () => {
    const s = new KernelCallState();
    const { ctx, call } = modelCaller(s);
    const p = call('padata_alloc', ctx.str('pencrypt')) as bigint;
    expect([...s.handles.values()]).toEqual(["workqueue 'pencrypt_parallel'", "workqueue 'pencrypt_serial'", "padata_instance 'pencrypt'"]);
    expect(readU64(ctx.mem, readU64(ctx.mem, p + 48n))).toBe(1n);
    expect(readU64(ctx.mem, readU64(ctx.mem, p + 56n))).toBe(1n);
    expect(readU64(ctx.mem, p + 32n)).toBe(p + 32n);
    expect(ctx.peek(p + 168n, 1)[0]).toBe(1);
    expect(readU32(ctx.mem, p + 72n + 56n)).toBe(1); // kref
    expect(readU32(ctx.mem, p + 72n + 60n) & 1).toBe(1); // state_initialized
    // kobject_add(&pinst->kobj, NULL, "%s", name) under a kset: its parent is the kset's kobject; the same name twice is not modelled.
    const kset = ctx.kmalloc(256, true, 'kset');
    ctx.mem.write(p + 72n + 32n, new Uint8Array(new BigUint64Array([kset]).buffer));
    expect(call('kobject_add', p + 72n, 0n, ctx.str('%s'), ctx.str('pencrypt'))).toBe(0n);
    expect(readU64(ctx.mem, p + 72n + 24n)).toBe(kset + 24n);
    expect(ctx.peekString(readU64(ctx.mem, p + 72n))).toBe('pencrypt');
    expect(call('padata_free', p)).toBe(0n);
    expect(s.handles.size).toBe(0);
  });
});

describe.skipIf(!process.env.CI && !haveSampleCorpus)('real modules that call padata_alloc, against the real kernel under QEMU', () => {
  it('pcrypt loads as recorded in modprobe-sample.json.gz', () => {
    expect(replaySampleTargets(['pcrypt'])).toEqual({ pcrypt: 'identical' });
  }, 120_000);
});
