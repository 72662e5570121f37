/**
 * engine/elf: Uint8Array → ElfFile. The public surface: readElf, the data types,
 * ElfError, the readelf-compatible name tables and small helpers.
 */
export { readElf, type ReadElfOptions } from './reader';
export type * from './types';
export { ElfError, elfErrorInfo, isElfError } from './errors';
export * from './constants';
export { relocOffset, relocOffsetNumber, relocAddend, relocAddendNumber } from './relocations';
export { sectionFlagsString, sectionBytes, findSection, noteDesc, symbolNdx } from './helpers';
export { decodeUtf8 } from './strings';
export { readRelocListing, type RelocListing } from './reader';
export { readelfRelocText, type RelocTextOptions } from './reloc-text';
export { X86_64_RELOC_RULES, x86RelocRule, type RelocRule } from './x86-64-relocations';
