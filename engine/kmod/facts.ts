/**
 * readModuleFacts: everything the loader reads from a module besides code and relocations —
 * .modinfo, __versions, exports, parameters, the struct module image, imports, signature.
 * Each reader runs on its own: a malformed section becomes a diagnostic, not a crash.
 */
import { elfErrorInfo, isElfError } from '../elf/errors';
import type { ElfErrorInfo, ElfFile } from '../elf/types';
import { SHN_UNDEF, STT_SECTION } from './elf-access';
import { readExports } from './exports';
import { isGplCompatible } from './license';
import { modinfoValue, readModinfo } from './modinfo';
import { readParams } from './params';
import { readThisModule } from './this-module';
import type { ImportEntry, ModuleFacts, ModuleSignatureInfo } from './types';
import { readVersions } from './versions';

import { EM_X86_64, ET_REL } from '../elf/constants';
export { EM_X86_64, ET_REL };

function attempt<T>(diagnostics: ElfErrorInfo[], what: string, fallback: T, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (isElfError(e)) diagnostics.push(e.toInfo());
    else diagnostics.push(elfErrorInfo('BAD_MODULE_DATA', `${what}: ${e instanceof Error ? e.message : String(e)}`, 0, what));
    return fallback;
  }
}

/** The undefined symbols a module needs resolved (simplify_symbols(): SHN_UNDEF → resolve_symbol_wait()). */
export function readImports(elf: ElfFile): string[] {
  const out: string[] = [];
  for (const s of elf.symtab?.symbols ?? []) {
    if (s.index === 0 || s.shndx !== SHN_UNDEF || s.name === '' || s.type === STT_SECTION) continue;
    out.push(s.name);
  }
  return out;
}

export function readModuleFacts(elf: ElfFile, signature: ModuleSignatureInfo | null): ModuleFacts {
  const diagnostics: ElfErrorInfo[] = [];
  const machine = elf.header.machine;
  const machineOk = machine === EM_X86_64;
  if (!machineOk) {
    diagnostics.push(
      elfErrorInfo('WRONG_MACHINE', `e_machine is ${machine}, not EM_X86_64 (62): an x86-64 kernel's elf_check_arch() rejects it`, 18, 'e_machine'),
    );
  }
  const relocatable = elf.header.type === ET_REL;
  if (!relocatable) {
    diagnostics.push(elfErrorInfo('NOT_RELOCATABLE', `e_type is ${elf.header.type}, not ET_REL (1): elf_validity_check() rejects it`, 16, 'e_type'));
  }
  const modinfo = attempt(diagnostics, '.modinfo', [], () => readModinfo(elf));
  const versions = attempt(diagnostics, '__versions', [], () => readVersions(elf));
  const exports = attempt(diagnostics, '__ksymtab', [], () => readExports(elf));
  const params = attempt(diagnostics, '__param', [], () => readParams(elf, modinfo));
  const thisModule = attempt(diagnostics, '.gnu.linkonce.this_module', null, () => readThisModule(elf));
  const crcByName = new Map(versions.map((v) => [v.name, v.crc]));
  const imports = attempt(diagnostics, '.symtab', [], () => readImports(elf)).map((name): ImportEntry => {
    const crc = crcByName.get(name);
    return crc === undefined ? { name } : { name, crc };
  });
  const license = modinfoValue(modinfo, 'license');
  const depends = modinfoValue(modinfo, 'depends');
  return {
    machine,
    machineOk,
    relocatable,
    modinfo,
    name: modinfoValue(modinfo, 'name') ?? thisModule?.name ?? null,
    vermagic: modinfoValue(modinfo, 'vermagic'),
    license,
    gplCompatible: isGplCompatible(license),
    depends: depends ? depends.split(',').filter((d) => d !== '') : [],
    versions,
    exports,
    params,
    thisModule,
    imports,
    signature,
    diagnostics,
  };
}
