/**
 * RSASSA-PKCS1-v1_5 verification as 6.1 does it: the raw RSA operation (crypto/rsa.c, _rsa_enc(),
 * m = s^e mod n) then pkcs1pad_verify_complete() (crypto/rsa-pkcs1pad.c) checks the padding
 * 00 01 FF…FF 00, the DigestInfo prefix for the hash, and the digest. The errno values are the kernel's.
 */
import { toBigInt } from './der';

/** Why a verification failed, each with the errno the kernel's crypto returns for it. */
export type RsaVerifyFailure =
  | 'signature length is not the key size (-EINVAL)'
  | 'signature representative not below n (-EINVAL)'
  | 'no leading zero byte (-EINVAL)'
  | 'padding is not 00 01 FF…FF 00 (-EBADMSG)'
  | 'DigestInfo is not SHA-256 (-EBADMSG)'
  | 'digest differs (-EKEYREJECTED)';

/** DigestInfo DER prefix for SHA-256 (rsa_asn1_templates in crypto/rsa-pkcs1pad.c). */
export const SHA256_DIGEST_INFO = Uint8Array.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
]);

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % mod;
    if (e > 1n) b = (b * b) % mod; // no square after the top bit: a 4096-bit product and division saved
  }
  return r;
}

// Through hex text: a byte at a time (v >>= 8n) made a new 4096-bit BigInt per byte, 512 per conversion.
function toBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const hex = v.toString(16);
  // A value wider than len keeps its low len bytes, as the byte loop did.
  for (let i = len - 1, h = hex.length; i >= 0 && h > 0; i--, h -= 2) out[i] = parseInt(hex.slice(Math.max(0, h - 2), h), 16);
  return out;
}

const moduli = new WeakMap<RsaKey, Uint8Array>();

/** n as key.keyBytes big-endian bytes, made once per key. */
function modulusBytes(key: RsaKey): Uint8Array {
  let b = moduli.get(key);
  if (!b) moduli.set(key, (b = toBytes(key.n, key.keyBytes)));
  return b;
}

/** s < n for two big-endian numbers of the same length. */
function belowModulus(s: Uint8Array, n: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) if (s[i] !== n[i]) return s[i] < n[i];
  return false;
}

export interface RsaKey {
  readonly n: bigint;
  readonly e: bigint;
  readonly keyBytes: number;
}

/**
 * The raw RSA public operation, m = s^e mod n, as key.keyBytes big-endian bytes. The engine's own is BigInt modPow
 * (every host); a host with native RSA (Node's crypto in the CLI and Electron's main process) installs one with
 * useRsaPublic(): same bytes out, called only once s < n is checked. load-all verifies 4,022 signatures: the BigInt
 * 4096-bit products and divisions were a few percent of its time.
 */
export type RsaPublic = (key: RsaKey, signature: Uint8Array) => Uint8Array;

let rsaPublic: RsaPublic | null = null;

/** Install a host's native RSA public operation (null: back to the engine's own). */
export function useRsaPublic(fn: RsaPublic | null): void {
  rsaPublic = fn;
}

/** null when `signature` is a valid PKCS#1 v1.5 signature of `digest`; otherwise why not. */
export function rsaPkcs1Verify(key: RsaKey, signature: Uint8Array, digestInfo: Uint8Array, digest: Uint8Array): RsaVerifyFailure | null {
  // pkcs1pad_verify(): "if (... sig_size != ctx->key_size) return -EINVAL".
  if (signature.length !== key.keyBytes) return 'signature length is not the key size (-EINVAL)';
  // _rsa_enc() → rsa_verify(): "if (mpi_cmp(s, key->n) >= 0) return -EINVAL" (the representative is out of range).
  // Both are keyBytes long, big-endian: compared as bytes (no 4096-bit BigInt made from the signature on the native path).
  if (!belowModulus(signature, modulusBytes(key))) return 'signature representative not below n (-EINVAL)';
  const em = rsaPublic ? rsaPublic(key, signature) : toBytes(modPow(toBigInt(signature), key.e, key.n), key.keyBytes);
  if (em[0] !== 0x00) return 'no leading zero byte (-EINVAL)';
  const padding = 'padding is not 00 01 FF…FF 00 (-EBADMSG)';
  if (em[1] !== 0x01) return padding;
  let pos = 2;
  while (pos < em.length && em[pos] === 0xff) pos++;
  if (pos < 10 || pos === em.length || em[pos] !== 0x00) return padding;
  pos++;
  const info = 'DigestInfo is not SHA-256 (-EBADMSG)';
  if (digestInfo.length > em.length - pos) return info;
  for (let i = 0; i < digestInfo.length; i++) if (em[pos + i] !== digestInfo[i]) return info;
  pos += digestInfo.length;
  if (em.length - pos !== digest.length) return 'digest differs (-EKEYREJECTED)';
  for (let i = 0; i < digest.length; i++) if (em[pos + i] !== digest[i]) return 'digest differs (-EKEYREJECTED)';
  return null;
}
