import type { ModuleOverview, ProgressEvent } from '../api-types';
import { decompress, detectCompression } from '../compress/index';
import { readElf } from '../elf/index';
import type { ElfFile } from '../elf/types';
import { readModuleFacts, splitSignature } from '../kmod/index';
import type { ModuleFacts } from '../kmod/types';
import { buildOverview } from './overview';

/** One opened module: the bytes as given (decompressed), the parsed ELF, its facts, and the overview sent to views. */
export interface OpenedModule {
  id: string;
  name: string;
  /** The whole file after decompression, signature included (the hex view shows it all). */
  fileBytes: Uint8Array;
  elf: ElfFile;
  facts: ModuleFacts;
  overview: ModuleOverview;
  /** Per symbol table index: section name for section symbols (readelf shows those by section name). */
  sectionNames: string[];
}

/**
 * Open a module file: decompress (.ko.xz/.zst/.gz, as distributions ship them), strip the appended
 * signature exactly as module_sig_check() does (kernel/module/signing.c), read the ELF, read the facts.
 * Throws ElfError on bad input; nothing is kept unless all of this succeeds.
 */
export async function openModule(id: string, name: string, raw: Uint8Array, onProgress?: (p: ProgressEvent) => void): Promise<OpenedModule> {
  const compression = detectCompression(raw);
  const fileBytes = compression ? await decompress(raw, (done, total) => onProgress?.({ stage: 'decompress', done, total })) : raw;
  onProgress?.({ stage: 'parse', done: 0, total: fileBytes.length });
  const { elf: elfBytes, signature } = splitSignature(fileBytes);
  const elf = readElf(elfBytes);
  const facts = readModuleFacts(elf, signature);
  const sectionNames = elf.sections.map((s) => s.name);
  const overview = buildOverview(id, name, fileBytes.length, compression, elf, facts);
  onProgress?.({ stage: 'parse', done: fileBytes.length, total: fileBytes.length });
  return { id, name, fileBytes, elf, facts, overview, sectionNames };
}
