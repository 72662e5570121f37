/**
 * input_set_capability() (drivers/input/input.c, 6.1): marks a device capable of an event: the code's bit in the
 * type's bitmap of struct input_dev, then the type's bit in evbit; EV_PWR sets only evbit. A code above the type's
 * input_max_code[] is refused with "input_set_capability: invalid code %u for type %u" and a dump_stack(), an unknown
 * type with "unknown type %u (code %u)" and one: the stack dump is not modelled, so those stop, as does EV_ABS, which
 * allocates the absinfo array (input_alloc_absinfo()).
 *
 * struct input_dev (include/linux/input.h; sizeof 1384, evbit at 40 and keybit at 48 as recorded from the real build in
 * scripts/qemu/recordings/acpi-pwrbn.qemu.json): name, phys, uniq, id (8 bytes), propbit[1], evbit[1], keybit[12],
 * relbit[1], absbit[1], mscbit[1], ledbit[1], sndbit[1], ffbit[2], swbit[1].
 */
import type { KernelFunction } from '../types';
import { u32 } from './mem';

/** Each event type the model sets: its bitmap's offset in struct input_dev and input_max_code[type]. */
const TYPES: ReadonlyMap<number, { name: string; bitmap: bigint; max: number }> = new Map([
  [0x01, { name: 'EV_KEY', bitmap: 48n, max: 0x2ff }],
  [0x02, { name: 'EV_REL', bitmap: 144n, max: 0x0f }],
  [0x04, { name: 'EV_MSC', bitmap: 160n, max: 0x07 }],
  [0x05, { name: 'EV_SW', bitmap: 200n, max: 0x10 }],
  [0x11, { name: 'EV_LED', bitmap: 168n, max: 0x0f }],
  [0x12, { name: 'EV_SND', bitmap: 176n, max: 0x07 }],
  [0x15, { name: 'EV_FF', bitmap: 184n, max: 0x7f }],
]);
const EV_PWR = 0x16;
const EVBIT = 40n;

export function inputCapabilityFunctions(): Record<string, KernelFunction> {
  return {
    // void input_set_capability(struct input_dev *dev, unsigned int type, unsigned int code)
    input_set_capability: (ctx) => {
      const dev = ctx.arg(0);
      const type = u32(ctx.arg(1));
      const code = u32(ctx.arg(2));
      const t = TYPES.get(type);
      if (type !== EV_PWR && (t === undefined || code > t.max)) {
        const what = t ? 'an invalid code' : 'a type the model does not set';
        ctx.note(`input_set_capability type ${type} code ${code}: ${what}, whose error line and stack dump are not modelled`);
        return 'not-modelled';
      }
      const setBit = (bitmap: bigint, bit: number): void => {
        const at = dev + bitmap + BigInt(bit >> 3);
        const b = ctx.mem.read(at, 1, 'read')[0];
        ctx.mem.write(at, Uint8Array.of(b | (1 << (bit & 7))));
      };
      if (t) setBit(t.bitmap, code);
      setBit(EVBIT, type);
      ctx.note(`input_set_capability: ${t?.name ?? 'EV_PWR'}${t ? ` code ${code}` : ''}`);
      return 0n;
    },
  };
}
