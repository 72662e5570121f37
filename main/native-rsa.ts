/**
 * Node's native RSA public operation for the engine's signature checks (engine/asymmetric-keys/rsa.ts, useRsaPublic):
 * OpenSSL's s^e mod n without padding, the same bytes as the engine's BigInt modPow, about a hundred times faster.
 * The padding and digest are still checked by the engine, as pkcs1pad_verify_complete() does.
 */
import { constants, createPublicKey, publicDecrypt, type KeyObject } from 'node:crypto';
import { useRsaPublic, type RsaKey } from '../engine/asymmetric-keys/index';

const keys = new WeakMap<RsaKey, KeyObject>();

/** A bigint as unpadded big-endian base64url (a JWK member). */
function b64url(v: bigint): string {
  const hex = v.toString(16);
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex').toString('base64url');
}

export function installNativeRsa(): void {
  useRsaPublic((key, signature) => {
    let k = keys.get(key);
    if (!k) {
      k = createPublicKey({ key: { kty: 'RSA', n: b64url(key.n), e: b64url(key.e) }, format: 'jwk' });
      keys.set(key, k);
    }
    // RSA_NO_PADDING: the whole key-size block (leading zeros kept), s < n already checked by the caller.
    const m = publicDecrypt({ key: k, padding: constants.RSA_NO_PADDING }, signature);
    return new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
  });
}
