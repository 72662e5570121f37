/**
 * Kernel threads and completions (kthread.ts, kthread-task.ts, completion.ts, waitqueue-entries.ts): the models alone on
 * a fake context (no CPU to switch to), then aoe on the modelled CPU, whose init waits for its two kthreads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_WHAT, missing } from '../../../scripts/test-support/prereq';
import { createIcedDecoder } from '../../../host-common/iced-decoder';
import { moduleIndex } from '../../../main/cli/shell';
import { bootKernel, CORPUS } from '../../../scripts/test-support/kernel';
import { Shell } from '../../shell/index';
import { attachCpu } from '../attach';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { TASK } from './kthread-task';

const FN = 0xffffffffc0401000n;
const X = 0xffff888000200000n;
const u32At = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset).getUint32(0, true);

describe('kthread_create_on_node / wake_up_process / kthread_stop without a CPU to switch to', () => {
  it('a new thread is asleep (TASK_UNINTERRUPTIBLE, comm set); stopped before it was woken, kthread() exits with -EINTR', () => {
    const s = new KernelCallState();
    const { ctx, call } = modelCaller(s);
    const task = call('kthread_create_on_node', FN, 0x1234n, 0xffffffffn, ctx.str('my_thread%d'), 7n) as bigint;
    expect(u32At(ctx.peek(task + TASK.state, 4))).toBe(2);
    expect(ctx.peekString(task + TASK.comm)).toBe('my_thread7');
    expect(u32At(ctx.peek(task + TASK.flags, 4)) & 0x200000).toBe(0x200000); // PF_KTHREAD
    expect(s.kthreads.get(task)?.state).toBe('created');
    expect(call('kthread_stop', task)).toBe(BigInt.asUintN(64, -4n));
    expect(s.kthreads.get(task)?.state).toBe('exited');
  });

  it('wake_up_process makes it runnable once (0 the second time); stopping a thread woken but never run is not modelled', () => {
    const s = new KernelCallState();
    const { ctx, call } = modelCaller(s);
    const task = call('kthread_create_on_node', FN, 0n, 0xffffffffn, ctx.str('t')) as bigint;
    expect(call('wake_up_process', task)).toBe(1n);
    expect(u32At(ctx.peek(task + TASK.state, 4))).toBe(0);
    expect(call('wake_up_process', task)).toBe(0n);
    expect(s.runQueue.length).toBe(1);
    expect(call('kthread_stop', task)).toBe('not-modelled');
  });

  it('kthread_should_stop and schedule outside a kthread (insmod itself) are not modelled', () => {
    const { call } = modelCaller(new KernelCallState());
    expect(call('kthread_should_stop')).toBe('not-modelled');
    expect(call('schedule')).toBe('not-modelled');
  });
});

describe('completions', () => {
  it('complete counts, a wait takes one, complete_all is UINT_MAX for good; a wait nothing completes is not modelled', () => {
    const s = new KernelCallState();
    const { ctx, call } = modelCaller(s);
    ctx.poke(X, new Uint8Array(32).fill(0xaa));
    ctx.poke(X, new Uint8Array(4)); // init_completion(): done = 0, then __init_swait_queue_head(&x->wait)
    call('__init_swait_queue_head', X + 8n, 0n, 0n);
    expect(ctx.peek(X + 16n, 8)).toEqual(ctx.peek(X + 24n, 8)); // empty task_list: next == prev == itself
    expect(call('completion_done', X)).toBe(0n);
    expect(call('wait_for_completion', X)).toBe('not-modelled');
    call('complete', X);
    call('complete', X);
    expect(call('wait_for_completion_timeout', X, 250n)).toBe(250n);
    expect(call('wait_for_completion_interruptible', X)).toBe(0n);
    expect(call('try_wait_for_completion', X)).toBe(0n);
    call('complete_all', X);
    expect(call('wait_for_completion', X)).toBe(0n);
    expect(call('try_wait_for_completion', X)).toBe(1n);
    expect(u32At(ctx.peek(X, 4))).toBe(0xffffffff);
  });
});

const AOE = join(CORPUS, 'drivers', 'block', 'aoe', 'aoe.ko');

describe.skipIf(missing(CORPUS_WHAT, existsSync(AOE)))('aoe: init waits in wait_for_completion() until its kthread has run', () => {
  it('aoe_ktstart(): each thread gets the CPU inside the wait, completes rendez and sleeps in schedule(); init goes on to its line', () => {
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const files = (p: string): Uint8Array | null => (existsSync(p) ? new Uint8Array(readFileSync(p)) : null);
    const sh = new Shell(k, files, { moduleIndex: moduleIndex(CORPUS) });
    const from = k.log.records.length;
    sh.run('modprobe aoe');
    // The real kernel's line (scripts/qemu/recordings/modprobe-sample.json.gz), printed after both threads started.
    expect(k.log.records.slice(from).map((r) => `<${r.level}>${r.text}`)).toContain('<6>aoe: AoE v85 initialised.');
    const steps = Array.from({ length: k.timeline.stepCount() }, (_, i) => k.timeline.step(i));
    const init = steps.find((x) => x?.fn === 'do_one_initcall')?.text ?? '';
    // kthread(): set_user_nice(), complete(&k->rendez), then tx() under the lock finds skbtxq empty, add_wait_queue(), schedule().
    const thread = 'set_user_nice, complete, _raw_spin_lock_irq, skb_dequeue, add_wait_queue, _raw_spin_unlock_irq';
    expect(init).toContain(`kthread_create_on_node, wake_up_process, ${thread}, wait_for_completion`);
    expect(init).toMatch(/__register_blkdev, _printk/);
  });
});
