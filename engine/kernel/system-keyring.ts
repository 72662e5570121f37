/**
 * The kernel's keyrings as a module signature sees them (certs/system_keyring.c): the builtin keyring
 * holds the certificates of system_certificate_list (builtin-keys.ts); the secondary keyring
 * (CONFIG_SECONDARY_TRUSTED_KEYRING, VERIFY_USE_SECONDARY_KEYRING) links to it and nothing was added at
 * runtime; the platform keyring (CONFIG_INTEGRITY_PLATFORM_KEYRING) holds UEFI db keys, and the modelled
 * machine boots SeaBIOS, so it is empty.
 */
import { parseX509, type X509Certificate } from '../asymmetric-keys';
import { BUILTIN_KEYS } from './builtin-keys';

function fromHex(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

let parsed: X509Certificate[] | null = null;

/** The builtin trusted keys, parsed once. */
export function builtinTrustedKeys(): readonly X509Certificate[] {
  parsed ??= BUILTIN_KEYS.map((k) => parseX509(fromHex(k.der)));
  return parsed;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * find_asymmetric_key() by the signer's issuerAndSerialNumber (asymmetric_key_generate_id(serial, issuer),
 * crypto/asymmetric_keys/asymmetric_type.c), as pkcs7_validate_trust_one() looks it up.
 */
export function findTrustedKey(issuer: Uint8Array, serial: Uint8Array): X509Certificate | null {
  return builtinTrustedKeys().find((c) => same(c.issuer, issuer) && same(c.serial, serial)) ?? null;
}
