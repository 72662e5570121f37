# The six fail:FUNCTION faults kernel-faults.sh reached only under their fail-alloc: names, recorded under their own.
# ../fault-inject/fault_inject.ko skips the function (or, where it is inlined or skipping it would not be a failure the
# kernel can have, the allocation inside it) and makes it return RET once inside the next finit_module():
# - kernel_read_file, module_sig_check, module_alloc, strndup_user: the function itself is skipped.
# - percpu_modalloc() is inlined into load_module() (it is not in /proc/kallsyms): its allocator __alloc_reserved_percpu() fails.
# - do_init_module() is not skipped: it is what frees a module whose init failed, so skipping it would leave a
#   half-loaded module behind, which no failure of the real kernel does. Its only failure before init is the
#   kmalloc() of struct mod_initfree, which fails instead.
# The "# whatif …" at the end of each arming line names the fault in `modscope whatif`; engine/whatif/faults-qemu.test.ts
# replays it on the model and compares insmod's output, the kernel log and /proc/modules.
insmod ../../../samples/hello/hello.ko
rmmod hello
insmod ../fault-inject/fault_inject.ko func=kernel_read_file ret=-12 # whatif fail:kernel_read_file
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=module_alloc ret=0 # whatif fail:module_alloc
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=strndup_user ret=-12 # whatif fail:strndup_user
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=kmalloc_trace caller=do_init_module ret=0 # whatif fail:do_init_module
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
# module_sig_check() of a signed Debian module (vfat uses fat).
insmod corpus:kernel/fs/fat/fat.ko
insmod ../fault-inject/fault_inject.ko func=module_sig_check ret=-12 # whatif fail:module_sig_check
insmod corpus:kernel/fs/fat/vfat.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=__alloc_reserved_percpu ret=0 # whatif fail:percpu_modalloc
insmod corpus:kernel/drivers/cpufreq/cpufreq_userspace.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
# After every fault: nothing left behind, the same modules load.
insmod ../../../samples/hello/hello.ko
insmod corpus:kernel/fs/fat/vfat.ko
insmod corpus:kernel/drivers/cpufreq/cpufreq_userspace.ko
cat /proc/modules
