/**
 * Just enough DER to show what kmod 30's modinfo shows for a PKCS#7 module signature
 * (libkmod-signature.c with OpenSSL): the first SignerInfo's issuer common name ("signer"),
 * its serial number ("sig_key", as BN_bn2bin gives it: no leading zero bytes), the digest
 * algorithm ("sig_hashalgo") and the encrypted digest ("signature").
 */
import { decodeUtf8 } from '../elf/strings';

interface Tlv {
  tag: number;
  start: number;
  /** Content bounds. */
  body: number;
  end: number;
}

function readTlv(b: Uint8Array, at: number, limit: number): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = b[at];
  let len = b[at + 1];
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || body + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[body + i];
    body += n;
  }
  if (body + len > limit) return null;
  return { tag, start: at, body, end: body + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let at = t.body;
  while (at < t.end) {
    const c = readTlv(b, at, t.end);
    if (!c) break;
    out.push(c);
    at = c.end;
  }
  return out;
}

function oid(b: Uint8Array, t: Tlv): string {
  return Array.from(b.subarray(t.body, t.end), (x) => x.toString(16).padStart(2, '0')).join('');
}

const CN = '550403';
/** pkey_hash_algo names (crypto/hash_info.c) by DER OID. */
const HASHES: Record<string, string> = {
  '2b0e03021a': 'sha1',
  '608648016503040201': 'sha256',
  '608648016503040202': 'sha384',
  '608648016503040203': 'sha512',
  '608648016503040204': 'sha224',
  '2a864886f70d0205': 'md5',
};

export interface Pkcs7Signer {
  signer: string;
  keyId: Uint8Array;
  hashAlgo: string;
  signature: Uint8Array;
}

export function parsePkcs7Signer(b: Uint8Array): Pkcs7Signer | null {
  const top = readTlv(b, 0, b.length);
  if (!top || top.tag !== 0x30) return null;
  const ci = children(b, top);
  if (ci.length < 2 || ci[1].tag !== 0xa0) return null;
  const sdSeq = children(b, ci[1])[0];
  if (!sdSeq || sdSeq.tag !== 0x30) return null;
  const sd = children(b, sdSeq);
  const signerInfos = sd.filter((t) => t.tag === 0x31).pop();
  if (!signerInfos) return null;
  const si = children(b, signerInfos)[0];
  if (!si) return null;
  const f = children(b, si);
  // version, issuerAndSerialNumber (or [0] subjectKeyIdentifier), digestAlgorithm, [0] attrs?, digestEncryptionAlgorithm, encryptedDigest
  const ias = f[1];
  if (!ias) return null;
  let signer = '';
  let keyId = new Uint8Array();
  if (ias.tag === 0x30) {
    const [issuer, serial] = children(b, ias);
    if (!issuer || !serial) return null;
    for (const rdn of children(b, issuer)) {
      for (const atv of children(b, rdn)) {
        const [type, value] = children(b, atv);
        if (type && value && oid(b, type) === CN) signer = decodeUtf8(b, value.body, value.end);
      }
    }
    let s = serial.body;
    while (s < serial.end - 1 && b[s] === 0) s++;
    keyId = b.slice(s, serial.end);
  } else if (ias.tag === 0x80 || ias.tag === 0xa0) {
    keyId = b.slice(ias.body, ias.end);
  }
  const digestAlg = f[2] ? children(b, f[2])[0] : undefined;
  const hashAlgo = digestAlg ? (HASHES[oid(b, digestAlg)] ?? 'unknown') : 'unknown';
  const digest = f.filter((t) => t.tag === 0x04).pop();
  if (!digest) return null;
  return { signer, keyId, hashAlgo, signature: b.slice(digest.body, digest.end) };
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
