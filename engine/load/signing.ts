/**
 * module_sig_check() (kernel/module/signing.c, 6.1): find and strip an appended signature. Debian 12
 * builds with CONFIG_MODULE_SIG=y and without MODULE_SIG_FORCE, so an unsigned module still loads
 * (and taints E later, in load_module()).
 */
import { MODULE_INIT_IGNORE_MODVERSIONS, MODULE_INIT_IGNORE_VERMAGIC } from '../kmod/constants';
import { PKEY_ID_PKCS7, splitSignature } from '../kmod/signature';
import type { LoadInfo } from './context';

export function moduleSigCheck(info: LoadInfo): number {
  const { rec } = info;
  const image = (info.k.memory.live(info.tempBase)?.bytes ?? new Uint8Array()).subarray(0, info.imageLength);
  // "mangled": insmod --force stripped version information, so the signature cannot match.
  const mangled = (info.flags & (MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC)) !== 0;
  const { elf, signature } = mangled ? { elf: image, signature: null } : splitSignature(image);
  info.elfBytes = elf;
  info.signature = signature;
  info.sigOk = signature !== null && signature.idType === PKEY_ID_PKCS7;
  rec.step({
    phase: 'signature',
    fn: 'module_sig_check',
    file: 'kernel/module/signing.c',
    title: signature ? 'An appended signature is found and stripped' : 'No signature: allowed, but the kernel will be tainted',
    text: mangled
      ? 'insmod --force asked to ignore versions or vermagic: a mangled module is never treated as signed.'
      : signature
        ? `The file ends with "~Module signature appended~": ${signature.idTypeName}, ${signature.sigLen} bytes. ` +
          `The ELF image is the first ${signature.elfLength.toLocaleString('en-US')} bytes. ` +
          "Modscope does not check the PKCS#7 signature itself; it treats Debian's signature as valid (the kernel holds Debian's key)."
        : 'No "~Module signature appended~" marker (-ENODATA, "unsigned module"). ' +
          'CONFIG_MODULE_SIG_FORCE is off and the kernel is not locked down, so loading continues with sig_ok = false.',
  });
  return 0;
}
