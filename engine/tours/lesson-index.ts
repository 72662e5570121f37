/**
 * The lesson index: every concept of the course (C01–C34) → where to see it, best first: a tour
 * stop, or, for what lies outside the load trace, a sample file with a note. engine/tours/tours.test.ts
 * checks it is complete, that every stop exists and names the concept, and that every file exists.
 */
import type { LessonEntry } from './types';

export const LESSON_INDEX: Readonly<Record<string, readonly LessonEntry[]>> = {
  C01: [{ tour: 'hello', stop: 0 }],
  C02: [
    { tour: 'hello', stop: 6 },
    { tour: 'hello', stop: 7 },
    { tour: 'hello', stop: 8 },
    { tour: 'hello', stop: 9 },
    { tour: 'hello-2.4', stop: 3 },
    { tour: 'hello-2.4', stop: 5 },
  ],
  C03: [
    { tour: 'hello-2.4', stop: 0 },
    { tour: 'hello-2.4', stop: 3 },
    { tour: 'hello-2.4', stop: 6 },
    { tour: 'hello', stop: 0 },
  ],
  C04: [
    { tour: 'hello-2.4', stop: 5 },
    { tour: 'hello-2.4', stop: 8 },
    { tour: 'hello-2.4', stop: 11 },
    { tour: 'provider-2.4', stop: 2 },
  ],
  C05: [
    { tour: 'hello', stop: 0 },
    { tour: 'hello', stop: 1 },
    { tour: 'hello', stop: 16 },
  ],
  C06: [
    { tour: 'hello-2.4', stop: 0 },
    { tour: 'hello-2.4', stop: 1 },
    { tour: 'hello-2.4', stop: 5 },
    { tour: 'hello-2.4', stop: 6 },
    { tour: 'hello-2.4', stop: 8 },
    { tour: 'provider-2.4', stop: 0 },
  ],
  C07: [
    { tour: 'hello-2.4', stop: 4 },
    { tour: 'hello-2.4', stop: 7 },
  ],
  C08: [{ tour: 'hello', stop: 3 }],
  C09: [
    { tour: 'hello', stop: 1 },
    { tour: 'hello', stop: 2 },
    { tour: 'hello', stop: 15 },
    { tour: 'missing-symbol', stop: 1 },
  ],
  C10: [
    { tour: 'hello', stop: 2 },
    { tour: 'hello', stop: 6 },
    { tour: 'hello', stop: 8 },
    { tour: 'hello', stop: 9 },
    { tour: 'hello', stop: 13 },
    { tour: 'whatif', stop: 3 },
  ],
  C11: [
    { tour: 'hello', stop: 2 },
    { tour: 'whatif', stop: 3 },
  ],
  C12: [
    { tour: 'legacy-names', stop: 0 },
    { tour: 'legacy-names', stop: 1 },
    { tour: 'hello', stop: 13 },
    { tour: 'hello', stop: 17 },
    { tour: 'hello-2.4', stop: 10 },
    { tour: 'failing-init', stop: 0 },
    { tour: 'multi-file', stop: 1 },
  ],
  C13: [
    { tour: 'failing-init', stop: 0 },
    { tour: 'failing-init', stop: 1 },
    { tour: 'permanent', stop: 0 },
    { tour: 'permanent', stop: 1 },
    { tour: 'oops', stop: 2 },
    { tour: 'whatif', stop: 5 },
  ],
  C14: [
    { tour: 'permanent', stop: 1 },
    { tour: 'permanent', stop: 2 },
    { tour: 'refcount', stop: 0 },
    { tour: 'refcount', stop: 1 },
    { tour: 'refcount', stop: 2 },
    { tour: 'refcount', stop: 4 },
    { tour: 'provider', stop: 4 },
    { tour: 'provider', stop: 5 },
    { tour: 'provider', stop: 6 },
    { tour: 'provider-2.4', stop: 1 },
    { tour: 'provider-2.4', stop: 2 },
    { tour: 'hello-2.4', stop: 11 },
  ],
  C15: [
    { tour: 'hello', stop: 15 },
    { tour: 'provider', stop: 4 },
    { tour: 'oops', stop: 2 },
    { tour: 'refcount', stop: 1 },
  ],
  C16: [
    { tour: 'hello', stop: 16 },
    { tour: 'hello', stop: 17 },
    { tour: 'hello', stop: 18 },
    { tour: 'hello-2.4', stop: 11 },
    { tour: 'provider', stop: 5 },
    { tour: 'provider', stop: 6 },
    { tour: 'provider', stop: 7 },
    { tour: 'permanent', stop: 1 },
    { tour: 'permanent', stop: 2 },
    { tour: 'permanent', stop: 3 },
    { tour: 'legacy-names', stop: 1 },
    { tour: 'refcount', stop: 3 },
  ],
  C17: [
    { tour: 'provider', stop: 0 },
    { tour: 'provider', stop: 3 },
    { tour: 'provider-2.4', stop: 1 },
    { tour: 'whatif', stop: 6 },
  ],
  C18: [
    { tour: 'hello', stop: 11 },
    { tour: 'hello-2.4', stop: 9 },
    { tour: 'params', stop: 0 },
    { tour: 'params', stop: 2 },
  ],
  C19: [
    { tour: 'params', stop: 0 },
    { tour: 'params', stop: 1 },
    { tour: 'whatif', stop: 4 },
  ],
  C20: [
    { tour: 'params', stop: 1 },
    { tour: 'params', stop: 3 },
    { tour: 'hello', stop: 12 },
    { tour: 'hello-2.4', stop: 9 },
    { tour: 'refcount', stop: 2 },
  ],
  C21: [
    { tour: 'provider', stop: 0 },
    { tour: 'provider', stop: 1 },
    { tour: 'provider', stop: 2 },
    { tour: 'provider', stop: 3 },
    { tour: 'missing-symbol', stop: 0 },
    { tour: 'missing-symbol', stop: 1 },
    { tour: 'provider-2.4', stop: 0 },
    { tour: 'proprietary', stop: 1 },
    { tour: 'whatif', stop: 6 },
    { tour: 'whatif', stop: 7 },
  ],
  C22: [
    { tour: 'hello', stop: 8 },
    { tour: 'hello', stop: 10 },
    { tour: 'hello-2.4', stop: 1 },
    { tour: 'provider', stop: 1 },
    { tour: 'provider', stop: 2 },
    { tour: 'kprobe-lookup', stop: 0 },
  ],
  C23: [
    { tour: 'proprietary', stop: 0 },
    { tour: 'proprietary', stop: 1 },
    { tour: 'proprietary', stop: 2 },
    { tour: 'hello', stop: 5 },
    { tour: 'provider', stop: 3 },
    { tour: 'whatif', stop: 8 },
  ],
  C24: [
    { tour: 'bad-crc', stop: 0 },
    { tour: 'hello', stop: 4 },
    { tour: 'hello', stop: 8 },
    { tour: 'hello-2.4', stop: 1 },
    { tour: 'hello-2.4', stop: 3 },
    { tour: 'whatif', stop: 0 },
    { tour: 'whatif', stop: 1 },
  ],
  C25: [
    { tour: 'hello', stop: 5 },
    { tour: 'hello-2.4', stop: 2 },
    { tour: 'whatif', stop: 2 },
  ],
  C26: [
    { tour: 'kprobe-lookup', stop: 0 },
    { tour: 'kprobe-lookup', stop: 1 },
  ],
  C27: [
    { tour: 'printk-levels', stop: 0 },
    { tour: 'printk-levels', stop: 1 },
    { tour: 'hello', stop: 13 },
    { tour: 'hello', stop: 14 },
    { tour: 'ring-flood', stop: 0 },
    { tour: 'oops', stop: 0 },
  ],
  C28: [
    { tour: 'printk-levels', stop: 1 },
    { tour: 'printk-levels', stop: 2 },
  ],
  C29: [
    { tour: 'hello', stop: 15 },
    { tour: 'printk-levels', stop: 2 },
    { tour: 'ring-flood', stop: 1 },
  ],
  C30: [
    { tour: 'ring-flood', stop: 0 },
    { tour: 'ring-flood', stop: 1 },
    { tour: 'hello', stop: 14 },
    { tour: 'printk-levels', stop: 2 },
  ],
  C31: [{ tour: 'hello', stop: 14 }],
  C32: [
    { tour: 'oops', stop: 0 },
    { tour: 'oops', stop: 1 },
    { tour: 'oops', stop: 2 },
    {
      sample: 'oops',
      file: 'oops/oops.c',
      note:
        'oops_init reads an int through a NULL pointer (the module parameter target, 0 by default), so the compiler must emit the load; the page ' +
        'fault in kernel mode is the oops.',
    },
  ],
  C33: [
    { tour: 'multi-file', stop: 0 },
    { tour: 'multi-file', stop: 1 },
    {
      sample: 'hello',
      file: 'hello/Kbuild',
      note:
        "obj-m := hello.o: one source file, one module. build.sh runs make -C /lib/modules/$(uname -r)/build M=$PWD, Kbuild's way of building " +
        'outside the kernel tree.',
    },
    {
      sample: 'multi-file',
      file: 'multi-file/Kbuild',
      note: 'obj-m := multi.o with multi-objs := main.o helper.o: two source files linked into one module with its own name.',
    },
  ],
  C34: [
    { tour: 'hello', stop: 7 },
    {
      sample: 'hello',
      file: 'hello/hello.c',
      note:
        'Kbuild compiles every module source with -D__KERNEL__ and -DMODULE (2.4 Makefiles wrote them by hand, with __SMP__ for SMP kernels). ' +
        'Module memory comes from vmalloc space (the module_alloc stop of the hello tour); kmalloc gives physically contiguous memory and is limited ' +
        'in size, vmalloc is not.',
    },
  ],
};
