/**
 * The course's concepts (../shared/seeds/README.md), ids stable, grouped as there.
 */
import type { ConceptInfo } from './types';

export const CONCEPTS: readonly ConceptInfo[] = [
  { id: 'C01', group: 'Loading, both generations', title: 'a module joins the running kernel without a rebuild' },
  {
    id: 'C02',
    group: 'Loading, both generations',
    title: 'what insertion needs: memory for code and data, where that memory is, where kernel facilities are, symbol resolution',
  },
  {
    id: 'C03',
    group: 'Loading, both generations',
    title: 'who does the work: 2.4 user space (.o, insmod links) vs 2.6+ kernel (.ko, insmod only asks)',
  },
  {
    id: 'C04',
    group: 'Loading, both generations',
    title: '2.4 system calls: create_module (reserve + name), init_module (finalised image + setup), delete_module',
  },
  {
    id: 'C05',
    group: 'Loading, both generations',
    title: '2.6+ system calls: create_module gone; init_module(image, len, params); finit_module(fd, params, flags); delete_module',
  },
  {
    id: 'C06',
    group: 'Loading, both generations',
    title: "insmod's path: 2.4 create_module → relocate using /proc/ksyms → init_module; 2.6 insmod → init_module",
  },
  {
    id: 'C07',
    group: 'Loading, both generations',
    title:
      'the 2.4 struct module at the start of the image (size_of_struct, next, name, size, usecount, flags, nsyms, ndeps, syms, deps, refs, init, ' +
      'cleanup, ex_table)',
  },
  { id: 'C08', group: 'Loading, both generations', title: 'modpost and the generated .mod.c linked into the .ko' },
  {
    id: 'C09',
    group: 'Loading, both generations',
    title:
      'the ten-step kernel flow: syscall, permission check, load_module, copy from user, ELF checks, layout/offsets, copy args, symbol resolution, ' +
      'add to module list, call init, return value',
  },
  {
    id: 'C10',
    group: 'Loading, both generations',
    title: "load_module's key calls: copy_and_check, layout_and_allocate, simplify_symbols, apply_relocations; then do_one_initcall(mod->init)",
  },
  { id: 'C11', group: 'Loading, both generations', title: 'readelf -h on a .ko: a relocatable (REL) object with no program headers' },
  { id: 'C12', group: 'Module life', title: 'init/cleanup functions; module_init/module_exit renaming; legacy init_module/cleanup_module names' },
  { id: 'C13', group: 'Module life', title: 'init returning a negative errno: the module is removed at once; no exit function: rmmod refused' },
  {
    id: 'C14',
    group: 'Module life',
    title:
      'usage count: locked vs unlocked, unload fails unless forced; MOD_INC/DEC_USE_COUNT, MOD_IN_USE (2.4); try_module_get/module_put, THIS_MODULE, ' +
      'find_module (2.6+)',
  },
  { id: 'C15', group: 'Module life', title: '/proc/modules and lsmod: size, use count, users; the doubly linked module list' },
  { id: 'C16', group: 'Module life', title: 'rmmod → delete_module → exit function → free_module' },
  { id: 'C17', group: 'Module life', title: "modprobe, depmod and dependencies; kmod's request_module" },
  {
    id: 'C18',
    group: 'Parameters',
    title: 'parameters are global variables given initial values at load: MODULE_PARM (2.4), module_param(var, type, perm)',
  },
  {
    id: 'C19',
    group: 'Parameters',
    title: 'types byte, short, ushort, int, uint, long, ulong, charp, bool, invbool; arrays with module_param_array and a count; MODULE_PARM_DESC',
  },
  {
    id: 'C20',
    group: 'Parameters',
    title: '/sys/module/NAME/parameters: visible by permission, writable at run time; 2.4 params set by insmod and fixed',
  },
  {
    id: 'C21',
    group: 'Symbols',
    title: 'exporting: EXPORT_SYMBOL, EXPORT_SYMBOL_GPL; old EXPORT_SYMTAB, EXPORT_NO_SYMBOLS; an unexported reference makes the load fail',
  },
  {
    id: 'C22',
    group: 'Symbols',
    title: 'the kernel\'s and each module\'s export tables; /proc/ksyms ("address name"), /proc/kallsyms (with type); CONFIG_KALLSYMS(_ALL)',
  },
  { id: 'C23', group: 'Symbols', title: 'licences and GPL-only symbols; the GPL-compatible licence strings; .modinfo and modinfo' },
  {
    id: 'C24',
    group: 'Symbols',
    title: "symbol versioning: CONFIG_MODVERSIONS, CRC of the prototype, name_R<crc> in 2.4's /proc/ksyms, insmod -f, EXPORT_SYMBOL_NOVERS",
  },
  { id: 'C25', group: 'Symbols', title: 'kernel version macros: UTS_RELEASE, LINUX_VERSION_CODE, KERNEL_VERSION; vermagic' },
  {
    id: 'C26',
    group: 'Symbols',
    title: "kprobes used to find a symbol's address (register_kprobe on a name, read kp.addr, unregister); blacklisted functions",
  },
  { id: 'C27', group: 'Messages', title: 'printk vs printf: no floating point, level prefixes KERN_EMERG..KERN_DEBUG' },
  {
    id: 'C28',
    group: 'Messages',
    title: 'console_loglevel, default_message_loglevel, minimum_console_loglevel, default_console_loglevel; /proc/sys/kernel/printk',
  },
  { id: 'C29', group: 'Messages', title: 'syslog(2) commands (read, read-all, read-clear, clear, console off/on, console level); klogd; dmesg' },
  {
    id: 'C30',
    group: 'Messages',
    title: 'the circular log buffer: LOG_BUF_LEN 4096, then 8192 (1.3.54), 16384 (2.1.113), larger later; one buffer for every level',
  },
  { id: 'C31', group: 'Messages', title: 'printk delivers synchronously to consoles (a 9600 bps serial console costs about 1 ms a character)' },
  { id: 'C32', group: 'Messages', title: 'panic(): "Kernel panic" prefix, the machine stops' },
  {
    id: 'C33',
    group: 'Building',
    title: 'Kbuild/Makefile: obj-m, module-objs for several files, a custom module name, make -C <kernel build dir> M=$PWD',
  },
  { id: 'C34', group: 'Building', title: 'headings __KERNEL__, MODULE, __SMP__; kmalloc and vmalloc limits (exercise)' },
];

export const CONCEPT_GROUPS: readonly string[] = [...new Set(CONCEPTS.map((c) => c.group))];
