/**
 * The virtual-terminal screen (drivers/tty/vt/vt.c of 6.1): screen_pos(), which speakup's get_attributes() calls on
 * the consoles vc_cons[] holds (recorded on the real machine, recorded-kernel-data.ts: console 0 on vga_con).
 */
import type { KernelFunction } from '../types';
import { readU64, s32 } from './mem';
import { hexU64 } from '../../base/hex';
import { KERNEL_DATA } from '../../machine/qemu-pc-kernel-data';

const VC = KERNEL_DATA.vcData;

export function vtFunctions(): Record<string, KernelFunction> {
  return {
    // unsigned short *screen_pos(const struct vc_data *vc, int w_offset, bool viewed) = screenpos(vc, 2 * w_offset,
    // viewed): vc_origin + offset when !viewed, else vc_visible_origin + offset when vc_sw->con_screen_pos is NULL
    // (vga_con's is), else that console driver's function, which has no model.
    screen_pos: (ctx) => {
      const vc = ctx.arg(0);
      const offset = BigInt(2 * s32(ctx.arg(1)));
      const viewed = (ctx.arg(2) & 0xffn) !== 0n;
      if (!viewed) return BigInt.asUintN(64, readU64(ctx.mem, vc + BigInt(VC.vc_origin)) + offset);
      const sw = readU64(ctx.mem, vc + BigInt(VC.vc_sw));
      if (readU64(ctx.mem, sw + BigInt(VC.conScreenPos)) !== 0n) return 'not-modelled';
      const p = BigInt.asUintN(64, readU64(ctx.mem, vc + BigInt(VC.vc_visible_origin)) + offset);
      ctx.note(`screen_pos: word ${offset / 2n} of the screen of the console at ${hexU64(vc)} is at ${hexU64(p)}`);
      return p;
    },
  };
}
