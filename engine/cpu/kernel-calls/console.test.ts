/** console.ts: register_console()/unregister_console() (kernel/printk/printk.c) with console=ttyS0; netconsole on the real module. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CON_BOOT, CON_ENABLED, CON_PRINTBUFFER, CONSOLE } from './console';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64 } from './mem';
import { bootKernel, CORPUS } from '../../../scripts/test-support/kernel';
import { createIcedDecoder } from '../../../host-common/iced-decoder';
import { attachCpu } from '../attach';
import { moduleIndex } from '../../../main/cli/shell';
import { Shell } from '../../shell/index';

function consoleStruct(ctx: ReturnType<typeof modelCaller>['ctx'], name: string, flags: number): bigint {
  const c = ctx.kmalloc(120, true, 'struct console');
  ctx.poke(c, name);
  ctx.poke(c + CONSOLE.flags, Uint8Array.of(flags & 0xff, flags >> 8));
  return c;
}

describe('register_console() on the modelled machine (console=ttyS0, no boot console)', () => {
  it('a pre-enabled console is accepted by the platform pass, listed after ttyS0 and announced', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const a = consoleStruct(ctx, 'netcon', CON_ENABLED);
    const b = consoleStruct(ctx, 'netcon_ext', CON_ENABLED | CON_PRINTBUFFER | 64);
    expect(call('register_console', a)).toBe(0n);
    expect(call('register_console', b)).toBe(0n);
    expect(ctx.log).toEqual([
      { level: 6, text: 'printk: console [netcon0] enabled' },
      { level: 6, text: 'printk: console [netcon_ext0] enabled' },
    ]);
    // Each new one goes in right after the head: ttyS0 → netcon_ext → netcon.
    expect(readU64(ctx.mem, b + CONSOLE.next)).toBe(a);
    expect(readU64(ctx.mem, a + CONSOLE.next)).toBe(0n);
    expect(call('register_console', a)).toBe('not-modelled'); // WARN: already registered
    expect(call('unregister_console', b)).toBe(0n);
    expect(call('unregister_console', b)).toBe(BigInt.asUintN(64, -19n));
    expect(ctx.log.slice(2).map((l) => l.text)).toEqual(['printk: console [netcon_ext0] disabled', 'printk: console [netcon_ext0] disabled']);
    expect(ctx.peek(b + CONSOLE.flags, 1)[0] & CON_ENABLED).toBe(0);
  });

  it('one not enabled matches no console= entry and stays out silently; a boot console is too late', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    expect(call('register_console', consoleStruct(ctx, 'netcon_ext', 64))).toBe(0n);
    expect(call('register_console', consoleStruct(ctx, 'early', CON_BOOT | CON_ENABLED))).toBe(0n);
    expect(ctx.log).toEqual([{ level: 6, text: 'printk: Too late to register bootconsole early0' }]);
  });
});

const NETCONSOLE = join(CORPUS, 'drivers', 'net', 'netconsole.ko');
describe.skipIf(!process.env.CI && !existsSync(NETCONSOLE))('netconsole on the modelled machine', () => {
  it('init_netconsole() with no netconsole= registers netcon0 and logs what the real kernel logs; rmmod unregisters it', () => {
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const files = (p: string): Uint8Array | null => (p.startsWith(CORPUS) && existsSync(p) ? new Uint8Array(readFileSync(p)) : null);
    const sh = new Shell(k, files, { moduleIndex: moduleIndex(CORPUS) });
    const from = k.log.records.length;
    const r = sh.run('modprobe netconsole');
    expect([r.output, r.exit]).toEqual(['', 0]);
    // scripts/qemu/recordings/modprobe-sample.json.gz, target netconsole.
    expect(k.log.records.slice(from).map((m) => `<${m.level}>${m.text}`)).toEqual([
      '<6>printk: console [netcon0] enabled',
      '<6>netconsole: network logging started',
    ]);
    const n = k.log.records.length;
    expect(sh.run('rmmod netconsole').exit).toBe(0);
    // cleanup_netconsole() unregisters netconsole_ext (never registered: con_printk comes first, then -ENODEV) and
    // netconsole; the recording's rmmod logs both lines.
    expect(k.log.records.slice(n).map((m) => `<${m.level}>${m.text}`)).toEqual([
      '<6>printk: console [netcon_ext0] disabled',
      '<6>printk: console [netcon0] disabled',
    ]);
  });
});
