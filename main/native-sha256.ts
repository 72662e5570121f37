/** Node's native SHA-256 for the engine's module-signature check (engine/asymmetric-keys/sha256.ts): same digest, native speed. */
import { createHash } from 'node:crypto';
import { useSha256 } from '../engine/asymmetric-keys/index';

export function installNativeSha256(): void {
  useSha256((bytes) => {
    const d = createHash('sha256').update(bytes).digest();
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  });
}
