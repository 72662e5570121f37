/** Entry point of engine/kmod: module facts over a parsed ElfFile, and the appended signature. */
export { splitSignature, hasSignatureMarker, MODULE_SIG_STRING } from './signature';
export { readModuleFacts, readImports, EM_X86_64, ET_REL } from './facts';
export { readModinfo, modinfoValue } from './modinfo';
export { readVersions } from './versions';
export { readExports } from './exports';
export { readParams, paramTypeOfOps } from './params';
export { readThisModule } from './this-module';
export { isGplCompatible, GPL_COMPATIBLE_LICENSES } from './license';
export type * from './types';
