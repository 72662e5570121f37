/**
 * What x509_key_preparse() (crypto/asymmetric_keys/x509_public_key.c, 6.1) makes of a DER certificate handed to
 * key_create_or_update(…, "asymmetric", NULL, cert, …): the key's description, "<name>: <id>", where the name
 * is x509_fabricate_name()'s (x509_cert_parser.c: the subject's CN, its O, or "O: CN" when the CN does not start
 * with the O or with 7 of its characters; else the email address) and the id the hex of the subjectKeyIdentifier
 * extension, or of the serial number's INTEGER bytes when there is none. A self-signed certificate's signature is
 * checked (x509_check_for_self_signed()): a bad one is -EKEYREJECTED.
 */
import {
  children,
  content,
  DerError,
  encoding,
  expectTlv,
  oid,
  parseX509,
  rsaPkcs1Verify,
  sameBytes,
  SHA256_DIGEST_INFO,
  sha256,
  TAG_BIT_STRING,
  TAG_CONTEXT_0,
  TAG_CONTEXT_3,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
  type Tlv,
} from '../../asymmetric-keys/index';

const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';
const OID_EMAIL = '1.2.840.113549.1.9.1';
const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

export type X509KeyResult = { description: string } | { error: 'EBADMSG' | 'EKEYREJECTED'; why: string } | { notModelled: string };

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/** x509_fabricate_name(): from the last CN, O and email attributes of the Name (their value bytes as they are). */
function fabricateName(name: Tlv): string {
  let cn: Uint8Array | null = null;
  let o: Uint8Array | null = null;
  let email: Uint8Array | null = null;
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (!type || !value) continue;
      const id = oid(type);
      if (id === OID_COMMON_NAME) cn = content(value);
      else if (id === OID_ORGANIZATION) o = content(value);
      else if (id === OID_EMAIL) email = content(value);
    }
  }
  if (cn && cn.length && o && o.length) {
    const prefixed = (n: number): boolean => sameBytes(cn.subarray(0, n), o.subarray(0, n));
    if ((cn.length >= o.length && prefixed(o.length)) || (cn.length >= 7 && o.length >= 7 && prefixed(7))) return latin1(cn);
    return `${latin1(o)}: ${latin1(cn)}`;
  }
  if (cn && cn.length) return latin1(cn);
  if (o && o.length) return latin1(o);
  return email ? latin1(email) : '';
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function x509KeyDescription(der: Uint8Array): X509KeyResult {
  try {
    const cert = expectTlv(der, 0, TAG_SEQUENCE, 'Certificate');
    const [tbs, sigAlg, sigBits] = children(cert);
    const f = children(tbs);
    const i = f[0]?.tag === TAG_CONTEXT_0 ? 1 : 0;
    const [serial, , issuer, , subject] = f.slice(i, i + 5);
    let skid: Uint8Array | null = null;
    const exts = f.find((t) => t.tag === TAG_CONTEXT_3);
    if (exts) {
      for (const ext of children(children(exts)[0])) {
        const parts = children(ext);
        if (oid(parts[0]) !== OID_SUBJECT_KEY_ID) continue;
        const value = parts[parts.length - 1];
        skid = content(expectTlv(der, value.contentStart, TAG_OCTET_STRING, 'subjectKeyIdentifier', value.end));
      }
    }
    const description = `${fabricateName(subject)}: ${hex(skid ?? content(serial))}`;
    if (!sameBytes(encoding(subject), encoding(issuer))) return { description };
    // Self-signed: public_key_verify_signature() over the tbsCertificate's encoding.
    const algorithm = oid(children(sigAlg)[0]);
    if (algorithm !== OID_SHA256_WITH_RSA || sigBits.tag !== TAG_BIT_STRING) {
      return { notModelled: `the self-signature check with ${algorithm}` };
    }
    const key = parseX509(der);
    const failure = rsaPkcs1Verify(key, content(sigBits).subarray(1), SHA256_DIGEST_INFO, sha256(encoding(tbs)));
    return failure === null ? { description } : { error: 'EKEYREJECTED', why: `self-signature: ${failure}` };
  } catch (e) {
    if (e instanceof DerError) return { error: 'EBADMSG', why: e.message };
    if (e instanceof TypeError) return { error: 'EBADMSG', why: 'the certificate lacks a part x509_cert_parse() needs' };
    throw e;
  }
}
