/**
 * SHA-256, as pkcs7_digest() (crypto/asymmetric_keys/pkcs7_verify.c) computes it over the module image.
 * The engine's own is @noble/hashes (pure TypeScript, every host). A host with a native digest (Node's
 * crypto in the CLI and Electron's main process) installs it here: same bytes out, about 20× faster
 * on amdgpu's 19 MB, where the signature check was the largest single cost of loading it.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';

export type Sha256 = (bytes: Uint8Array) => Uint8Array;

let impl: Sha256 = nobleSha256;

export function sha256(bytes: Uint8Array): Uint8Array {
  return impl(bytes);
}

/** Install a host's native SHA-256 (null: back to the engine's own). */
export function useSha256(fn: Sha256 | null): void {
  impl = fn ?? nobleSha256;
}
