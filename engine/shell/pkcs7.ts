/**
 * Just enough DER to show what kmod 30's modinfo shows for a PKCS#7 module signature
 * (libkmod-signature.c with OpenSSL): the first SignerInfo's issuer common name ("signer"),
 * its serial number ("sig_key", as BN_bn2bin gives it: no leading zero bytes), the digest
 * algorithm ("sig_hashalgo") and the encrypted digest ("signature").
 */
import { DerError, nameCommonName, parsePkcs7 } from '../asymmetric-keys';

/** pkey_hash_algo names (crypto/hash_info.c) by OID. */
const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '1.2.840.113549.2.5': 'md5',
};

export interface Pkcs7Signer {
  signer: string;
  keyId: Uint8Array;
  hashAlgo: string;
  signature: Uint8Array;
}

/** The first SignerInfo as modinfo shows it, or null when the PKCS#7 does not parse (modinfo then shows less). */
export function parsePkcs7Signer(b: Uint8Array): Pkcs7Signer | null {
  let si;
  try {
    si = parsePkcs7(b).signers[0];
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
  let s = 0;
  while (s < si.serial.length - 1 && si.serial[s] === 0) s++;
  return {
    signer: si.issuer.length ? nameCommonName(si.issuer) : '',
    keyId: si.serial.length ? si.serial.slice(s) : si.subjectKeyId.slice(),
    hashAlgo: HASHES[si.digestAlgorithm] ?? 'unknown',
    signature: si.signature.slice(),
  };
}

/** kmod_module_hex_to_str(): "AB:CD:…", a "\n\t\t" after every 20 bytes except at the end. */
export function kmodHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    s += bytes[i].toString(16).toUpperCase().padStart(2, '0');
    if (i < bytes.length - 1) {
      s += ':';
      if ((i + 1) % 20 === 0) s += '\n\t\t';
    }
  }
  return s;
}
