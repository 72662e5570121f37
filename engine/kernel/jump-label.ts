/**
 * Jump labels (static keys) in module text, as kernel/jump_label.c and arch/x86/kernel/jump_label.c keep them.
 *
 * A `static_branch_likely/unlikely(&key)` site is compiled as a 2- or 5-byte NOP or JMP, and listed in the module's
 * __jump_table (struct jump_entry, CONFIG_HAVE_ARCH_JUMP_LABEL_RELATIVE: s32 code, s32 target, long key, each relative
 * to its own field; bit 0 of key is the entry's branch, bit 1 "in init"). The kernel rewrites a site whenever what it
 * should be, jump_label_type() = static_key_enabled(key) ^ branch, differs from what is there:
 * - when the module comes (jump_label_module_notify → jump_label_add_module), for keys outside the module whose state
 *   is not their defined one (jump_label_type() != jump_label_init_type(), the latter from key->type & JUMP_TYPE_TRUE);
 * - when a key's enabled count goes 0 → 1 or 1 → 0 (static_key_enable/disable, static_key_slow_inc/dec →
 *   jump_label_update → __jump_label_mod_update), for every loaded module's sites of that key.
 * __jump_label_patch() writes x86_nops[size] for NOP and `jmp target` (eb rel8 / e9 rel32) for JMP, the size being
 * that of the instruction already there (arch_jump_entry_size()).
 */
import type { Memory } from '../machine/memory';
import type { PlacedSection } from './module-record';

export interface JumpEntry {
  code: bigint;
  target: bigint;
  key: bigint;
  /** The entry's branch bit: the site jumps when the key's state differs from it (jump_entry_is_branch()). */
  branch: boolean;
}

/** struct jump_entry: 16 bytes. */
export const JUMP_ENTRY_SIZE = 16;
/** struct static_key: atomic_t enabled; then the type / entries / next union, JUMP_TYPE_TRUE its bit 0. */
const KEY_TYPE = 8n;
const NOP2 = [0x66, 0x90];
const NOP5 = [0x0f, 0x1f, 0x44, 0x00, 0x00];

/** The entries of a __jump_table whose bytes (after relocation) start at base. */
export function readJumpEntries(bytes: Uint8Array, base: bigint): JumpEntry[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: JumpEntry[] = [];
  for (let off = 0; off + JUMP_ENTRY_SIZE <= bytes.length; off += JUMP_ENTRY_SIZE) {
    const at = base + BigInt(off);
    const key = BigInt.asUintN(64, at + 8n + dv.getBigInt64(off + 8, true));
    out.push({
      code: BigInt.asUintN(64, at + BigInt(dv.getInt32(off, true))),
      target: BigInt.asUintN(64, at + 4n + BigInt(dv.getInt32(off + 4, true))),
      key: key & ~3n,
      branch: (key & 1n) !== 0n,
    });
  }
  return out;
}

/** arch_jump_entry_size(): 2 or 5, from the instruction at the site (a NOP or a JMP of that size), or null. */
function siteSize(b: Uint8Array): 2 | 5 | null {
  if (b[0] === 0xeb || (b[0] === NOP2[0] && b[1] === NOP2[1])) return 2;
  if (b[0] === 0xe9 || NOP5.every((v, i) => b[i] === v)) return 5;
  return null;
}

/** The bytes __jump_label_patch() writes for a site: the NOP of its size, or `jmp target`. */
export function siteBytes(e: JumpEntry, jmp: boolean, size: 2 | 5): Uint8Array {
  if (!jmp) return Uint8Array.from(size === 2 ? NOP2 : NOP5);
  const rel = e.target - (e.code + BigInt(size));
  if (size === 2) return Uint8Array.of(0xeb, Number(BigInt.asUintN(8, rel)));
  const r = BigInt.asUintN(32, rel);
  return Uint8Array.of(0xe9, Number(r & 0xffn), Number((r >> 8n) & 0xffn), Number((r >> 16n) & 0xffn), Number(r >> 24n));
}

/** A key's state where the model holds its memory (a module's key), or null (a kernel key: vmlinux data). */
export function keyState(mem: Memory, key: bigint): { enabled: boolean; type: boolean } | null {
  if (!mem.live(key, 16)) return null;
  const b = mem.read(key, 16);
  const enabled = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) !== 0; // static_key_enabled(): count > 0 (or -1)
  return { enabled, type: (b[Number(KEY_TYPE)] & 1) !== 0 };
}

/**
 * Rewrite one site to jmp (true) or nop (false) when it is not that already; true when bytes changed. The text is
 * read-only by then: the kernel writes it with text_poke_bp(), the model through its memory directly.
 */
export function patchSite(mem: Memory, e: JumpEntry, jmp: boolean, pos: number, what: string): boolean {
  const a = mem.live(e.code, 5) ?? mem.live(e.code, 2);
  if (!a) return false; // an init site after init was freed (jump_entry_is_init(): skipped)
  const off = Number(e.code - a.base);
  const now = a.bytes.subarray(off, off + 5);
  const size = siteSize(now);
  if (size === null) return false; // not a NOP or JMP: the kernel's jump_label_patch BUG()s; not rewritten here
  const want = siteBytes(e, jmp, size);
  if (want.every((v, i) => now[i] === v)) return false;
  mem.writeAt(a, off, want, pos, what);
  return true;
}

/** The __jump_table entries of a module's placed sections (empty when it has none or it is not readable). */
export function moduleJumpEntries(mem: Memory, sections: readonly PlacedSection[]): JumpEntry[] {
  const t = sections.find((s) => s.name === '__jump_table');
  if (!t || t.nobits || t.size < JUMP_ENTRY_SIZE || !mem.live(t.address, t.size)) return [];
  return readJumpEntries(mem.read(t.address, t.size - (t.size % JUMP_ENTRY_SIZE)), t.address);
}

/**
 * jump_label_update(key) for module text: every loaded module's site of key set to enabled ^ branch, enabled being the
 * key's new state (a kernel key's count lives in vmlinux data, not in this memory). The number of sites rewritten
 * (sites already right are left as they are).
 */
export function jumpLabelUpdate(mem: Memory, modules: readonly { allSections: PlacedSection[] }[], key: bigint, enabled: boolean, pos: number): number {
  let n = 0;
  for (const m of modules)
    for (const e of moduleJumpEntries(mem, m.allSections))
      if (e.key === key && patchSite(mem, e, enabled !== e.branch, pos, 'jump_label_update: text_poke')) n++;
  return n;
}
