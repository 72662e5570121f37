/**
 * The standard kernel_param_ops of kernel/params.c, as data: what C object each one stores to,
 * and whether it has KERNEL_PARAM_OPS_FL_NOARG (a bare `name` with no '=' reaches ->set() as NULL
 * instead of being refused by parse_one()).
 */
import type { ParamType } from '../kmod/types';

export const KERNEL_PARAM_OPS_FL_NOARG = 1 << 0;

export interface OpsInfo {
  /** kernel_param_ops.flags. */
  flags: number;
  /** Bytes ->set() writes at kp->arg, or null when it writes elsewhere (array, string). */
  size: number | null;
  /** The ops symbol in kernel/params.c. */
  symbol: string;
}

/**
 * Only bool, bool_enable_only and bint have NOARG. param_ops_invbool does not (kernel/params.c
 * defines it with .set and .get only), so a bare `invbool_param` is -EINVAL, "`' invalid for
 * parameter", even though param_set_invbool() itself would accept NULL.
 */
export const STANDARD_OPS: Readonly<Record<Exclude<ParamType, 'custom'>, OpsInfo>> = {
  byte: { flags: 0, size: 1, symbol: 'param_ops_byte' },
  short: { flags: 0, size: 2, symbol: 'param_ops_short' },
  ushort: { flags: 0, size: 2, symbol: 'param_ops_ushort' },
  int: { flags: 0, size: 4, symbol: 'param_ops_int' },
  uint: { flags: 0, size: 4, symbol: 'param_ops_uint' },
  long: { flags: 0, size: 8, symbol: 'param_ops_long' },
  ulong: { flags: 0, size: 8, symbol: 'param_ops_ulong' },
  ullong: { flags: 0, size: 8, symbol: 'param_ops_ullong' },
  hexint: { flags: 0, size: 4, symbol: 'param_ops_hexint' },
  charp: { flags: 0, size: 8, symbol: 'param_ops_charp' },
  bool: { flags: KERNEL_PARAM_OPS_FL_NOARG, size: 1, symbol: 'param_ops_bool' },
  invbool: { flags: 0, size: 1, symbol: 'param_ops_invbool' },
  bint: { flags: KERNEL_PARAM_OPS_FL_NOARG, size: 4, symbol: 'param_ops_bint' },
  bool_enable_only: { flags: KERNEL_PARAM_OPS_FL_NOARG, size: 1, symbol: 'param_ops_bool_enable_only' },
  array: { flags: 0, size: null, symbol: 'param_array_ops' },
  string: { flags: 0, size: null, symbol: 'param_ops_string' },
};

/** The ops for a type, or null for a module's own ops (which Modscope cannot run). */
export function opsInfo(type: ParamType): OpsInfo | null {
  return type === 'custom' ? null : STANDARD_OPS[type];
}
