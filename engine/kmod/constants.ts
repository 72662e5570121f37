/**
 * Constants of the module ABI shared by the load paths and the tools (include/uapi/linux/module.h,
 * include/linux/module.h). ELF constants live in engine/elf/constants.ts.
 */

/** finit_module() flags (include/uapi/linux/module.h). */
export const MODULE_INIT_IGNORE_MODVERSIONS = 1;
export const MODULE_INIT_IGNORE_VERMAGIC = 2;
/** 5.17+: the kernel decompresses the file itself (needs CONFIG_MODULE_DECOMPRESS). */
export const MODULE_INIT_COMPRESSED_FILE = 4;
export const MODULE_INIT_FLAGS = MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC | MODULE_INIT_COMPRESSED_FILE;

/** The reference a loaded module holds on itself (kernel/module/main.c): module_refcount() = refcnt - MODULE_REF_BASE. */
export const MODULE_REF_BASE = 1;

/** MODULE_NAME_LEN (include/linux/module.h): 64 - sizeof(unsigned long) on x86-64, NUL included. */
export const MODULE_NAME_LEN = 56;

/** The longest per-CPU alignment percpu_modalloc() grants (PAGE_SIZE). */
export const PERCPU_MAX_ALIGN = 4096;
