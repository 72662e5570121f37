/**
 * A strict DER reader: the subset of ASN.1 that X.509 certificates and PKCS#7 module signatures use.
 * The kernel decodes the same structures with its generated ASN.1 decoders (lib/asn1_decoder.c on
 * crypto/asymmetric_keys/pkcs7.asn1 and x509.asn1); a malformed encoding there is -EBADMSG, here a
 * DerError naming the byte offset.
 */

/** A problem in DER bytes, with the offset (from the start of the parsed blob) where it was found. */
export class DerError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'DerError';
    this.offset = offset;
  }
}

/** One tag-length-value: the tag byte, where its header and content lie in `bytes`. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;
/** [0] constructed, context-specific: PKCS#7's content, X.509's version, SignerInfo's authenticatedAttributes are [0] IMPLICIT. */
export const TAG_CONTEXT_0 = 0xa0;
export const TAG_CONTEXT_1 = 0xa1;
export const TAG_CONTEXT_3 = 0xa3;

/** Read the TLV at `at`; it must end by `limit`. Only single-byte tags and definite lengths (DER). */
export function readTlv(bytes: Uint8Array, at: number, limit = bytes.length): Tlv {
  if (at + 2 > limit) throw new DerError(`DER: a tag and length need 2 bytes at 0x${at.toString(16)}, only ${limit - at} left`, at);
  const tag = bytes[at];
  if ((tag & 0x1f) === 0x1f) throw new DerError(`DER: multi-byte tag 0x${tag.toString(16)} at 0x${at.toString(16)}`, at);
  let len = bytes[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError(`DER: length of ${n === 0 ? 'indefinite form' : `${n} bytes`} at 0x${(at + 1).toString(16)}`, at + 1);
    if (p + n > limit) throw new DerError(`DER: the length at 0x${(at + 1).toString(16)} runs past the end`, at + 1);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[p + i];
    p += n;
  }
  if (p + len > limit) {
    throw new DerError(`DER: element 0x${tag.toString(16)} at 0x${at.toString(16)} claims ${len} bytes, only ${limit - p} remain`, at);
  }
  return { tag, start: at, contentStart: p, end: p + len, bytes };
}

/** Read a TLV and insist on its tag. */
export function expectTlv(bytes: Uint8Array, at: number, tag: number, what: string, limit = bytes.length): Tlv {
  const t = readTlv(bytes, at, limit);
  if (t.tag !== tag) {
    throw new DerError(`DER: expected ${what} (tag 0x${tag.toString(16)}) at 0x${at.toString(16)}, found tag 0x${t.tag.toString(16)}`, at);
  }
  return t;
}

/** The children of a constructed TLV, in order. */
export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.contentStart; p < t.end;) {
    const c = readTlv(t.bytes, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function content(t: Tlv): Uint8Array {
  return t.bytes.subarray(t.contentStart, t.end);
}

/** The whole encoding (header + content), e.g. an issuer Name compared byte for byte. */
export function encoding(t: Tlv): Uint8Array {
  return t.bytes.subarray(t.start, t.end);
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oid(t: Tlv): string {
  if (t.tag !== TAG_OID) throw new DerError(`DER: expected an OBJECT IDENTIFIER at 0x${t.start.toString(16)}`, t.start);
  const b = content(t);
  if (b.length === 0) throw new DerError(`DER: empty OBJECT IDENTIFIER at 0x${t.start.toString(16)}`, t.start);
  const parts: number[] = [Math.min(2, Math.floor(b[0] / 40)), b[0] - 40 * Math.min(2, Math.floor(b[0] / 40))];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** An unsigned big-endian integer (INTEGER content or raw bytes) as a bigint. */
export function toBigInt(b: Uint8Array): bigint {
  // Through hex text: shifting in a byte at a time made a new (up to 4096-bit) BigInt per byte.
  let hex = '0x0';
  for (let i = 0; i < b.length; i++) hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return BigInt(hex);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
