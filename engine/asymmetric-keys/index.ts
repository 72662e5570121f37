/** After crypto/asymmetric_keys/: what a module-signature check needs: DER, X.509, PKCS#7, RSA PKCS#1 v1.5, SHA-256. */
export {
  children,
  content,
  DerError,
  encoding,
  expectTlv,
  oid,
  sameBytes,
  TAG_BIT_STRING,
  TAG_CONTEXT_0,
  TAG_CONTEXT_3,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
  type Tlv,
} from './der';
export { nameCommonName, parseX509, serialHex, type X509Certificate, OID_RSA_ENCRYPTION } from './x509';
export { parsePkcs7, type Pkcs7Message, type Pkcs7SignerInfo, OID_DATA, OID_SHA256 } from './pkcs7';
export { rsaPkcs1Verify, SHA256_DIGEST_INFO, useRsaPublic, type RsaKey, type RsaPublic, type RsaVerifyFailure } from './rsa';
export { sha256, useSha256, type Sha256 } from './sha256';
