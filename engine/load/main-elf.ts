/**
 * The first checks of load_module() (kernel/module/main.c, 6.1) on the temporary copy:
 * elf_validity_check(), setup_load_info() and rewrite_section_headers().
 */
import { thousands } from '../base/thousands';
import { EHDR_SIZE, EM_X86_64, ET_REL, SHF_ALLOC, SHT_SYMTAB } from '../elf/constants';
import { isElfError } from '../elf/errors';
import { readElf } from '../elf/index';
import { KERN_ERR, KERN_WARNING } from '../kernel/log';
import { MODULE_INIT_IGNORE_MODVERSIONS } from '../kmod/constants';
import { readModuleFacts } from '../kmod/facts';
import type { LoadInfo } from './context';
import { ENOEXEC } from './errno';
import { asKernelReadsIt, elfValidity } from './elf-validity';
import { hex } from '../base/hex';
import { hx, MAIN } from './step-text';

/** The size of an ELF64 header: the shortest image that can be a module. */
export const ELF64_EHDR_SIZE = EHDR_SIZE[64];

/** elf_validity_check(): the header, the section table, every section inside the image. */
export function elfValidityCheck(info: LoadInfo): number {
  const { rec, elfBytes } = info;
  const refused = elfValidity(elfBytes);
  if (refused) {
    rec.printk(KERN_ERR, refused.line);
    rec.step({
      phase: 'elf',
      fn: 'elf_validity_check',
      file: MAIN,
      title: 'The ELF image is rejected',
      text: `${refused.why}. The kernel answers -ENOEXEC.`,
      errno: -ENOEXEC,
    });
    return -ENOEXEC;
  }
  let elf;
  try {
    elf = readElf(asKernelReadsIt(elfBytes));
  } catch (e) {
    if (!isElfError(e)) throw e;
    rec.printk(KERN_ERR, kernelMessageForElfError(e.code, elfBytes));
    const where = `at byte ${hex(e.offset)}${e.field ? ', ' + e.field : ''}`;
    rec.step({
      phase: 'elf',
      fn: 'elf_validity_check',
      file: MAIN,
      title: 'The ELF image is rejected',
      text: `${e.message} (${where}). The kernel answers -ENOEXEC.`,
      errno: -ENOEXEC,
    });
    return -ENOEXEC;
  }
  const { machine, type } = elf.header;
  if (machine !== EM_X86_64 || elf.header.class !== 64) {
    rec.printk(KERN_ERR, `Invalid architecture in ELF header: ${machine}`);
    rec.step({
      phase: 'elf',
      fn: 'elf_validity_check',
      file: MAIN,
      title: 'Wrong architecture',
      text: `e_machine is ${machine}; an x86-64 kernel loads only EM_X86_64 (${EM_X86_64}) ELF64 modules: -ENOEXEC.`,
      errno: -ENOEXEC,
    });
    return -ENOEXEC;
  }
  if (type !== ET_REL) {
    rec.printk(KERN_ERR, `Invalid ELF header type: ${type} != ${ET_REL}`);
    rec.step({
      phase: 'elf',
      fn: 'elf_validity_check',
      file: MAIN,
      title: 'Not a relocatable object',
      text: `e_type is ${type}; modules are ET_REL (${ET_REL}): -ENOEXEC.`,
      errno: -ENOEXEC,
    });
    return -ENOEXEC;
  }
  info.elf = elf;
  info.facts = readModuleFacts(elf, info.signature);
  rec.step({
    phase: 'elf',
    fn: 'elf_validity_check',
    file: MAIN,
    title: 'ELF header and section table checked',
    text:
      `ELF64, little-endian, ET_REL, EM_X86_64; ${elf.sections.length} section headers of 64 bytes at ${hex(elf.header.shoff)}, ` +
      `every section inside the ${thousands(elfBytes.length)}-byte image, names NUL-terminated.`,
  });
  return 0;
}

/** What elf_validity_check() prints for the problems the ELF reader reports. */
function kernelMessageForElfError(code: string, bytes: Uint8Array): string {
  switch (code) {
    case 'NOT_ELF':
    case 'BAD_MAGIC':
      return 'Invalid ELF header magic: != \x7fELF';
    case 'TRUNCATED':
      return bytes.length < ELF64_EHDR_SIZE ? `Invalid ELF header len ${bytes.length}` : 'Invalid ELF section header overflow';
    case 'BAD_SHENTSIZE':
      return 'Invalid ELF section header size';
    case 'SECTION_TABLE_OUT_OF_BOUNDS':
      return 'Invalid ELF section header overflow';
    case 'BAD_SHSTRNDX':
      return 'Invalid ELF section name index';
    case 'SECTION_OUT_OF_BOUNDS':
      return 'Invalid ELF section in module';
    default:
      return 'Invalid ELF section in module';
  }
}

/** setup_load_info(): the module's name, its symbol table, struct module, __versions, .modinfo, per-CPU data. */
export function setupLoadInfo(info: LoadInfo): number {
  const { rec, elf } = info;
  // find_sec() sees only SHF_ALLOC sections: a .modinfo without the flag is no .modinfo at all (no name, vermagic,
  // licence, retpoline tag…), and the name comes from struct module (whatif-module.qemu.json, sh-modinfo-flags.ko).
  const modinfoSec = elf.sections.find((s) => s.name === '.modinfo');
  if (modinfoSec && !(modinfoSec.flags & SHF_ALLOC)) info.facts = { ...info.facts, modinfo: [], name: info.facts.thisModule?.name ?? null };
  const { facts } = info;
  const modinfoName = facts.name;
  info.infoName = modinfoName ?? '(missing .modinfo section or name field)';
  const symtab = elf.sections.find((s) => s.type === SHT_SYMTAB);
  const thisMod = elf.sections.find((s) => s.name === '.gnu.linkonce.this_module');
  const find = (n: string): number => elf.sections.findIndex((s) => s.name === n && s.flags & SHF_ALLOC);
  if (!symtab) {
    rec.printk(KERN_WARNING, `${info.infoName}: module has no symbols (stripped?)`);
    rec.step({
      phase: 'elf',
      fn: 'setup_load_info',
      file: MAIN,
      title: 'No symbol table',
      text: 'A module needs .symtab to be linked: -ENOEXEC.',
      errno: -ENOEXEC,
    });
    return -ENOEXEC;
  }
  if (!thisMod || !(thisMod.flags & SHF_ALLOC)) {
    rec.printk(KERN_WARNING, `${info.infoName}: No module found in object`);
    rec.step({
      phase: 'elf',
      fn: 'setup_load_info',
      file: MAIN,
      title: 'No struct module',
      text: 'There is no allocatable .gnu.linkonce.this_module section: -ENOEXEC.',
      errno: -ENOEXEC,
    });
    return -ENOEXEC;
  }
  const vers = find('__versions');
  const modinfo = find('.modinfo');
  info.index = {
    sym: symtab.index,
    str: symtab.link,
    mod: thisMod.index,
    // MODULE_INIT_IGNORE_MODVERSIONS: "Pretend no __versions section!"
    vers: info.flags & MODULE_INIT_IGNORE_MODVERSIONS || vers < 0 ? 0 : vers,
    info: modinfo < 0 ? 0 : modinfo,
    pcpu: Math.max(0, find('.data..percpu')),
  };
  info.versionsSection = vers;
  const structName = facts.thisModule?.name ?? info.infoName;
  const { index } = info;
  const versText = index.vers ? 'section ' + index.vers + ` (${facts.versions.length} CRCs)` : 'absent or ignored';
  rec.step({
    phase: 'elf',
    fn: 'setup_load_info',
    file: MAIN,
    title: `The module calls itself "${structName}"`,
    text:
      `.modinfo says name=${modinfoName ?? '(none)'}; ` +
      `the symbol table is section ${symtab.index} (${elf.symtab?.symbols.length ?? 0} symbols, strings in section ${symtab.link}); ` +
      `struct module is .gnu.linkonce.this_module (section ${thisMod.index}, ${thisMod.size} bytes); ` +
      `__versions is ${versText}${index.pcpu ? `; per-CPU data in section ${index.pcpu}` : ''}.`,
  });
  return 0;
}

/** rewrite_section_headers(): sh_addr = the section's address inside the temporary copy. */
export function rewriteSectionHeaders(info: LoadInfo): number {
  const { rec, elf, index } = info;
  info.secs = elf.sections.map((s) => ({ flags: s.flags, addr: s.index === 0 ? 0n : info.tempBase + BigInt(s.offset) }));
  // Track but don't keep modinfo and version sections.
  if (index.vers) info.secs[index.vers].flags &= ~SHF_ALLOC;
  else if (info.versionsSection >= 0) info.secs[info.versionsSection].flags &= ~SHF_ALLOC;
  if (index.info) info.secs[index.info].flags &= ~SHF_ALLOC;
  rec.step({
    phase: 'elf',
    fn: 'rewrite_section_headers',
    file: MAIN,
    title: 'Section addresses point into the temporary copy',
    text:
      `Every sh_addr becomes ${hx(info.tempBase)} + sh_offset. ` +
      "__versions and .modinfo lose SHF_ALLOC: they are read from the copy but never copied into the module's memory.",
  });
  return 0;
}
