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
export const ENOPKG = 65;
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
  [ENOPKG]: ['ENOPKG', 'Package not installed'],
  [EBADMSG]: ['EBADMSG', 'Bad message'],
  [EOPNOTSUPP]: ['EOPNOTSUPP', 'Operation not supported'],
  [ENOKEY]: ['ENOKEY', 'Required key not available'],
  [EKEYREJECTED]: ['EKEYREJECTED', 'Key was rejected by service'],
  // More of glibc's strerror() table (kmod prints it for any errno an init returns); errnos above 133
  // are the kernel's own (ERESTARTSYS, ENOTSUPP, EPROBE_DEFER…): glibc says "Unknown error N".
  5: ['EIO', 'Input/output error'],
  6: ['ENXIO', 'No such device or address'],
  7: ['E2BIG', 'Argument list too long'],
  10: ['ECHILD', 'No child processes'],
  18: ['EXDEV', 'Invalid cross-device link'],
  20: ['ENOTDIR', 'Not a directory'],
  21: ['EISDIR', 'Is a directory'],
  23: ['ENFILE', 'Too many open files in system'],
  24: ['EMFILE', 'Too many open files'],
  25: ['ENOTTY', 'Inappropriate ioctl for device'],
  30: ['EROFS', 'Read-only file system'],
  32: ['EPIPE', 'Broken pipe'],
  33: ['EDOM', 'Numerical argument out of domain'],
  35: ['EDEADLK', 'Resource deadlock avoided'],
  36: ['ENAMETOOLONG', 'File name too long'],
  39: ['ENOTEMPTY', 'Directory not empty'],
  40: ['ELOOP', 'Too many levels of symbolic links'],
  42: ['ENOMSG', 'No message of desired type'],
  43: ['EIDRM', 'Identifier removed'],
  62: ['ETIME', 'Timer expired'],
  67: ['ENOLINK', 'Link has been severed'],
  71: ['EPROTO', 'Protocol error'],
  75: ['EOVERFLOW', 'Value too large for defined data type'],
  84: ['EILSEQ', 'Invalid or incomplete multibyte or wide character'],
  88: ['ENOTSOCK', 'Socket operation on non-socket'],
  90: ['EMSGSIZE', 'Message too long'],
  92: ['ENOPROTOOPT', 'Protocol not available'],
  93: ['EPROTONOSUPPORT', 'Protocol not supported'],
  94: ['ESOCKTNOSUPPORT', 'Socket type not supported'],
  96: ['EPFNOSUPPORT', 'Protocol family not supported'],
  97: ['EAFNOSUPPORT', 'Address family not supported by protocol'],
  98: ['EADDRINUSE', 'Address already in use'],
  99: ['EADDRNOTAVAIL', 'Cannot assign requested address'],
  100: ['ENETDOWN', 'Network is down'],
  101: ['ENETUNREACH', 'Network is unreachable'],
  103: ['ECONNABORTED', 'Software caused connection abort'],
  104: ['ECONNRESET', 'Connection reset by peer'],
  105: ['ENOBUFS', 'No buffer space available'],
  106: ['EISCONN', 'Transport endpoint is already connected'],
  107: ['ENOTCONN', 'Transport endpoint is not connected'],
  110: ['ETIMEDOUT', 'Connection timed out'],
  111: ['ECONNREFUSED', 'Connection refused'],
  113: ['EHOSTUNREACH', 'No route to host'],
  114: ['EALREADY', 'Operation already in progress'],
  115: ['EINPROGRESS', 'Operation now in progress'],
  122: ['EDQUOT', 'Disk quota exceeded'],
  125: ['ECANCELED', 'Operation canceled'],
  127: ['EKEYEXPIRED', 'Key has expired'],
  128: ['EKEYREVOKED', 'Key has been revoked'],
  132: ['ERFKILL', 'Operation not possible due to RF-kill'],
  133: ['EHWPOISON', 'Memory page has hardware error'],
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

/** The errno a name stands for (ENODEV → 19), from the table above; null for a name it does not hold. */
export function errnoByName(name: string): number | null {
  for (const [n, [sym]] of Object.entries(NAMES)) if (sym === name) return Number(n);
  return null;
}
