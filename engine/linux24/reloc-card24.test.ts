/**
 * Issue 18, item 5: on the 2.4 path a relocation is applied by insmod to its own image in user
 * space (modutils obj_relocate()), for the final address P. The relocation card must show those
 * bytes — insmod's image filling up — not the kernel's block at P, which create_module() reserved
 * and which stays empty until init_module() copies the image in.
 */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { seek } from '../kernel-session';
import { withItemExtras } from '../view-models/item-extras';
import { debianProfile, sample } from '../../scripts/test-support/kernel';
import { insmod24 } from './insmod24';
import { Kernel24 } from './kernel24';
import { USER_BUFFER } from './user-relocations';

const decoder = createIcedDecoder();
const hexBytes = (bs: (number | null)[]) => bs.map((b) => (b === null ? '··' : b.toString(16).padStart(2, '0'))).join(' ');

describe('2.4: the relocation card shows insmod’s image in user space', () => {
  it('hello.ko: the PLT32 to _printk is patched in the user-space image; the kernel block at P is still empty', () => {
    const K = new Kernel24(debianProfile(), { decoder });
    const r = insmod24(K, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: ['count=3'] });
    expect(r.exit, r.op.output.join('\n')).toBe(0);
    const k = K.k;
    // The obj_relocate step's items, the relocation to _printk in .rela.init.text.
    let pos = -1;
    for (let i = 0; i < k.timeline.stepCount() && pos < 0; i++) {
      const s = k.timeline.step(i);
      if (s?.block !== 'relocations') continue;
      for (let j = 0; j < s.span; j++) {
        const d = k.timeline.at(s.pos + j)?.item;
        if (d?.kind === 'relocation' && d.symbol === '_printk' && d.relaSection === '.rela.init.text') {
          pos = s.pos + j;
          break;
        }
      }
    }
    expect(pos).toBeGreaterThan(0);
    const view = withItemExtras(k, seek(k, pos, decoder), decoder);
    const item = view.item;
    if (item?.kind !== 'relocation') throw new Error('no relocation at pos');
    const P = BigInt(item.P);
    // P is the final kernel address; the bytes are written at the same offset in insmod's buffer.
    expect(P >> 40n).toBe(0xffffffn);
    expect(item.writtenAt?.where).toBe("insmod's image in user space");
    const at = BigInt(item.writtenAt!.address);
    expect(at >= USER_BUFFER && at < USER_BUFFER + 0x100000n).toBe(true);
    // The window is around that place: the field reads `before` at pos and `after` at pos + 1.
    const mem = item.memory!;
    const off = Number(at - BigInt(mem.start));
    expect(hexBytes(mem.before.slice(off, off + item.width))).toBe(item.before);
    expect(hexBytes(mem.after.slice(off, off + item.width))).toBe(item.after);
    expect(item.after).not.toBe(item.before);
    // Around the field: the instruction bytes of hello_init as insmod copied them (not all zero, mapped).
    expect(mem.before.every((b) => b !== null)).toBe(true);
    expect(mem.before.some((b) => b !== 0 && b !== null)).toBe(true);
    // The kernel's block at P exists (create_module) but holds nothing yet at this position.
    const kernelBytes = k.memory.windowAt(P, item.width, pos + 1, []);
    expect(kernelBytes.every((b) => b === 0)).toBe(true);
    // The patched instruction is decoded from insmod's image, at the address it will run at: a call to _printk.
    expect(item.instruction?.after.text).toMatch(/^call\s+0xffffffff[0-9a-f]+ <_printk>/);
    expect(BigInt(item.instruction!.address) >> 40n).toBe(0xffffffn);
  });
});
