/**
 * Node's native SHA-256 for the engine's module-signature check (engine/asymmetric-keys/sha256.ts): same digest, native
 * speed. A digest may also be made ahead, off this thread (load-all's file feed: main/file-feed.ts), of bytes as they
 * were read: the engine's sha256() gets it when it asks for exactly those bytes ([0, length) of that buffer), once.
 * load-all hands the file's buffer to the kernel's temporary copy, and load_module() checks the signature before
 * anything writes there (module_sig_check() is its first step, kernel/module/main.c), so the bytes asked for are the
 * bytes digested. (`load` digesting amdgpu ahead on libuv's thread pool was measured slower: WebCrypto copies the
 * 19 MB input, +19 MB RSS, and the two cores were busy anyway.)
 */
import { createHash } from 'node:crypto';
import { useSha256 } from '../engine/asymmetric-keys/index';

const known = new WeakMap<ArrayBuffer, { length: number; digest: Uint8Array }>();

/** Remember the digest of [0, length) of `buffer`, made elsewhere from these very bytes. */
export function rememberDigest(buffer: ArrayBuffer, length: number, digest: Uint8Array): void {
  known.set(buffer, { length, digest });
}

/** The remembered digest of exactly these bytes, once; else null. */
export function knownDigest(bytes: Uint8Array): Uint8Array | null {
  const buffer = bytes.buffer;
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0) return null;
  const d = known.get(buffer);
  if (!d || d.length !== bytes.length) return null;
  known.delete(buffer);
  return d.digest;
}

export function installNativeSha256(): void {
  useSha256((bytes) => {
    const d = knownDigest(bytes) ?? createHash('sha256').update(bytes).digest();
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  });
}
