/**
 * The few errnos the shell needs beyond engine/load/errno.ts (file access), and strerror() over
 * both tables (glibc's texts).
 */
import { strerror as loadStrerror } from '../load/errno';

export { EAGAIN, EBUSY, EEXIST, EINVAL, ENOENT, ENOEXEC, EPERM, EWOULDBLOCK } from '../load/errno';
export const EIO = 5;
export const EACCES = 13;
export const ENOTDIR = 20;
export const EISDIR = 21;

const EXTRA: Record<number, string> = {
  [EIO]: 'Input/output error',
  [EACCES]: 'Permission denied',
  [ENOTDIR]: 'Not a directory',
  [EISDIR]: 'Is a directory',
};

export function strerror(e: number): string {
  return EXTRA[Math.abs(e)] ?? loadStrerror(e);
}
