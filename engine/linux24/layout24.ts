/**
 * modutils 2.4's image layout (obj/obj_common.c obj_insert_section_load_order, obj_load_order_prio,
 * obj_load_size): struct module (.this) first, then every SHF_ALLOC section in priority order —
 * not-".init" (64), ALLOC (32), EXEC (16), read-only (8), not NOBITS (4), ".got" (2); among equals in
 * the order they were inserted — each aligned to sh_addralign. The total is m_size for create_module.
 */
import { SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS, SHT_NOTE } from '../elf/constants';

export interface LayoutInput {
  /** ELF section index, or -1 for a section insmod creates (.this, .kstrtab, .kmodtab, __ksymtab). */
  index: number;
  name: string;
  flags: number;
  type: number;
  size: number;
  align: number;
}

export interface Placement24 {
  index: number;
  name: string;
  /** Offset from the start of the image (= from create_module's address). */
  offset: number;
  size: number;
  align: number;
  exec: boolean;
  /** NOBITS or NOTE: zero-filled in the image (obj_load keeps no contents for them). */
  zero: boolean;
  generated: boolean;
  prio: number;
}

/** obj_load_order_prio(). 2.4 named init sections ".text.init"; a .ko's ".init.text" does not end in ".init". */
export function loadOrderPrio(s: Pick<LayoutInput, 'name' | 'flags' | 'type'>): number {
  let ac = 0;
  if (!s.name.endsWith('.init')) ac |= 64;
  if (s.flags & SHF_ALLOC) ac |= 32;
  if (s.flags & SHF_EXECINSTR) ac |= 16;
  if (!(s.flags & SHF_WRITE)) ac |= 8;
  if (s.type !== SHT_NOBITS) ac |= 4;
  if (s.name === '.got') ac |= 2;
  return ac;
}

/**
 * The load order and offsets. `first` is .this (obj_create_alloced_section_first); `sections` are
 * inserted in the order given (ELF index order, then insmod's own), each before the first of lower
 * priority (obj_insert_section_load_order).
 */
export function layoutImage(first: LayoutInput, sections: LayoutInput[]): { placements: Placement24[]; size: number } {
  const order: { s: LayoutInput; prio: number }[] = [];
  for (const s of sections) {
    const prio = loadOrderPrio(s);
    let at = order.findIndex((o) => o.prio < prio);
    if (at < 0) at = order.length;
    order.splice(at, 0, { s, prio });
  }
  const all = [{ s: first, prio: loadOrderPrio(first) }, ...order];
  let off = 0;
  const placements: Placement24[] = [];
  for (const { s, prio } of all) {
    const a = Math.max(1, s.align);
    off = Math.ceil(off / a) * a;
    placements.push({
      index: s.index,
      name: s.name,
      offset: off,
      size: s.size,
      align: a,
      exec: (s.flags & SHF_EXECINSTR) !== 0,
      zero: s.type === SHT_NOBITS || s.type === SHT_NOTE,
      generated: s.index < 0,
      prio,
    });
    off += s.size;
  }
  return { placements, size: off };
}
