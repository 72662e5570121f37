/**
 * The parts of an X.509 certificate the kernel's module-signature check uses (x509_cert_parse(),
 * crypto/asymmetric_keys/x509_cert_parser.c): serial and issuer (the key's id, matched against the
 * signer's issuerAndSerialNumber), the subject's common name, and the RSA public key.
 */
import { decodeUtf8 } from '../elf/strings';
import {
  children,
  content,
  DerError,
  expectTlv,
  oid,
  readTlv,
  TAG_BIT_STRING,
  TAG_CONTEXT_0,
  TAG_INTEGER,
  TAG_SEQUENCE,
  toBigInt,
  type Tlv,
} from './der';

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const OID_COMMON_NAME = '2.5.4.3';

export interface X509Certificate {
  /** INTEGER content bytes of serialNumber, as asymmetric_key_generate_id() takes them. */
  readonly serial: Uint8Array;
  /** The issuer Name's content bytes (the SEQUENCE of RDNs without its header). */
  readonly issuer: Uint8Array;
  readonly subjectCN: string;
  readonly issuerCN: string;
  readonly keyAlgorithm: string;
  /** RSA modulus and public exponent (RSAPublicKey inside subjectPublicKeyInfo's BIT STRING). */
  readonly n: bigint;
  readonly e: bigint;
  /** Key size in bytes (the modulus's length without a leading zero). */
  readonly keyBytes: number;
}

/** The first commonName in a Name (SEQUENCE OF SET OF AttributeTypeAndValue), or ''. */
function commonName(name: Tlv): string {
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (type && value && oid(type) === OID_COMMON_NAME) return decodeUtf8(value.bytes, value.contentStart, value.end);
    }
  }
  return '';
}

/** The commonName of a Name given by its content bytes (e.g. a PKCS#7 signer's issuer), or ''. */
export function nameCommonName(nameContent: Uint8Array): string {
  const wrapped = new Uint8Array(nameContent.length + 6);
  wrapped.set([
    TAG_SEQUENCE,
    0x84,
    nameContent.length >>> 24,
    (nameContent.length >>> 16) & 0xff,
    (nameContent.length >>> 8) & 0xff,
    nameContent.length & 0xff,
  ]);
  wrapped.set(nameContent, 6);
  return commonName(readTlv(wrapped, 0));
}

function stripLeadingZero(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

export function parseX509(der: Uint8Array): X509Certificate {
  const cert = expectTlv(der, 0, TAG_SEQUENCE, 'Certificate');
  const tbs = expectTlv(der, cert.contentStart, TAG_SEQUENCE, 'tbsCertificate', cert.end);
  const f = children(tbs);
  let i = 0;
  if (f[i]?.tag === TAG_CONTEXT_0) i++; // [0] EXPLICIT version
  const [serial, , issuer, , subject, spki] = f.slice(i, i + 6);
  if (!serial || serial.tag !== TAG_INTEGER || !issuer || !subject || !spki) {
    throw new DerError(`X.509: tbsCertificate at 0x${tbs.start.toString(16)} lacks serial, issuer, subject or key`, tbs.start);
  }
  const [alg, bits] = children(spki);
  const keyAlgorithm = oid(children(alg)[0]);
  if (bits.tag !== TAG_BIT_STRING) throw new DerError(`X.509: subjectPublicKey at 0x${bits.start.toString(16)} is not a BIT STRING`, bits.start);
  let n = 0n;
  let e = 0n;
  let keyBytes = 0;
  if (keyAlgorithm === OID_RSA_ENCRYPTION) {
    // BIT STRING content: one "unused bits" byte, then RSAPublicKey ::= SEQUENCE { modulus, publicExponent }.
    const key = expectTlv(der, bits.contentStart + 1, TAG_SEQUENCE, 'RSAPublicKey', bits.end);
    const [nT, eT] = children(key);
    const nBytes = stripLeadingZero(content(nT));
    n = toBigInt(nBytes);
    e = toBigInt(content(eT));
    keyBytes = nBytes.length;
  }
  return {
    serial: content(serial),
    issuer: content(issuer),
    subjectCN: commonName(subject),
    issuerCN: commonName(issuer),
    keyAlgorithm,
    n,
    e,
    keyBytes,
  };
}

/** Hex of the serial as modinfo's sig_key prints it ("3D:46:54:…"). */
export function serialHex(serial: Uint8Array): string {
  return Array.from(stripLeadingZero(serial), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}
