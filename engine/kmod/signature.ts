/**
 * The appended module signature: `<ELF> <signature blob> <struct module_signature> "~Module signature appended~\n"`.
 * Parsed as mod_verify_sig() (kernel/module/signing.c) and mod_check_sig() (kernel/module_signature.c) do.
 */
import { ElfError } from '../elf/errors';
import { hex } from '../base/hex';
import type { ModuleSignatureInfo } from './types';

/** MODULE_SIG_STRING (include/linux/module_signature.h). */
export const MODULE_SIG_STRING = '~Module signature appended~\n';
const MARKER = Uint8Array.from(MODULE_SIG_STRING, (c) => c.charCodeAt(0));
/** sizeof(struct module_signature). */
export const MODULE_SIGNATURE_SIZE = 12;

/** enum pkey_id_type (include/linux/module_signature.h). */
export const PKEY_ID_PGP = 0;
export const PKEY_ID_X509 = 1;
export const PKEY_ID_PKCS7 = 2;

export function idTypeName(idType: number): string {
  switch (idType) {
    case PKEY_ID_PGP:
      return 'PGP';
    case PKEY_ID_X509:
      return 'X.509';
    case PKEY_ID_PKCS7:
      return 'PKCS#7';
    default:
      return `unknown (${idType})`;
  }
}

/** True when the bytes end with MODULE_SIG_STRING. */
export function hasSignatureMarker(bytes: Uint8Array): boolean {
  if (bytes.length < MARKER.length) return false;
  const start = bytes.length - MARKER.length;
  for (let i = 0; i < MARKER.length; i++) if (bytes[start + i] !== MARKER[i]) return false;
  return true;
}

/**
 * Split an appended signature from the ELF image. Without the marker the whole input is the ELF.
 * With it, the struct and sig_len must fit; otherwise BAD_SIGNATURE_TRAILER naming the offset
 * (mod_check_sig() returns -EBADMSG for the same cases).
 */
export function splitSignature(bytes: Uint8Array): { elf: Uint8Array; signature: ModuleSignatureInfo | null } {
  if (!hasSignatureMarker(bytes)) return { elf: bytes, signature: null };
  const markerOffset = bytes.length - MARKER.length;
  const structOffset = markerOffset - MODULE_SIGNATURE_SIZE;
  if (structOffset < 0) {
    throw new ElfError(
      'BAD_SIGNATURE_TRAILER',
      `the signature marker at ${hex(markerOffset)} leaves no room for the 12-byte struct module_signature`,
      0,
      'struct module_signature',
    );
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const algo = dv.getUint8(structOffset);
  const hash = dv.getUint8(structOffset + 1);
  const idType = dv.getUint8(structOffset + 2);
  const signerLen = dv.getUint8(structOffset + 3);
  const keyIdLen = dv.getUint8(structOffset + 4);
  const sigLen = dv.getUint32(structOffset + 8, false); // __be32
  // mod_check_sig(): "if (len < sizeof(*ms) + ...sig_len)" — the blob plus signer/key id must lie inside the file.
  const blobTotal = sigLen + signerLen + keyIdLen;
  if (blobTotal > structOffset) {
    throw new ElfError(
      'BAD_SIGNATURE_TRAILER',
      `sig_len ${hex(sigLen)} (at ${hex(structOffset + 8)}) reaches back past the start of the file: only ${hex(structOffset)} bytes precede the ` +
        `struct module_signature`,
      structOffset + 8,
      'module_signature.sig_len',
    );
  }
  const signatureOffset = structOffset - sigLen;
  const elfLength = structOffset - blobTotal;
  const name = idTypeName(idType);
  const description =
    idType === PKEY_ID_PKCS7
      ? `${name} signature of ${sigLen} bytes at ${hex(signatureOffset)}; the ELF image is the first ${elfLength} bytes`
      : `${name} signature (the 6.1 kernel accepts only PKCS#7, id_type 2) of ${sigLen} bytes at ${hex(signatureOffset)}`;
  return {
    elf: bytes.subarray(0, elfLength),
    signature: {
      algo,
      hash,
      idType,
      idTypeName: name,
      signerLen,
      keyIdLen,
      sigLen,
      elfLength,
      signatureOffset,
      signatureLength: sigLen,
      structOffset,
      markerOffset,
      description,
    },
  };
}
