/**
 * "The syscalls compared": the module syscalls of 2.4 and of 2.6+ (6.1), and what moved from
 * user space into the kernel, and why. Plain data for the comparison view's table.
 */

export interface SyscallRow {
  name: string;
  /** The 2.4 prototype, or null: not in 2.4. */
  v24: string | null;
  /** The 2.6+ prototype (as in 6.1), or null: gone. */
  v26: string | null;
  /** When it came or went. */
  when: string;
  /** What it does in each, in a sentence or two. */
  meaning: string;
}

export const SYSCALL_ROWS: SyscallRow[] = [
  {
    name: 'create_module',
    v24: 'caddr_t create_module(const char *name, size_t size)',
    v26: null,
    when: '2.4 only; gone in 2.6 (the in-kernel loader, 2.5.48)',
    meaning:
      'Reserves size bytes of module memory (vmalloc area; 0xffffffffa0000000 on x86-64), puts an uninitialised struct module on the list, ' +
      'returns the address. insmod then relocates against that address.',
  },
  {
    name: 'init_module',
    v24: 'int init_module(const char *name, struct module *image)',
    v26: 'int init_module(void *module_image, unsigned long len, const char *param_values)',
    when: 'both; signature and meaning changed in 2.6',
    meaning:
      '2.4: the finished image — already relocated, parameters written, struct module filled in at its start; ' +
      'the kernel bounds-checks the header, copies it over the reservation and calls init. ' +
      '2.6+: the raw .ko file, its length and the parameter string; the kernel does everything (load_module).',
  },
  {
    name: 'finit_module',
    v24: null,
    v26: 'int finit_module(int fd, const char *param_values, int flags)',
    when: 'added in 3.8',
    meaning:
      'Like 2.6+ init_module, but the kernel reads the file from fd, so it knows where the module came from ' +
      '(LSMs such as LoadPin or IMA can decide on that). ' +
      'flags: MODULE_INIT_IGNORE_MODVERSIONS, MODULE_INIT_IGNORE_VERMAGIC, MODULE_INIT_COMPRESSED_FILE (5.17).',
  },
  {
    name: 'delete_module',
    v24: 'int delete_module(const char *name)',
    v26: 'int delete_module(const char *name, unsigned int flags)',
    when: 'both; flags added in 2.6',
    meaning:
      '2.4: refuses while usecount > 0, runs cleanup, frees; name NULL removes every unused autoclean module. ' +
      '2.6+: O_NONBLOCK and O_TRUNC (force, with CONFIG_MODULE_FORCE_UNLOAD) in flags; refcounts instead of MOD_INC_USE_COUNT.',
  },
  {
    name: 'query_module',
    v24: 'int query_module(const char *name, int which, void *buf, size_t bufsize, size_t *ret)',
    v26: null,
    when: '2.4 only (and get_kernel_syms); gone in 2.6',
    meaning:
      "QM_MODULES, QM_DEPS, QM_REFS, QM_SYMBOLS, QM_INFO: how insmod learned the kernel's exported symbols to link against. " +
      '2.6+ has /proc/modules, /sys/module and /proc/kallsyms for people; the loader needs no symbol export to user space.',
  },
];

export interface MovedRow {
  what: string;
  was: string;
  now: string;
  why: string;
}

export const MOVED_ROWS: MovedRow[] = [
  {
    what: 'Resolving symbols',
    was: 'insmod, from query_module(QM_SYMBOLS): versioned names such as _printk_R92997ed8',
    now: 'simplify_symbols() in the kernel, checking each CRC against __versions',
    why: 'The kernel knows its own symbols: no table to copy out to user space, no user-space tool that must understand every version scheme.',
  },
  {
    what: 'Reserving memory and relocating',
    was: 'create_module, then insmod relocates in its own buffer against the returned address, then init_module',
    now: 'one call: layout_and_allocate(), apply_relocations() and init inside load_module()',
    why:
      'No race between create_module and init_module: a reservation cannot be left half-made by an insmod that dies, or be raced by a second one; ' +
      'the kernel lays out core and init memory itself.',
  },
  {
    what: 'Checking the module',
    was: 'the kernel bounds-checks a flat image it cannot read as ELF',
    now: 'the kernel sees the raw file: ELF checks, vermagic, licence, signature',
    why: 'Module signing needs the kernel to see the raw file: the signature covers the bytes as built, which user-space relocation would have changed.',
  },
  {
    what: 'Setting parameters',
    was: 'insmod writes MODULE_PARM values straight into the image',
    now: 'parse_args() with module_param descriptors (and /sys/module/<name>/parameters)',
    why: 'Parameters are typed and checked by the kernel, and stay visible afterwards.',
  },
];
