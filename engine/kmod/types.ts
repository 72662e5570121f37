/**
 * Facts about a kernel module, read from its ELF image. Pure, serialisable data:
 * 64-bit values are bigint here; the API layer turns them into "0x…" strings.
 */
import type { ElfErrorInfo } from '../elf/types';

/** The trailer `mod_verify_sig()` (kernel/module/signing.c) strips and checks. */
export interface ModuleSignatureInfo {
  /** struct module_signature fields (include/linux/module_signature.h). */
  algo: number;
  hash: number;
  idType: number;
  /** "PKCS#7", "PGP", "X.509" or "unknown (n)". */
  idTypeName: string;
  signerLen: number;
  keyIdLen: number;
  /** __be32 sig_len: length of the PKCS#7 blob. */
  sigLen: number;
  /** Bytes before the signature: the ELF image proper. */
  elfLength: number;
  /** File offset and length of the PKCS#7 (or other) signature blob. */
  signatureOffset: number;
  signatureLength: number;
  /** File offset of the 12-byte struct module_signature. */
  structOffset: number;
  /** File offset of the "~Module signature appended~\n" marker. */
  markerOffset: number;
  /** One plain sentence. */
  description: string;
}

export interface ModinfoEntry {
  key: string;
  value: string;
  /** File offset of the first byte of "key=value". */
  offset: number;
}

export interface VersionEntry {
  name: string;
  crc: bigint;
  /** File offset of the struct modversion_info. */
  offset: number;
}

export interface ExportEntry {
  /** The exported name (from __ksymtab_strings). */
  name: string;
  /** The symbol the value_offset relocation points at (usually the same as name). */
  symbol: string;
  gplOnly: boolean;
  /** Symbol namespace ("" when none). */
  namespace: string;
  /** From __kcrctab / __kcrctab_gpl when the module was built with modversions. */
  crc?: bigint;
  /** File offset of the struct kernel_symbol. */
  offset: number;
}

export type ParamType =
  | 'byte'
  | 'short'
  | 'ushort'
  | 'int'
  | 'uint'
  | 'long'
  | 'ulong'
  | 'ullong'
  | 'hexint'
  | 'charp'
  | 'bool'
  | 'invbool'
  | 'bint'
  | 'bool_enable_only'
  | 'array'
  | 'string'
  /** A module's own kernel_param_ops (e.g. param_ops_xint); modinfoType says what it parses. */
  | 'custom';

export interface ParamArrayInfo {
  max: number;
  elemsize: number;
  /** Element type from kparam_array.ops. */
  elementType: ParamType;
  elementOps: string | null;
  /** The variable that receives the element count (kparam_array.num), if any. */
  numVariable: string | null;
  /** The array variable (kparam_array.elem). */
  elemVariable: string | null;
}

export interface ParamEntry {
  name: string;
  type: ParamType;
  /** The kernel_param_ops symbol, e.g. "param_ops_int". */
  ops: string | null;
  perm: number;
  level: number;
  flags: number;
  /** The variable symbol that kernel_param.arg points at (for arrays/strings: the kparam_* struct). */
  variable: string | null;
  /** From .modinfo "parm=name:desc". */
  description: string;
  /** From .modinfo "parmtype=name:type". */
  modinfoType: string | null;
  array?: ParamArrayInfo;
  /** For module_param_string: the buffer size (kparam_string.maxlen). */
  stringMaxLen?: number;
  /** File offset of the struct kernel_param. */
  offset: number;
}

export interface ThisModuleFacts {
  /** struct module.name (char[56] at +0x18). */
  name: string;
  /** Symbol the .init pointer is relocated against (e.g. "init_module"), or null. */
  init: string | null;
  exit: string | null;
  /** Size of .gnu.linkonce.this_module (0x380 on Debian 6.1). */
  size: number;
  /** File offset of the section. */
  offset: number;
}

export interface ImportEntry {
  name: string;
  /** Matching __versions CRC if any. */
  crc?: bigint;
}

export interface ModuleFacts {
  machine: number;
  machineOk: boolean;
  relocatable: boolean;
  modinfo: ModinfoEntry[];
  name: string | null;
  vermagic: string | null;
  license: string | null;
  gplCompatible: boolean;
  depends: string[];
  versions: VersionEntry[];
  exports: ExportEntry[];
  params: ParamEntry[];
  thisModule: ThisModuleFacts | null;
  imports: ImportEntry[];
  signature: ModuleSignatureInfo | null;
  /** Problems that did not stop reading the other facts. */
  diagnostics: ElfErrorInfo[];
}
