/** The errnos module loading returns (include/uapi/asm-generic/errno*.h) and glibc's strerror text. */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const ENOEXEC = 8;
export const EBADF = 9;
export const EAGAIN = 11;
export const EWOULDBLOCK = EAGAIN;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EACCES = 13;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ETXTBSY = 26;
export const EFBIG = 27;
export const ENOSPC = 28;
export const ERANGE = 34;
export const ENOSYS = 38;
export const ENODATA = 61;
export const EBADMSG = 74;
export const EOPNOTSUPP = 95;
export const ENOKEY = 126;
export const EKEYREJECTED = 129;

const NAMES: Record<number, [string, string]> = {
  [EPERM]: ['EPERM', 'Operation not permitted'],
  [ENOENT]: ['ENOENT', 'No such file or directory'],
  [ESRCH]: ['ESRCH', 'No such process'],
  [EINTR]: ['EINTR', 'Interrupted system call'],
  [ENOEXEC]: ['ENOEXEC', 'Exec format error'],
  [EBADF]: ['EBADF', 'Bad file descriptor'],
  [EAGAIN]: ['EAGAIN', 'Resource temporarily unavailable'],
  [ENOMEM]: ['ENOMEM', 'Cannot allocate memory'],
  [EFAULT]: ['EFAULT', 'Bad address'],
  [EACCES]: ['EACCES', 'Permission denied'],
  [EBUSY]: ['EBUSY', 'Device or resource busy'],
  [EEXIST]: ['EEXIST', 'File exists'],
  [ENODEV]: ['ENODEV', 'No such device'],
  [EINVAL]: ['EINVAL', 'Invalid argument'],
  [ETXTBSY]: ['ETXTBSY', 'Text file busy'],
  [EFBIG]: ['EFBIG', 'File too large'],
  [ENOSPC]: ['ENOSPC', 'No space left on device'],
  [ERANGE]: ['ERANGE', 'Numerical result out of range'],
  [ENOSYS]: ['ENOSYS', 'Function not implemented'],
  [ENODATA]: ['ENODATA', 'No data available'],
  [EBADMSG]: ['EBADMSG', 'Bad message'],
  [EOPNOTSUPP]: ['EOPNOTSUPP', 'Operation not supported'],
  [ENOKEY]: ['ENOKEY', 'Required key not available'],
  [EKEYREJECTED]: ['EKEYREJECTED', 'Key was rejected by service'],
};

export function errnoName(e: number): string {
  return NAMES[Math.abs(e)]?.[0] ?? `E${Math.abs(e)}`;
}

export function strerror(e: number): string {
  return NAMES[Math.abs(e)]?.[1] ?? `Unknown error ${Math.abs(e)}`;
}

/** kmod's mod_strerror() (tools/insmod.c, kmod 30): the text insmod prints for a failed load. */
export function modStrerror(e: number): string {
  switch (Math.abs(e)) {
    case ENOEXEC:
      return 'Invalid module format';
    case ENOENT:
      return 'Unknown symbol in module';
    case ESRCH:
      return 'Module has wrong symbol version';
    case EINVAL:
      return 'Invalid parameters';
    default:
      return strerror(e);
  }
}

/** A load or unload that stopped: the errno the syscall returns. */
export class SyscallFailure extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
    this.name = 'SyscallFailure';
  }
}
