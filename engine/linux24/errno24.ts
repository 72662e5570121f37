/** The errno values the 2.4 module syscalls return. */
export const EPERM = 1;
export const ENOENT = 2;
export const ENOEXEC = 8;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENAMETOOLONG = 36;
