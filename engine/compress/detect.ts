/**
 * Compression formats kmod accepts for modules (libkmod-file.c: load_xz / load_zstd / load_zlib),
 * recognised by magic bytes as kmod does.
 */
export type Compression = 'xz' | 'zstd' | 'gzip';

/** FD 37 7A 58 5A 00 — xz stream header magic. */
const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
/** 28 B5 2F FD — zstd frame magic (0xFD2FB528 little-endian). */
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** 1F 8B — gzip member magic. */
const GZIP_MAGIC = [0x1f, 0x8b];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

export function detectCompression(bytes: Uint8Array): Compression | null {
  if (startsWith(bytes, XZ_MAGIC)) return 'xz';
  if (startsWith(bytes, ZSTD_MAGIC)) return 'zstd';
  if (startsWith(bytes, GZIP_MAGIC)) return 'gzip';
  return null;
}
