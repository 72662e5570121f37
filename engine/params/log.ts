/**
 * What parameter parsing prints and returns: printk lines (level + text, no trailing newline)
 * and the errno values kernel/params.c and lib/kstrtox.c use (include/uapi/asm-generic/errno-base.h).
 */

/** Console levels (include/linux/kern_levels.h). */
export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_NOTICE = 5;

export interface LogLine {
  /** 0 (EMERG) … 7 (DEBUG): pr_err = 3, pr_warn = 4, pr_notice = 5. */
  level: number;
  /** The message without its level prefix or trailing newline. */
  text: string;
}

export const EPERM = 1;
export const ENOENT = 2;
export const ENOMEM = 12;
export const EINVAL = 22;
export const ENOSPC = 28;
export const EROFS = 30;
export const ERANGE = 34;

const NAMES: Record<number, string> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ENOMEM]: 'ENOMEM',
  [EINVAL]: 'EINVAL',
  [ENOSPC]: 'ENOSPC',
  [EROFS]: 'EROFS',
  [ERANGE]: 'ERANGE',
};

/** "-EINVAL" for -22, "0" for 0, "-123" when unnamed. */
export function errnoName(err: number): string {
  if (err === 0) return '0';
  const n = NAMES[-err];
  return n ? `-${n}` : String(err);
}
