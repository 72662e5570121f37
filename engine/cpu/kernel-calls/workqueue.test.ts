/** Work items (workqueue.ts) and the firmware loader on a machine without firmware files (firmware-loader.ts). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';

const WORK = 0xffffffffc0400000n;
const FUNC = 0xffffffffc0401000n;

describe('queue_work_on / cancel_work_sync / __flush_workqueue', () => {
  it('queues once (PENDING set), refuses a pending item, and cancel takes it off the list', () => {
    const s = new KernelCallState();
    const { ctx, call } = modelCaller(s);
    const b = new Uint8Array(32);
    new DataView(b.buffer).setBigUint64(24, FUNC, true);
    ctx.poke(WORK, b);
    ctx.symbols.set(FUNC, 'my_worker 0x40 [mymod]');
    expect(call('queue_work_on', 8192n, 0x1000n, WORK)).toBe(1n);
    expect(ctx.peek(WORK, 1)[0] & 1).toBe(1);
    expect(s.queuedWork.map((w) => w.what)).toEqual(['my_worker() [mymod]']);
    expect(call('queue_work_on', 8192n, 0x1000n, WORK)).toBe(0n);
    expect(s.queuedWork.length).toBe(1);
    expect(call('cancel_work_sync', WORK)).toBe(1n);
    expect(s.queuedWork.length).toBe(0);
    expect(ctx.peek(WORK, 1)[0] & 1).toBe(0);
    expect(call('cancel_work_sync', WORK)).toBe(0n);
  });

  it('a flush runs the pending items of that workqueue inside the caller, with work as the argument', () => {
    const s = new KernelCallState();
    const { ctx, call } = modelCaller(s);
    const b = new Uint8Array(32);
    new DataView(b.buffer).setBigUint64(24, FUNC, true);
    ctx.poke(WORK, b);
    ctx.moduleFunctions.set(FUNC, () => 0n);
    expect(call('queue_work_on', 0n, 0x2000n, WORK)).toBe(1n);
    call('__flush_workqueue', 0x3000n);
    expect(ctx.moduleCalls).toEqual([]);
    call('__flush_workqueue', 0x2000n);
    expect(ctx.moduleCalls).toEqual([{ address: FUNC, args: [WORK] }]);
    expect(s.queuedWork.length).toBe(0);
  });

  it('delayed work with a delay stays behind its timer (never run); delay 0 queues it now', () => {
    const s = new KernelCallState();
    const { ctx, call } = modelCaller(s);
    ctx.poke(WORK, new Uint8Array(96));
    expect(call('queue_delayed_work_on', 0n, 0x2000n, WORK, 250n)).toBe(1n);
    expect(s.queuedWork.length).toBe(0);
    expect(call('mod_delayed_work_on', 0n, 0x2000n, WORK, 0n)).toBe(1n); // it was pending
    expect(s.queuedWork.length).toBe(1);
  });
});

describe('the firmware loader with no firmware files (Debian 6.1: every fw_path fails, then ".xz")', () => {
  it('request_firmware: the Debian lines, the wiki line once per boot, *fw = NULL and -ENOENT', () => {
    const s = new KernelCallState();
    const { ctx, call } = modelCaller(s);
    const fwp = ctx.poke(0xffff888000100000n, new Uint8Array(8).fill(0xff));
    expect(call('request_firmware', fwp, ctx.str('foo.bin'), 0n)).toBe(BigInt.asUintN(64, -2n));
    expect(ctx.peek(fwp, 8)).toEqual(new Uint8Array(8));
    const lines = ctx.log.map((l) => `<${l.level}>${l.text}`);
    expect(lines).toEqual([
      '<3>(NULL device *): firmware: failed to load foo.bin (-2)',
      '<3>firmware_class: See https://wiki.debian.org/Firmware for information about missing firmware',
      '<3>(NULL device *): firmware: failed to load foo.bin (-2)',
      '<4>(NULL device *): Direct firmware load for foo.bin failed with error -2',
    ]);
    ctx.log.length = 0;
    // firmware_request_nowarn: FW_OPT_NO_WARN drops the dev_warn only; the once line is not printed again.
    expect(call('firmware_request_nowarn', fwp, ctx.str('bar.bin'), 0n)).toBe(BigInt.asUintN(64, -2n));
    expect(ctx.log.map((l) => l.text)).toEqual([
      '(NULL device *): firmware: failed to load bar.bin (-2)',
      '(NULL device *): firmware: failed to load bar.bin (-2)',
    ]);
  });

  it('request_firmware_nowait queues the request; its callback gets NULL after the loader lines, and the module is put', () => {
    const s = new KernelCallState();
    const { ctx, call } = modelCaller(s);
    const cb = 0xffffffffc0402000n;
    ctx.moduleFunctions.set(cb, () => 0n);
    expect(call('request_firmware_nowait', 0n, 1n, ctx.str('regulatory.db'), 0n, 0xcc0n, 0x1234n, cb)).toBe(0n);
    expect(ctx.log).toEqual([]);
    expect(s.queuedWork.map((w) => [w.what, w.fn, w.args])).toEqual([['request_firmware_work_func() for regulatory.db', cb, [0n, 0x1234n]]]);
    const printed: string[] = [];
    s.queuedWork[0].printBefore?.((level, text) => printed.push(`<${level}>${text}`));
    expect(printed).toHaveLength(4);
    // uevent = false: the sysfs user-helper fallback (a 60 s wait for user space) is not modelled.
    expect(call('request_firmware_nowait', 0n, 0n, ctx.str('x.bin'), 0n, 0xcc0n, 0n, cb)).toBe('not-modelled');
  });
});
