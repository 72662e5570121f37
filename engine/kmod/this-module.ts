/**
 * `.gnu.linkonce.this_module`: the struct module image that load_module() takes over
 * (setup_load_info() finds it by name; layout_and_allocate() copies it). Only `name`, `init`
 * and `exit` are set in the file; init/exit are R_X86_64_64 relocations against the
 * init_module/cleanup_module aliases that module_init()/module_exit() define.
 * Offsets are for Debian 6.1 x86-64 (struct module = 0x380 bytes, from BTF).
 */
import { ElfError } from '../elf/errors';
import { hex } from '../base/hex';
import type { ElfFile } from '../elf/types';
import { findSection, utf8String, relocsFor, relocSymbolName, sectionBytes } from './elf-access';
import type { ThisModuleFacts } from './types';

export const THIS_MODULE_NAME_OFFSET = 0x18;
export const MODULE_NAME_LEN = 56;
export const THIS_MODULE_INIT_OFFSET = 0x138;
export const THIS_MODULE_EXIT_OFFSET = 0x350;

export function readThisModule(elf: ElfFile): ThisModuleFacts | null {
  const sec = findSection(elf, '.gnu.linkonce.this_module');
  if (!sec) return null;
  const b = sectionBytes(elf, sec);
  if (b.length < THIS_MODULE_NAME_OFFSET + MODULE_NAME_LEN) {
    throw new ElfError('BAD_MODULE_DATA', `.gnu.linkonce.this_module is only ${hex(b.length)} bytes`, sec.offset, '.gnu.linkonce.this_module');
  }
  const nameBytes = b.subarray(THIS_MODULE_NAME_OFFSET, THIS_MODULE_NAME_OFFSET + MODULE_NAME_LEN);
  const nul = nameBytes.indexOf(0);
  const name = utf8String(nul < 0 ? nameBytes : nameBytes.subarray(0, nul));
  const relocs = relocsFor(elf, sec.index);
  const pick = (off: number, alias: string): string | null => {
    const r = relocs.get(off);
    if (r) return relocSymbolName(elf, r);
    // Another struct module layout (other kernel or config): find the alias module_init()/module_exit() define.
    for (const other of relocs.values()) if (other.symbol?.name === alias) return alias;
    return null;
  };
  return {
    name,
    init: pick(THIS_MODULE_INIT_OFFSET, 'init_module'),
    exit: pick(THIS_MODULE_EXIT_OFFSET, 'cleanup_module'),
    size: sec.size,
    offset: sec.offset,
  };
}
