/**
 * The engine API as every host sees it: plain, structured-cloneable data.
 * 64-bit values travel as "0x…" strings (Hex64); big tables travel in pages.
 */
import type { ElfErrorCode } from './elf/types';

export type Hex64 = `0x${string}`;

export interface EngineError {
  code: ElfErrorCode | 'NO_SUCH_MODULE' | 'BAD_REQUEST' | 'INTERNAL';
  message: string;
  /** Byte offset in the file where the problem is, when there is one. */
  offset?: number;
  /** The field at fault, e.g. "e_shoff". */
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: EngineError };

export interface OpenRequest {
  name: string;
  bytes: Uint8Array;
}

export interface ProgressEvent {
  stage: 'decompress' | 'parse';
  done: number;
  total: number;
}

export interface HeaderRow {
  field: string; // e.g. "e_machine"
  value: string; // as readelf -h shows it
  explain: string; // plain words
  offset: number; // file offset of the field
  size: number;
}

export interface SectionRow {
  index: number;
  name: string;
  type: string; // readelf name, e.g. PROGBITS
  flags: string; // readelf letters, e.g. AX
  flagsExplained: string; // "alloc, exec"
  addr: Hex64;
  offset: number;
  size: number;
  entsize: number;
  link: number;
  info: number;
  align: number;
  /** Bytes present in the file (0 for NOBITS). */
  fileSize: number;
  relocCount: number; // relocations that patch this section
}

export interface SymbolRow {
  index: number;
  name: string;
  value: Hex64;
  size: string; // decimal
  type: string;
  bind: string;
  visibility: string;
  ndx: string; // UND, ABS, COM or the section index
  section: string; // section name or UND/ABS/COM
}

export interface RelocSectionRow {
  sectionIndex: number;
  name: string;
  target: number;
  targetName: string;
  rela: boolean;
  count: number;
}

export interface RelocRow {
  index: number;
  offset: Hex64;
  type: string;
  typeNumber: number;
  symbolIndex: number;
  symbolName: string; // section name for section symbols
  symbolValue: Hex64;
  addend: string; // signed decimal-free hex as readelf: "+ 4" / "- 4" → "-0x4"
}

export interface FileRange {
  start: number;
  end: number;
  label: string;
  kind: 'header' | 'section' | 'section-table' | 'program-headers' | 'signature' | 'gap';
  sectionIndex?: number;
}

export interface ModinfoRow { key: string; value: string; offset: number }
export interface VersionRow { name: string; crc: Hex64; offset: number }
export interface ExportRow { name: string; gplOnly: boolean; namespace: string; crc?: Hex64 }
export interface ParamRow {
  name: string;
  type: string;
  perm: string; // octal, e.g. "0644"
  variable: string;
  description: string;
  arrayMax?: number;
}
export interface NoteRow { section: string; owner: string; type: number; typeName: string; description: string }
export interface SignatureInfo {
  present: boolean;
  elfLength: number;
  signatureOffset: number;
  signatureLength: number;
  idType: string;
  description: string;
}
export interface ThisModuleInfo {
  name: string;
  init: string | null;
  exit: string | null;
  size: number;
}

export interface ModuleOverview {
  id: string;
  fileName: string;
  fileSize: number;
  compression: string | null;
  header: HeaderRow[];
  headerSummary: string;
  sections: SectionRow[];
  relocSections: RelocSectionRow[];
  symbolCount: number;
  relocationCount: number;
  fileMap: FileRange[];
  modinfo: ModinfoRow[];
  versions: VersionRow[];
  exports: ExportRow[];
  params: ParamRow[];
  notes: NoteRow[];
  signature: SignatureInfo;
  thisModule: ThisModuleInfo | null;
  imports: string[];
  license: string | null;
  gplCompatible: boolean;
  warnings: EngineError[];
}

export interface Page<T> {
  total: number;
  offset: number;
  rows: T[];
}

export interface PageQuery {
  offset: number;
  limit: number; // capped at 5,000 rows a page
}

/**
 * Every host implements exactly this map: method name → [argument, result].
 * Electron (IPC), the Web Worker and the CLI all call the same engine session.
 */
export interface EngineMethods {
  open: [OpenRequest, ModuleOverview];
  close: [{ id: string }, true];
  overview: [{ id: string }, ModuleOverview];
  symbols: [{ id: string; filter?: string } & PageQuery, Page<SymbolRow>];
  relocations: [{ id: string; section: number } & PageQuery, Page<RelocRow>];
  bytes: [{ id: string; offset: number; length: number }, Uint8Array];
}

export type EngineMethod = keyof EngineMethods;
export type EngineArg<M extends EngineMethod> = EngineMethods[M][0];
export type EngineValue<M extends EngineMethod> = EngineMethods[M][1];
