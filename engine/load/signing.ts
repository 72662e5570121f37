/**
 * module_sig_check() (kernel/module/signing.c, 6.1): find the appended signature, strip it, and verify it
 * as mod_verify_sig() → verify_pkcs7_signature() (certs/system_keyring.c) do: parse the PKCS#7, digest the
 * module with SHA-256, find the signer's key in the trusted keyrings by issuer and serial, check the RSA
 * signature. Debian 12 builds with CONFIG_MODULE_SIG=y and without MODULE_SIG_FORCE: an unsigned module, or
 * one whose key is unknown, still loads (and taints E later, in load_module()); a signature that does not
 * match is fatal all the same (-EKEYREJECTED), as is one that cannot be parsed (-EBADMSG).
 */
import { thousands } from '../base/thousands';
import {
  DerError,
  OID_DATA,
  OID_RSA_ENCRYPTION,
  OID_SHA256,
  parsePkcs7,
  rsaPkcs1Verify,
  serialHex,
  sha256,
  SHA256_DIGEST_INFO,
} from '../asymmetric-keys';
import { findTrustedKey } from '../kernel/system-keyring';
import { MODULE_INIT_IGNORE_MODVERSIONS, MODULE_INIT_IGNORE_VERMAGIC } from '../kmod/constants';
import { PKEY_ID_PKCS7, splitSignature } from '../kmod/signature';
import type { ModuleSignatureInfo } from '../kmod/types';
import type { LoadInfo } from './context';
import { EBADMSG, EKEYREJECTED, ENODATA, ENOKEY, ENOMEM, ENOPKG, errnoName } from './errno';

/** What the verification found: the errno mod_verify_sig() returns and why, in the kernel's terms. */
interface Verdict {
  readonly err: number;
  readonly why: string;
}

/**
 * mod_verify_sig() (kernel/module/signing.c) on the ELF image and its trailer. `elf` is the image without
 * the signature (info->len after the cut), `blob` the PKCS#7 bytes.
 */
export function modVerifySig(elf: Uint8Array, signature: ModuleSignatureInfo, blob: Uint8Array): Verdict {
  // mod_check_sig() (kernel/module_signature.c): only PKCS#7, with the other struct fields zero.
  if (signature.idType !== PKEY_ID_PKCS7) {
    return { err: -ENOPKG, why: `id_type ${signature.idType} (${signature.idTypeName}): "not signed with expected PKCS#7 message"` };
  }
  if (signature.algo || signature.hash || signature.signerLen || signature.keyIdLen) {
    return { err: -EBADMSG, why: 'struct module_signature has a non-zero algo, hash, signer_len or key_id_len' };
  }
  let msg;
  try {
    msg = parsePkcs7(blob);
  } catch (e) {
    if (e instanceof DerError) {
      return {
        err: -EBADMSG,
        why: `pkcs7_parse_message(): ${e.message} (byte 0x${(signature.signatureOffset + e.offset).toString(16)} of the file)`,
      };
    }
    throw e;
  }
  // pkcs7_verify() (crypto/asymmetric_keys/pkcs7_verify.c), case VERIFYING_MODULE_SIGNATURE.
  if (msg.dataType !== OID_DATA) return { err: -EKEYREJECTED, why: '"Invalid module sig (not pkcs7-data)"' };
  const signer = msg.signers[0];
  if (msg.signers.some((s) => s.haveAuthattrs)) return { err: -EKEYREJECTED, why: '"Invalid module sig (has authattrs)"' };
  // pkcs7_digest(): Debian signs with CONFIG_MODULE_SIG_HASH="sha256"; Modscope digests SHA-256 only.
  if (signer.digestAlgorithm !== OID_SHA256 || signer.signatureAlgorithm !== OID_RSA_ENCRYPTION) {
    return { err: -ENOPKG, why: `digest ${signer.digestAlgorithm} / key ${signer.signatureAlgorithm}: Modscope models SHA-256 with RSA only` };
  }
  const digest = sha256(elf);
  // pkcs7_validate_trust_one() (pkcs7_trust.c): the message carries no certificates, so the signer's key is
  // looked up in the secondary keyring (which links the builtin one), then in the empty platform keyring.
  const key = findTrustedKey(signer.issuer, signer.serial);
  if (!key) return { err: -ENOKEY, why: `no trusted key has serial ${serialHex(signer.serial)}: "PKCS#7 signature not signed with a trusted key"` };
  const failure = rsaPkcs1Verify(key, signer.signature, SHA256_DIGEST_INFO, digest);
  // pkcs7_validate_trust_one(): any verify_signature() failure but -ENOMEM becomes -EKEYREJECTED.
  if (failure) return { err: -EKEYREJECTED, why: `RSA check against "${key.subjectCN}" failed: ${failure}` };
  return {
    err: 0,
    why: `SHA-256 of the ${thousands(elf.length)}-byte image matches the RSA-${key.keyBytes * 8} signature of "${key.subjectCN}"`,
  };
}

export function moduleSigCheck(info: LoadInfo): number {
  const { rec } = info;
  const image = (info.k.memory.live(info.tempBase)?.bytes ?? new Uint8Array()).subarray(0, info.imageLength);
  // "mangled": insmod --force stripped version information, so the signature cannot match.
  const mangled = (info.flags & (MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC)) !== 0;
  const { elf, signature } = mangled ? { elf: image, signature: null } : splitSignature(image);
  info.elfBytes = elf;
  info.signature = signature;
  const verdict: Verdict = signature
    ? (sigParseFault(info, signature) ??
      modVerifySig(elf, signature, image.subarray(signature.signatureOffset, signature.signatureOffset + signature.sigLen)))
    : { err: -ENODATA, why: 'no "~Module signature appended~" marker' };
  info.sigOk = verdict.err === 0;
  const found = signature
    ? `The file ends with "~Module signature appended~": ${signature.idTypeName}, ${signature.sigLen} bytes; ` +
      `the ELF image is the first ${thousands(signature.elfLength)} bytes. `
    : '';
  // The switch at the end of module_sig_check(): these errors only mean "not verified"; any other is fatal.
  const reason = { [-ENODATA]: 'unsigned module', [-ENOPKG]: 'module with unsupported crypto', [-ENOKEY]: 'module with unavailable key' }[
    verdict.err
  ];
  const fatal = verdict.err !== 0 && reason === undefined;
  rec.step({
    phase: 'signature',
    fn: 'module_sig_check',
    file: 'kernel/module/signing.c',
    title: info.sigOk
      ? 'The signature is verified with the kernel’s built-in key'
      : fatal
        ? `The signature is rejected: ${errnoName(-verdict.err)}`
        : signature
          ? `The signature is not verified (${reason}): allowed, but the kernel will be tainted`
          : 'No signature: allowed, but the kernel will be tainted',
    text: mangled
      ? 'insmod --force asked to ignore versions or vermagic: a mangled module is never treated as signed.'
      : info.sigOk
        ? `${found}mod_verify_sig(): ${verdict.why}. sig_ok = true: no taint.`
        : fatal
          ? `${found}mod_verify_sig() returns ${errnoName(-verdict.err)}: ${verdict.why}. ` +
            'module_sig_check() treats this as fatal even though CONFIG_MODULE_SIG_FORCE is off.'
          : `${found}${verdict.why} (-${errnoName(-verdict.err)}, "${reason}"). ` +
            'CONFIG_MODULE_SIG_FORCE is off and the kernel is not locked down, so loading continues with sig_ok = false.',
    ...(fatal ? { errno: verdict.err } : {}),
  });
  return fatal ? verdict.err : 0;
}

/**
 * What if verify_pkcs7_signature()'s pkcs7_parse_message() cannot allocate its parser context: the
 * -ENOMEM reaches module_sig_check(), whose switch lets only -ENODATA, -ENOPKG and -ENOKEY through
 * ("All other errors are fatal, including lack of memory"). mod_verify_sig() parses only a PKCS#7
 * signature whose struct module_signature is well formed, so the site exists only for those.
 */
function sigParseFault(info: LoadInfo, signature: ModuleSignatureInfo): Verdict | null {
  if (signature.idType !== PKEY_ID_PKCS7) return null;
  const hit =
    info.fault.alloc('pkcs7_parse_message', 'pkcs7_parse_message', 'kzalloc', 'struct pkcs7_parse_context', 0, -ENOMEM) ||
    info.fault.call('module_sig_check') !== 0;
  return hit ? { err: -ENOMEM, why: 'pkcs7_parse_message() could not allocate its parser context (what if…: a fault put here)' } : null;
}
