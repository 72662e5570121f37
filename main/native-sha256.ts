/**
 * Node's native SHA-256 for the engine's module-signature check (engine/asymmetric-keys/sha256.ts): same digest, native
 * speed. A digest may also be made ahead, off this thread (a worker: main/file-feed.ts; libuv's thread pool:
 * digestAhead()), of bytes as they were read: the engine's sha256() gets it when it asks for exactly those bytes
 * ([0, length) of that buffer), once. The loads that do this hand the file's buffer to the kernel's temporary copy, and
 * load_module() checks the signature before anything writes there (module_sig_check() is its first step,
 * kernel/module/main.c), so the bytes asked for are the bytes digested.
 */
import { createHash, webcrypto } from 'node:crypto';
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

/**
 * Digest [0, length) of `bytes` on libuv's thread pool (WebCrypto copies the input when called, then hashes on another
 * thread) and remember it once made: resolves then. The caller goes on meanwhile; it must yield to the event loop
 * (await this) before the digest is wanted, or the engine hashes on this thread as usual.
 */
export async function digestAhead(bytes: Uint8Array, length: number): Promise<void> {
  const d = await webcrypto.subtle.digest('SHA-256', bytes.subarray(0, length));
  rememberDigest(bytes.buffer as ArrayBuffer, length, new Uint8Array(d));
}

export function installNativeSha256(): void {
  useSha256((bytes) => {
    const d = knownDigest(bytes) ?? createHash('sha256').update(bytes).digest();
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  });
}
