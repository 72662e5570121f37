/**
 * license_is_gpl_compatible() (include/linux/license.h, 6.1): exactly these strings.
 * Anything else taints the kernel with P and hides GPL-only exports (module_license_taint_check()).
 */
export const GPL_COMPATIBLE_LICENSES: readonly string[] = [
  'GPL',
  'GPL v2',
  'GPL and additional rights',
  'Dual BSD/GPL',
  'Dual MIT/GPL',
  'Dual MPL/GPL',
];

export function isGplCompatible(license: string | null): boolean {
  return license !== null && GPL_COMPATIBLE_LICENSES.includes(license);
}
