/**
 * led-triggers.c (leds.ts) and kobject_uevent_env() (uevent.ts): the machine facts against the real kernel's recording
 * (scripts/qemu/recordings/leds-uevent.qemu.json), then the rules. The real modules' work items (rfkill's LED worker,
 * cfg80211's call_crda()) run through them in engine/cpu/queued-work.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/test-support/kernel';
import { BUILTIN_LED_TRIGGERS, MACHINE_LEDS } from './leds';
import { readU32, readU64 } from './mem';
import { modelCaller } from './model-caller';
import { KernelCallState } from './state';

type Step = { cmd: string; output: string };
const steps = (JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'recordings', 'leds-uevent.qemu.json'), 'utf8')) as { steps: Step[] }).steps;
const out = (cmd: string, nth = 0): string => {
  const found = steps.filter((s) => s.cmd.startsWith(cmd));
  if (found.length <= nth) throw new Error(`no step ${cmd}`);
  return found[nth].output;
};
const EEXIST = BigInt.asUintN(64, -17n);
const ENOMEM = BigInt.asUintN(64, -12n);

describe('the machine the recordings ran on', () => {
  it("has the AT keyboard's three LEDs, each on its kbd-* trigger; the built-in triggers are the model's", () => {
    const current = out('for l in /sys/class/leds/*')
      .trim()
      .split('\n')
      .map((l) => /^\/sys\/class\/leds\/(\S+): \[(\S+)\]$/.exec(l)?.slice(1));
    expect(current).toEqual(MACHINE_LEDS.map((l) => [l.name, l.trigger]));
    // After rfkill and cfg80211 loaded: every trigger an LED can take ("none" is the trigger file's own first word).
    const all = out('for l in /sys/class/leds/*', 1).split('\n')[0].split(': ')[1].split(' ').map((t) => t.replace(/^\[|\]$/g, ''));
    expect(all.sort()).toEqual(['none', ...BUILTIN_LED_TRIGGERS, 'rfkill-any', 'rfkill-none'].sort());
  });

  it('has no uevent helper and no listener on the uevent netlink socket', () => {
    expect(out('ls /sys/kernel/uevent_helper')).toMatch(/No such file or directory/);
    expect(out('cat /proc/sys/kernel/hotplug')).toMatch(/No such file or directory/);
    const uevent = out('cat /proc/net/netlink')
      .split('\n')
      .filter((l) => /^\S+ 15 /.test(l));
    expect(uevent).toHaveLength(1);
    expect(uevent[0].split(/\s+/)[3]).toBe('00000000'); // Groups: nobody subscribed
  });
});

describe('LED triggers (drivers/leds/led-triggers.c)', () => {
  it('led_trigger_register initialises led_cdevs empty; led_trigger_event stores the brightness and changes no LED', () => {
    const state = new KernelCallState();
    const { ctx, call } = modelCaller(state);
    const trig = ctx.poke(0xffffffffc0500000n, new Uint8Array(88).fill(0xaa));
    ctx.poke(trig, new Uint8Array(new BigUint64Array([ctx.str('rfkill-any')]).buffer));
    expect(call('led_trigger_register', trig)).toBe(0n);
    expect(readU64(ctx.mem, trig + 48n)).toBe(trig + 48n);
    expect(readU64(ctx.mem, trig + 56n)).toBe(trig + 48n);
    expect(call('led_trigger_event', trig, 255n)).toBe(0n);
    expect(readU32(ctx.mem, trig + 24n)).toBe(255);
    expect(ctx.notes.at(-1)).toMatch(/'rfkill-any': brightness 255 stored; no LED is on this trigger/);
    // A second trigger of the name, and a built-in name: -EEXIST.
    const again = ctx.poke(0xffffffffc0501000n, new Uint8Array(new BigUint64Array([ctx.str('rfkill-any'), 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]).buffer));
    expect(call('led_trigger_register', again)).toBe(EEXIST);
    const disk = ctx.poke(0xffffffffc0502000n, new Uint8Array(new BigUint64Array([ctx.str('disk-activity'), 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]).buffer));
    expect(call('led_trigger_register', disk)).toBe(EEXIST);
    // Two hardware triggers of one name but different trigger_types may both register; one without a type may not.
    const typed = (at: bigint, type: bigint): bigint =>
      ctx.poke(at, new Uint8Array(new BigUint64Array([ctx.str('netdev-hw'), 0n, 0n, 0n, type, 0n, 0n, 0n, 0n, 0n, 0n]).buffer));
    expect(call('led_trigger_register', typed(0xffffffffc0503000n, 0xffffffffc0509000n))).toBe(0n);
    expect(call('led_trigger_register', typed(0xffffffffc0504000n, 0xffffffffc0509100n))).toBe(0n);
    expect(call('led_trigger_register', typed(0xffffffffc0505000n, 0n))).toBe(EEXIST);
    expect(call('led_trigger_register', typed(0xffffffffc0506000n, 0xffffffffc0509000n))).toBe(EEXIST);
    // After unregistering, the name is free again.
    expect(call('led_trigger_unregister', trig)).toBe(0n);
    expect(call('led_trigger_register', again)).toBe(0n);
  });

  it('led_trigger_event reads the list from memory: an LED on it, or a list never initialised, is not modelled; NULL is a no-op', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const trig = ctx.poke(0xffffffffc0510000n, new Uint8Array(88));
    expect(call('led_trigger_event', trig, 0n)).toBe('not-modelled');
    ctx.poke(trig + 48n, new Uint8Array(new BigUint64Array([0xffff888000123450n, 0xffff888000123450n]).buffer));
    expect(call('led_trigger_event', trig, 0n)).toBe('not-modelled');
    expect(call('led_trigger_event', 0n, 0n)).toBe(0n);
  });

  it('led_trigger_register_simple: *tp gets a registered trigger with the name; NULL with a warning for a name in use', () => {
    const state = new KernelCallState();
    const { ctx, call } = modelCaller(state);
    const tp = ctx.poke(0xffffffffc0520000n, new Uint8Array(8).fill(0xaa));
    expect(call('led_trigger_register_simple', ctx.str('phy0-tx'), tp)).toBe(0n);
    const trig = readU64(ctx.mem, tp);
    expect(readU64(ctx.mem, trig + 48n)).toBe(trig + 48n);
    expect(call('led_trigger_register_simple', ctx.str('cpu'), tp)).toBe(0n);
    expect(readU64(ctx.mem, tp)).toBe(0n);
    expect(ctx.log.at(-1)).toEqual({ level: 4, text: 'LED trigger cpu failed to register (-17)' });
  });
});

describe('kobject_uevent_env (lib/kobject_uevent.c)', () => {
  const setup = () => {
    const state = new KernelCallState();
    const { ctx, call } = modelCaller(state);
    // platform_device_register_simple("regulatory", 0, NULL, 0), as cfg80211's regulatory_init().
    const info = ctx.poke(0xffffffffc0530000n, new Uint8Array(new BigUint64Array([0n, 0n, 0n, ctx.str('regulatory'), 0n, 0n, 0n, 0n, 0n, 0n]).buffer));
    const pdev = call('platform_device_register_full', info) as bigint;
    return { ctx, call, kobj: pdev + 16n };
  };
  const envp = (ctx: ReturnType<typeof modelCaller>['ctx'], keys: string[]): bigint =>
    ctx.poke(0xffffffffc0540000n, new Uint8Array(new BigUint64Array([...keys.map((k) => ctx.str(k)), 0n]).buffer));

  it("call_crda()'s KOBJ_CHANGE on regulatory.0 builds the real uevent keys, reaches nobody and returns 0", () => {
    const { ctx, call, kobj } = setup();
    expect(call('kobject_uevent_env', kobj, 2n, envp(ctx, ['COUNTRY=00']))).toBe(0n);
    const note = ctx.notes.at(-1) ?? '';
    expect(note).toMatch(/ACTION=change DEVPATH=\/devices\/platform\/regulatory\.0 SUBSYSTEM=platform COUNTRY=00 MODALIAS=platform:regulatory /);
    // dev_uevent()'s keys are what the real device's uevent file shows.
    expect(note).toContain(out('cat /sys/devices/platform/regulatory.0/uevent').trim());
    expect(note).toMatch(/nobody receives it; returns 0$/);
  });

  it('-ENOMEM when the keys pass 2048 bytes; uevent_suppress drops the event with 0; an unknown kobject is not modelled', () => {
    const { ctx, call, kobj } = setup();
    expect(call('kobject_uevent_env', kobj, 2n, envp(ctx, [`X=${'y'.repeat(1000)}`, `Z=${'y'.repeat(1000)}`]))).toBe(ENOMEM);
    expect(call('kobject_uevent_env', kobj, 2n, envp(ctx, [`X=${'y'.repeat(900)}`, `Z=${'y'.repeat(900)}`]))).toBe(0n);
    ctx.poke(kobj + 60n, new Uint8Array([0x10, 0, 0, 0]));
    expect(call('kobject_uevent_env', kobj, 2n, 0n)).toBe(0n);
    expect(ctx.notes.at(-1)).toMatch(/uevent_suppress/);
    expect(call('kobject_uevent_env', 0xffffffffc0550000n, 2n, 0n)).toBe('not-modelled');
  });
});
