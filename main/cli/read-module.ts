/**
 * Read a module file for `modscope relocs` without opening an engine session: the lazy
 * relocation listing of engine/elf (no module facts, no overview, no symbol objects).
 * Compressed modules are decompressed as the engine's open does (.ko.xz/.zst/.gz), and an
 * appended signature is split off first (kernel/module/signing.c: module_sig_check()).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
// The one deep import outside the engine (ARCHITECTURE.md, Borders): `modscope relocs` (out/cli/relocs.mjs) starts
// against readelf (npm run bench, d), so it loads these four files and not their folders' index.ts; the decompressors
// stay a lazy chunk below.
/* eslint-disable no-restricted-imports */
import { detectCompression } from '../../engine/compress/detect';
import { isElfError } from '../../engine/elf/errors';
import { readRelocListing, type RelocListing } from '../../engine/elf/reader';
import { relocListingBuffer } from '../../engine/elf/reloc-text';
import { splitSignature } from '../../engine/kmod/signature';
import { SHT_NOBITS, SHT_PROGBITS, SHT_REL, SHT_RELA } from '../../engine/elf/constants';
/* eslint-enable no-restricted-imports */
import { CliError } from './errors';

function readAt(fd: number, buf: Uint8Array, offset: number, length: number): void {
  readInto(fd, buf.subarray(offset, offset + length), offset);
}

/** Fill dest from the file at `position` (what the file lacks stays as it is). */
function readInto(fd: number, dest: Uint8Array, position: number): void {
  for (let done = 0; done < dest.length;) {
    const n = readSync(fd, dest, done, dest.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
}

/**
 * The file's bytes, with the contents of SHT_PROGBITS sections (code and data: most of a
 * module, and nothing `readelf -r` reads) and of relocation sections (read a part at a time
 * while listing: RelocTextOptions.load) left as zeros: touching 19 MB of fresh memory is a
 * good part of the run on amdgpu.ko. Anything that does not look like a plain ELF with a
 * sane section table is read whole (sparse: false), and the engine then reports what is
 * wrong with it.
 */
function readForRelocs(fd: number, size: number): { bytes: Uint8Array; sparse: boolean } {
  // Fresh zero pages (untouched until read into), inside the relocation writer's WebAssembly
  // memory: it then reads the entries, symbols and names where they are, no copies.
  const buf = relocListingBuffer(size);
  const whole = (): { bytes: Uint8Array; sparse: boolean } => {
    readAt(fd, buf, 0, size);
    return { bytes: buf, sparse: false };
  };
  if (size < 1 << 20) return whole();
  readAt(fd, buf, 0, 64);
  if (buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46) return whole();
  const is64 = buf[4] === 2;
  const little = buf[5] === 1;
  if ((buf[4] !== 1 && !is64) || (buf[5] !== 1 && buf[5] !== 2)) return whole();
  const dv = new DataView(buf.buffer, buf.byteOffset, size);
  const shoff = is64 ? Number(dv.getBigUint64(0x28, little)) : dv.getUint32(0x20, little);
  const shentsize = dv.getUint16(is64 ? 0x3a : 0x2e, little);
  const shnum = dv.getUint16(is64 ? 0x3c : 0x30, little);
  const shstrndx = dv.getUint16(is64 ? 0x3e : 0x32, little);
  if (shnum === 0 || shentsize !== (is64 ? 64 : 40) || !(shoff + shnum * shentsize <= size)) return whole();
  readAt(fd, buf, shoff, shnum * shentsize);
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * shentsize;
    const type = dv.getUint32(h + 4, little);
    if ((type === SHT_PROGBITS || type === SHT_NOBITS || type === SHT_RELA || type === SHT_REL) && i !== shstrndx) continue;
    const off = is64 ? Number(dv.getBigUint64(h + 24, little)) : dv.getUint32(h + 16, little);
    const len = is64 ? Number(dv.getBigUint64(h + 32, little)) : dv.getUint32(h + 20, little);
    if (off < size && len > 0) readAt(fd, buf, off, Math.min(len, size - off));
  }
  readAt(fd, buf, size - 4096, 4096); // an appended signature's trailer (module_signature + marker)
  return { bytes: buf, sparse: true };
}

/** A module read for listing: `load` reads what the sparse read left out; close when done. */
export interface ModuleListing {
  elf: RelocListing;
  load: ((offset: number, dest: Uint8Array) => void) | undefined;
  close(): void;
}

/** Read, decompress, strip the signature and list; ELF problems become CliError with their offset. */
export async function readModuleListing(file: string): Promise<ModuleListing> {
  let bytes: Uint8Array;
  let sparse: boolean;
  let fd: number;
  try {
    fd = openSync(file, 'r');
    try {
      ({ bytes, sparse } = readForRelocs(fd, fstatSync(fd).size));
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CliError(err.code ?? 'EIO', `cannot read ${file}: ${err.message.replace(/^[A-Z]+: /, '')}`);
  }
  const opened = fd;
  const close = (): void => closeSync(opened);
  try {
    if (detectCompression(bytes)) {
      // Loaded only for compressed modules: the decompressors are most of the bundle's weight.
      const { decompress } = await import('../../engine/compress/decompress');
      bytes = await decompress(bytes);
    }
    const elf = readRelocListing(splitSignature(bytes).elf);
    return { elf, load: sparse ? (offset, dest) => readInto(opened, dest, offset) : undefined, close };
  } catch (e) {
    close();
    if (isElfError(e)) throw new CliError(e.code, e.message, e.offset);
    throw e;
  }
}
