/**
 * LED triggers (drivers/leds/led-triggers.c of 6.1). struct led_trigger (pahole on Debian's 6.1.0-50 vmlinux): name @0,
 * activate @8, deactivate @16, enum led_brightness brightness @24, trigger_type @32, spinlock_t leddev_list_lock @40,
 * struct list_head led_cdevs @48, next_trig @64, groups @80; 88 bytes.
 *
 * The machine's LEDs (scripts/qemu/scenarios/leds-uevent.qemu.json, /sys/class/leds on the real kernel under QEMU): the
 * AT keyboard's three input LEDs, each already on its kbd-* trigger — so a trigger a module registers finds no LED
 * with it as default trigger and free of a trigger (led_trigger_register()), and its led_cdevs list stays empty.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';
import { EEXIST } from './errname';
import { printkText } from './printk';
import { readU64, ret, tryCString, writeU32, writeU64 } from './mem';
import type { KernelCallState } from './state';

const TRIG_NAME = 0n;
const TRIG_BRIGHTNESS = 24n;
const TRIG_TYPE = 32n;
const TRIG_LOCK = 40n;
const TRIG_LED_CDEVS = 48n;
const TRIG_SIZE = 88;

/** The LED class devices of the machine and the trigger each is on (recorded, see above). */
export const MACHINE_LEDS: readonly { name: string; trigger: string }[] = [
  { name: 'input0::capslock', trigger: 'kbd-capslock' },
  { name: 'input0::numlock', trigger: 'kbd-numlock' },
  { name: 'input0::scrolllock', trigger: 'kbd-scrolllock' },
];
/** Triggers built into the kernel (an LED's trigger file on the real kernel, before any module adds one). */
export const BUILTIN_LED_TRIGGERS: readonly string[] = [
  ...['scroll', 'num', 'caps', 'kana', 'shift', 'altgr', 'ctrl', 'alt', 'shiftl', 'shiftr', 'ctrll', 'ctrlr'].map((k) => `kbd-${k}lock`),
  ...['disk-activity', 'disk-read', 'disk-write', 'ide-disk', 'mtd', 'nand-disk', 'cpu', 'cpu0', 'panic'],
];

export function ledFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** The triggers modules registered: name and trigger_type. */
  const live = new Map<bigint, { name: string; type: bigint }>();
  /** led_trigger_register(): the lock and the empty led_cdevs list; -EEXIST for a name in use; then the LEDs' default triggers. */
  const register = (ctx: KernelCallContext, trig: bigint): bigint | 'not-modelled' => {
    const name = tryCString(ctx, readU64(ctx.mem, trig + TRIG_NAME));
    if (name === null) return 'not-modelled';
    writeU32(ctx.mem, trig + TRIG_LOCK, 0);
    writeU64(ctx.mem, trig + TRIG_LED_CDEVS, trig + TRIG_LED_CDEVS);
    writeU64(ctx.mem, trig + TRIG_LED_CDEVS + 8n, trig + TRIG_LED_CDEVS);
    // A trigger with a trigger_type may share a name with one of another type; the built-in ones have none.
    const type = readU64(ctx.mem, trig + TRIG_TYPE);
    const clash = (t: { name: string; type: bigint }): boolean => t.name === name && (t.type === type || type === 0n || t.type === 0n);
    if (BUILTIN_LED_TRIGGERS.includes(name) || [...live.values()].some(clash)) {
      ctx.note(`led_trigger_register '${name}': a trigger of that name is registered, -EEXIST`);
      return ret(-EEXIST);
    }
    live.set(trig, { name, type });
    s.registrations.push({ kind: 'led trigger', name, address: trig });
    ctx.note(`led_trigger_register '${name}': no LED of the machine has it as default trigger (its ${MACHINE_LEDS.length} are on kbd-*); returns 0`);
    return 0n;
  };
  return {
    // int led_trigger_register(struct led_trigger *trig)
    led_trigger_register: (ctx) => register(ctx, ctx.arg(0)),
    // void led_trigger_unregister(struct led_trigger *trig): unlinks it; no LED was on it.
    led_trigger_unregister: (ctx) => {
      const name = live.get(ctx.arg(0))?.name;
      live.delete(ctx.arg(0));
      ctx.note(`led_trigger_unregister${name === undefined ? '' : ` '${name}'`}: removed`);
      return 0n;
    },
    // void led_trigger_register_simple(const char *name, struct led_trigger **tp): kzalloc, name, led_trigger_register().
    led_trigger_register_simple: (ctx) => {
      const trig = ctx.kmalloc(TRIG_SIZE, true, `led_trigger '${tryCString(ctx, ctx.arg(0)) ?? ''}'`);
      let r: bigint | 'not-modelled' = 0n;
      if (trig !== 0n) {
        writeU64(ctx.mem, trig + TRIG_NAME, ctx.arg(0));
        r = register(ctx, trig);
        if (r === 'not-modelled') return r;
        if (r !== 0n) {
          printkText(ctx, s, 4, `LED trigger ${tryCString(ctx, ctx.arg(0)) ?? ''} failed to register (${Number(BigInt.asIntN(64, r))})\n`);
          ctx.kfree(trig);
        }
      }
      writeU64(ctx.mem, ctx.arg(1), r === 0n ? trig : 0n);
      return 0n;
    },
    // void led_trigger_unregister_simple(struct led_trigger *trig)
    led_trigger_unregister_simple: (ctx) => {
      if (ctx.arg(0) !== 0n) {
        live.delete(ctx.arg(0));
        ctx.kfree(ctx.arg(0));
      }
      return 0n;
    },
    // void led_trigger_event(struct led_trigger *trig, enum led_brightness brightness): trig->brightness, then
    // led_set_brightness() on each LED of trig->led_cdevs (read from the struct in memory).
    led_trigger_event: (ctx) => {
      const trig = ctx.arg(0);
      if (trig === 0n) return 0n;
      const brightness = Number(ctx.arg(1) & 0xffffffffn);
      writeU32(ctx.mem, trig + TRIG_BRIGHTNESS, brightness);
      const head = trig + TRIG_LED_CDEVS;
      const first = readU64(ctx.mem, head);
      const name = tryCString(ctx, readU64(ctx.mem, trig + TRIG_NAME)) ?? hexU64(trig);
      if (first === head) {
        ctx.note(`led_trigger_event '${name}': brightness ${brightness} stored; no LED is on this trigger, so none changes`);
        return 0n;
      }
      ctx.note(
        first === 0n
          ? `led_trigger_event '${name}': led_cdevs was never initialised (the trigger is not registered): the kernel would follow a NULL list`
          : `led_trigger_event '${name}': an LED is on this trigger; led_set_brightness() is not modelled`,
      );
      return 'not-modelled';
    },
  };
}
