/**
 * The allocation sites of a 6.1 module load and the functions a fault can be put in, as the kernel
 * names them (kernel/module/main.c, kernel/module/sysfs.c, fs/kernel_read_file.c, certs/system_keyring.c).
 */

/** One place where load_module() allocates memory, in the kernel's order. */
export const ALLOC_SITES = [
  ['kernel_read_file', 'vmalloc', 'the temporary copy of the file (finit_module); init_module: copy_module_from_user() → __vmalloc'],
  ['pkcs7_parse_message', 'kzalloc', 'module_sig_check() → mod_verify_sig() → verify_pkcs7_signature(): the parser context (signed modules only)'],
  ['module_alloc:core', 'module_alloc', 'move_module(): the core region (text, rodata, data, core kallsyms)'],
  ['module_alloc:init', 'module_alloc', 'move_module(): the init region (.init.*, the full symbol table); on failure the core is freed'],
  ['percpu_modalloc', '__alloc_reserved_percpu', 'per-CPU storage for .data..percpu (modules that have it)'],
  ['setup_modinfo_version', 'kstrdup', 'setup_modinfo(): mod->version; the result is not checked, so a failure only loses the file'],
  ['setup_modinfo_srcversion', 'kstrdup', 'setup_modinfo(): mod->srcversion; not checked either'],
  ['add_module_usage', 'kmalloc', 'simplify_symbols() → resolve_symbol() → ref_module(): struct module_use, once per module this one uses'],
  ['strndup_user', 'memdup_user', 'mod->args: the parameter string copied from user space'],
  [
    'mod_sysfs_init',
    'kvasprintf_const',
    'mod_sysfs_setup() → kobject_init_and_add() → kobject_set_name_vargs(): the name of /sys/module/NAME; kobject_add_varg() logs the failure',
  ],
  ['holders', 'kobject_create_and_add', 'mod_sysfs_setup(): /sys/module/NAME/holders'],
  ['module_param_sysfs_setup', 'krealloc', 'mod_sysfs_setup(): the parameters/ attribute group (modules with visible parameters)'],
  ['module_add_modinfo_attrs', 'kzalloc', 'mod_sysfs_setup(): the attributes coresize, initsize, initstate, refcnt, taint, version…'],
  ['add_sect_attrs', 'kzalloc', 'mod_sysfs_setup(): /sys/module/NAME/sections; a void function, so a failure only loses the directory'],
  ['add_notes_attrs', 'kcalloc', 'mod_sysfs_setup(): /sys/module/NAME/notes (modules with SHT_NOTE sections); void as well'],
  ['do_init_module', 'kmalloc', 'struct mod_initfree, which will free the init region after init; allocated before init runs'],
] as const;

export type AllocSiteId = (typeof ALLOC_SITES)[number][0];

export const ALLOC_SITE_IDS: readonly AllocSiteId[] = ALLOC_SITES.map((s) => s[0]);

export interface AllocSite {
  /** 1-based, in the order this load reached it. */
  n: number;
  id: AllocSiteId;
  /** The kernel function that calls the allocator. */
  fn: string;
  allocator: string;
  what: string;
  size: number;
  /** What the load does when it fails: the errno it returns, or 0 when the kernel goes on. */
  errno: number;
}

/** Functions `fail:FUNCTION` can make fail, with the error they return by default and why they can fail on a real kernel. */
export const FAIL_FUNCTIONS = [
  ['kernel_read_file', -12, 'the file cannot be read into memory (vmalloc fails): finit_module returns before load_module()'],
  ['module_sig_check', -12, 'the PKCS#7 parser runs out of memory (signed modules): fatal, "including lack of memory"'],
  ['module_alloc', -12, 'move_module(): no room for the core region'],
  ['percpu_modalloc', -12, 'the reserved per-CPU chunk is exhausted (modules with .data..percpu)'],
  ['simplify_symbols', -12, 'resolve_symbol() of one symbol fails (fail:simplify_symbols:SYMBOL; default: the first undefined symbol)'],
  ['strndup_user', -12, 'the parameter string cannot be copied'],
  ['prepare_coming_module', -12, 'a MODULE_STATE_COMING notifier objects (e.g. jump labels or tracepoints out of memory)'],
  ['parse_args', -12, 'a parameter cannot be stored (a charp value out of memory)'],
  ['mod_sysfs_setup', -12, '/sys/module/NAME cannot be made'],
  ['do_init_module', -12, 'struct mod_initfree cannot be allocated: init is never called'],
] as const;

export type FailFunction = (typeof FAIL_FUNCTIONS)[number][0];

export type FaultSpec =
  | { kind: 'none' }
  /** Fail the allocation with this number (1-based) or at this site. */
  | { kind: 'alloc'; n?: number; id?: AllocSiteId }
  | { kind: 'fn'; fn: FailFunction; symbol?: string; errno: number };
