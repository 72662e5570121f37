import type { EngineError, ModuleOverview, NoteRow, SectionRow } from '../api-types';
import { sectionFlagsString, sectionTypeName, SHT_NOBITS } from '../elf/index';
import type { ElfFile, ElfErrorInfo } from '../elf/types';
import type { ModuleFacts } from '../kmod/types';
import { buildFileMap } from './file-map';
import { headerRows, headerSummary } from './header-rows';
import { hex32, hex64 } from '../base/hex';
import { describeNote } from './notes';

const FLAG_WORDS: Record<string, string> = {
  W: 'write',
  A: 'alloc',
  X: 'execute',
  M: 'merge',
  S: 'strings',
  I: 'info',
  L: 'link order',
  O: 'extra OS processing',
  G: 'group',
  T: 'TLS',
  C: 'compressed',
  x: 'unknown',
  o: 'OS specific',
  E: 'exclude',
  l: 'large',
  p: 'processor specific',
};

function words(flags: string): string {
  return [...flags].map((c) => FLAG_WORDS[c] ?? c).join(', ');
}

function toEngineError(w: ElfErrorInfo): EngineError {
  const e: EngineError = { code: w.code, message: w.message, offset: w.offset };
  if (w.field !== undefined) e.field = w.field;
  return e;
}

/** Everything the first views show, computed once when the module is opened. */
export function buildOverview(
  id: string,
  fileName: string,
  fileSize: number,
  compression: string | null,
  elf: ElfFile,
  facts: ModuleFacts,
): ModuleOverview {
  const h = elf.header;
  const relocCountByTarget = new Map<number, number>();
  for (const r of elf.relocSections) relocCountByTarget.set(r.targetIndex, (relocCountByTarget.get(r.targetIndex) ?? 0) + r.count);
  const sections: SectionRow[] = elf.sections.map((s) => {
    const flags = sectionFlagsString(s, h.machine, h.osabi);
    return {
      index: s.index,
      name: s.name,
      type: sectionTypeName(s.type, h.machine),
      flags,
      flagsExplained: words(flags),
      addr: hex64(s.addr),
      offset: s.offset,
      size: s.size,
      entsize: s.entsize,
      link: s.link,
      info: s.info,
      align: s.addralign,
      fileSize: s.type === SHT_NOBITS ? 0 : s.size,
      relocCount: relocCountByTarget.get(s.index) ?? 0,
    };
  });
  const sig = facts.signature;
  const notes: NoteRow[] = elf.notes.map((n) => describeNote(elf, n));
  const param = facts.params.map((p) => {
    const row = {
      name: p.name,
      type: p.type === 'array' && p.array ? `array of ${p.array.elementType}` : p.type === 'custom' ? (p.modinfoType ?? p.ops ?? 'custom') : p.type,
      perm: '0' + p.perm.toString(8).padStart(3, '0'),
      variable: p.variable ?? '',
      description: p.description,
    };
    return p.array ? { ...row, arrayMax: p.array.max } : row;
  });
  return {
    id,
    fileName,
    fileSize,
    compression,
    header: headerRows(h),
    headerSummary: headerSummary(h, elf.sections.length),
    sections,
    relocSections: elf.relocSections.map((r) => ({
      sectionIndex: r.sectionIndex,
      name: r.name,
      target: r.targetIndex,
      targetName: elf.sections[r.targetIndex]?.name ?? '',
      rela: r.rela,
      count: r.count,
    })),
    symbolCount: elf.symtab?.symbols.length ?? 0,
    relocationCount: elf.relocSections.reduce((n, r) => n + r.count, 0),
    fileMap: buildFileMap(elf, fileSize, sig ? sig.elfLength : null),
    modinfo: facts.modinfo.map((e) => ({ key: e.key, value: e.value, offset: e.offset })),
    versions: facts.versions.map((v) => ({ name: v.name, crc: hex32(v.crc), offset: v.offset })),
    exports: facts.exports.map((e) => {
      const row = { name: e.name, gplOnly: e.gplOnly, namespace: e.namespace };
      return e.crc !== undefined ? { ...row, crc: hex32(e.crc) } : row;
    }),
    params: param,
    notes,
    signature: sig
      ? {
          present: true,
          elfLength: sig.elfLength,
          signatureOffset: sig.signatureOffset,
          signatureLength: sig.signatureLength,
          idType: sig.idTypeName,
          description: sig.description,
        }
      : {
          present: false,
          elfLength: fileSize,
          signatureOffset: fileSize,
          signatureLength: 0,
          idType: '',
          description: 'No appended signature: the kernel would taint it (E) when loading, as it does for any unsigned module.',
        },
    thisModule: facts.thisModule
      ? { name: facts.thisModule.name, init: facts.thisModule.init, exit: facts.thisModule.exit, size: facts.thisModule.size }
      : null,
    imports: facts.imports.map((i) => i.name),
    license: facts.license,
    gplCompatible: facts.gplCompatible,
    warnings: [...elf.warnings, ...facts.diagnostics].map(toEngineError),
  };
}

export type { SectionRow };
