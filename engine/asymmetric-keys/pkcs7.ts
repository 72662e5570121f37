/**
 * A module signature's PKCS#7 SignedData, parsed as pkcs7_parse_message() does
 * (crypto/asymmetric_keys/pkcs7_parser.c, grammar pkcs7.asn1). sign-file (scripts/sign-file.c) writes a
 * detached signature: no content, no certificates, one SignerInfo naming its key by issuer and serial,
 * no authenticated attributes.
 */
import {
  children,
  content,
  DerError,
  expectTlv,
  oid,
  TAG_CONTEXT_0,
  TAG_CONTEXT_1,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
  type Tlv,
} from './der';

export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
/** [0] IMPLICIT SubjectKeyIdentifier, primitive. */
const TAG_KEY_ID = 0x80;

export interface Pkcs7SignerInfo {
  /** issuerAndSerialNumber: the issuer Name's content and the serial INTEGER's content (empty with a key id). */
  readonly issuer: Uint8Array;
  readonly serial: Uint8Array;
  /** [0] subjectKeyIdentifier instead of issuerAndSerialNumber (CMS SignerInfo version 3), else empty. */
  readonly subjectKeyId: Uint8Array;
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
  readonly haveAuthattrs: boolean;
}

export interface Pkcs7Message {
  readonly dataType: string;
  readonly certificates: number;
  readonly signers: Pkcs7SignerInfo[];
}

function algorithm(t: Tlv | undefined, what: string): string {
  if (!t || t.tag !== TAG_SEQUENCE) throw new DerError(`PKCS#7: ${what} is not an AlgorithmIdentifier`, t?.start ?? 0);
  return oid(children(t)[0]);
}

function signerInfo(t: Tlv): Pkcs7SignerInfo {
  const f = children(t);
  const [version, sid, digestAlg] = f;
  if (!version || version.tag !== TAG_INTEGER || !sid || (sid.tag !== TAG_SEQUENCE && sid.tag !== TAG_KEY_ID)) {
    throw new DerError(`PKCS#7: SignerInfo at 0x${t.start.toString(16)} lacks version or issuerAndSerialNumber`, t.start);
  }
  const [issuer, serial] = sid.tag === TAG_SEQUENCE ? children(sid) : [];
  if (sid.tag === TAG_SEQUENCE && (!issuer || !serial)) {
    throw new DerError(`PKCS#7: issuerAndSerialNumber at 0x${sid.start.toString(16)} lacks issuer or serial`, sid.start);
  }
  let i = 3;
  const haveAuthattrs = f[i]?.tag === TAG_CONTEXT_0;
  if (haveAuthattrs) i++;
  const sigAlg = f[i++];
  const sig = f[i];
  if (!sig || sig.tag !== TAG_OCTET_STRING) throw new DerError(`PKCS#7: SignerInfo at 0x${t.start.toString(16)} has no encryptedDigest`, t.start);
  return {
    issuer: issuer ? content(issuer) : new Uint8Array(),
    serial: serial ? content(serial) : new Uint8Array(),
    subjectKeyId: sid.tag === TAG_KEY_ID ? content(sid) : new Uint8Array(),
    digestAlgorithm: algorithm(digestAlg, 'digestAlgorithm'),
    signatureAlgorithm: algorithm(sigAlg, 'digestEncryptionAlgorithm'),
    signature: content(sig),
    haveAuthattrs,
  };
}

export function parsePkcs7(der: Uint8Array): Pkcs7Message {
  const ci = expectTlv(der, 0, TAG_SEQUENCE, 'ContentInfo');
  const [type, explicit] = children(ci);
  if (!type || oid(type) !== OID_SIGNED_DATA) throw new DerError('PKCS#7: content type is not signedData', type?.start ?? 0);
  if (!explicit || explicit.tag !== TAG_CONTEXT_0) throw new DerError('PKCS#7: signedData has no [0] content', ci.contentStart);
  const sd = expectTlv(der, explicit.contentStart, TAG_SEQUENCE, 'SignedData', explicit.end);
  const f = children(sd);
  // version, digestAlgorithms SET, contentInfo, [0] certificates?, [1] crls?, signerInfos SET
  const contentInfo = f[2];
  if (!contentInfo) throw new DerError(`PKCS#7: SignedData at 0x${sd.start.toString(16)} has no contentInfo`, sd.start);
  const dataType = oid(children(contentInfo)[0]);
  let i = 3;
  let certificates = 0;
  if (f[i]?.tag === TAG_CONTEXT_0) certificates = children(f[i++]).length;
  if (f[i]?.tag === TAG_CONTEXT_1) i++;
  const infos = f[i];
  if (!infos) throw new DerError(`PKCS#7: SignedData at 0x${sd.start.toString(16)} has no signerInfos`, sd.start);
  const signers = children(infos).map(signerInfo);
  if (signers.length === 0) throw new DerError(`PKCS#7: no SignerInfo at 0x${infos.start.toString(16)}`, infos.start);
  return { dataType, certificates, signers };
}
