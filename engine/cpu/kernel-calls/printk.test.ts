import { describe, expect, it } from 'vitest';
import { fakeContext } from './fake-context';
import { kernelFunctionModels } from './registry';
import { printkRecord } from './printk';
import { KernelCallState } from './state';
import type { KernelFunction } from '../types';

const latin1 = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

function setup() {
  const ctx = fakeContext();
  ctx.symbols.set(0xffffffffc0201000n, 'hello_init 0x58 [hello]');
  const models = kernelFunctionModels(new KernelCallState());
  const fn = (name: string): KernelFunction => {
    const f = models.get(name);
    if (!f) throw new Error(`no model for ${name}`);
    return f;
  };
  return { ctx, fn };
}

describe('printkRecord (vprintk_store)', () => {
  it('takes the level from KERN_SOH + digit and strips one trailing newline', () => {
    const r = printkRecord(latin1('\x016Hello, there\n'));
    expect(r).toMatchObject({ level: 6, cont: false, newline: true, text: 'Hello, there', returned: 12 });
  });
  it('defaults to default_message_loglevel 4; KERN_DEFAULT is "" in 6.1 so \\001d is text', () => {
    expect(printkRecord(latin1('plain\n'))).toMatchObject({ level: 4, text: 'plain' });
    expect(printkRecord(latin1('\x01dX'))).toMatchObject({ level: 4, text: '\x01dX', newline: false });
  });
  it('the first level wins, every prefix is stripped, embedded newlines stay', () => {
    expect(printkRecord(latin1('\x013\x016\x01cx'))).toMatchObject({ level: 3, cont: true, text: 'x' });
    expect(printkRecord(latin1('a\nb\n'))).toMatchObject({ text: 'a\nb', newline: true });
    expect(printkRecord(latin1('only one\n\n'))).toMatchObject({ text: 'only one\n' });
  });
  it('cuts the text at LOG_LINE_MAX - 1 (991) bytes', () => {
    const r = printkRecord(latin1('\x016' + 'x'.repeat(2000) + '\n'));
    expect(r.bytes.length).toBe(989); // 991 stored bytes minus the 2-byte prefix; the newline was cut off
    expect(r.newline).toBe(false);
  });
});

describe('_printk', () => {
  it('formats, logs at the level and returns the stored length', () => {
    const { ctx, fn } = setup();
    const r = ctx.call(fn('_printk'), ctx.str('\x016Hello, %s\n'), ctx.str('there'));
    expect(ctx.log).toEqual([{ level: 6, text: 'Hello, there' }]);
    expect(r).toBe(12n);
  });
  it('a level can come from a %s argument', () => {
    const { ctx, fn } = setup();
    ctx.call(fn('_printk'), ctx.str('%sHi\n'), ctx.str('\x012'));
    expect(ctx.log).toEqual([{ level: 2, text: 'Hi' }]);
  });
  it('KERN_CONT continues an open record, and starts a new one after a newline', () => {
    const { ctx, fn } = setup();
    ctx.call(fn('_printk'), ctx.str('\x016abc'));
    ctx.call(fn('_printk'), ctx.str('\x01cdef\n'));
    ctx.call(fn('_printk'), ctx.str('\x01cghi\n'));
    expect(ctx.log).toEqual([
      { level: 6, text: 'abc' },
      { level: 'cont', text: 'def' },
      { level: 4, text: 'ghi' },
    ]);
  });
  it('reads arguments past the sixth from the stack (ctx.arg)', () => {
    const { ctx, fn } = setup();
    ctx.call(fn('_printk'), ctx.str('%d %d %d %d %d %d %d\n'), 1n, 2n, 3n, 4n, 5n, 6n, 7n);
    expect(ctx.log[0].text).toBe('1 2 3 4 5 6 7');
  });
});

describe('dev_printk family, WARN, panic', () => {
  it('_dev_info with a NULL device prints "(NULL device *): "', () => {
    const { ctx, fn } = setup();
    ctx.call(fn('_dev_info'), 0n, ctx.str('probe %d\n'), 5n);
    ctx.call(fn('_dev_err'), 0n, ctx.str('bad\n'));
    expect(ctx.log).toEqual([
      { level: 6, text: '(NULL device *): probe 5' },
      { level: 3, text: '(NULL device *): bad' },
    ]);
  });
  it('_dev_warn with a device prints "<driver> <name>: "', () => {
    const { ctx, fn } = setup();
    const dev = 0xffffffffc0340000n;
    const drv = 0xffffffffc0341000n;
    ctx.map(dev, 1024);
    ctx.map(drv, 64);
    const w = (a: bigint, v: bigint) =>
      ctx.mem.write(
        a,
        Uint8Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)),
      );
    w(dev, ctx.str('0000:00:03.0')); // kobj.name
    w(dev + 104n, drv); // dev->driver
    w(drv, ctx.str('e1000')); // driver->name
    ctx.call(fn('_dev_warn'), dev, ctx.str('link down\n'));
    expect(ctx.log).toEqual([{ level: 4, text: 'e1000 0000:00:03.0: link down' }]);
  });
  it('dynamic debug prints nothing', () => {
    const { ctx, fn } = setup();
    expect(ctx.call(fn('__dynamic_pr_debug'), 0n, ctx.str('dbg\n'))).toBe(0n);
    expect(ctx.log).toEqual([]);
  });
  it('__warn_printk prints the cut-here line and the message at KERN_WARNING', () => {
    const { ctx, fn } = setup();
    ctx.call(fn('__warn_printk'), ctx.str('oops %d\n'), 3n);
    expect(ctx.log).toEqual([
      { level: 4, text: '------------[ cut here ]------------' },
      { level: 4, text: 'oops 3' },
    ]);
  });
  it('panic prints "Kernel panic - not syncing: " at KERN_EMERG and notes it', () => {
    const { ctx, fn } = setup();
    ctx.call(fn('panic'), ctx.str('boom %d\n'), 1n);
    expect(ctx.log).toEqual([{ level: 0, text: 'Kernel panic - not syncing: boom 1' }]);
    expect(ctx.notes.some((n) => n.startsWith('panic:'))).toBe(true);
  });
  it('__stack_chk_fail names the caller with %pB of the return address at [rsp]', () => {
    const { ctx, fn } = setup();
    const rsp = ctx.state.gpr[4];
    ctx.mem.write(rsp, Uint8Array.of(0x20, 0x10, 0x20, 0xc0, 0xff, 0xff, 0xff, 0xff));
    ctx.call(fn('__stack_chk_fail'));
    expect(ctx.log).toEqual([
      { level: 0, text: 'Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: hello_init+0x20/0x58 [hello]' },
    ]);
  });
});
