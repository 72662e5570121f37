# Kernel-side faults during load_module() on the real kernel (what if…? fail-alloc / fail:FUNCTION).
# Debian's 6.1 has kprobes but no fault-injection framework: ../fault-inject/fault_inject.ko puts a kprobe on a
# function and makes the Nth call made inside the next finit_module() return RET without running (see its
# source). Each block: arm one fault, insmod the module, show the fault fired (hits), what is loaded, disarm.
# The "# whatif …" at the end of each arming line names the same fault in `modscope whatif`; the replay
# (engine/whatif/faults-qemu.test.ts) runs it on the model and compares insmod's output, the kernel log
# and /proc/modules.
# First load hello once, so the once-per-boot taint messages are printed before any fault.
insmod ../../../samples/hello/hello.ko
rmmod hello
insmod ../fault-inject/fault_inject.ko func=kernel_read_file ret=-12 # whatif fail-alloc:kernel_read_file
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=module_alloc nth=1 ret=0 # whatif fail-alloc:module_alloc:core
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=module_alloc nth=2 ret=0 # whatif fail-alloc:module_alloc:init
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=resolve_symbol match=_printk ret=-12 # whatif fail:simplify_symbols:_printk
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=strndup_user ret=-12 # whatif fail-alloc:strndup_user
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
# prepare_coming_module() is inlined: its notifier chain returns notifier_from_errno(-ENOMEM) = 0x800d.
insmod ../fault-inject/fault_inject.ko func=blocking_notifier_call_chain_robust caller=load_module ret=32781 # whatif fail:prepare_coming_module
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=parse_args ret=-12 # whatif fail:parse_args
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=mod_sysfs_setup ret=-12 # whatif fail:mod_sysfs_setup
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
# mod_sysfs_init() is inlined into mod_sysfs_setup(); kobject_add_varg() into kobject_init_and_add().
insmod ../fault-inject/fault_inject.ko func=kobject_set_name_vargs caller=kobject_init_and_add ret=-12 # whatif fail-alloc:mod_sysfs_init
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=kobject_create_and_add caller=mod_sysfs_setup ret=0 # whatif fail-alloc:holders
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=module_param_sysfs_setup ret=-12 # whatif fail-alloc:module_param_sysfs_setup
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
# The three __kmalloc() calls inlined into mod_sysfs_setup(): module_add_modinfo_attrs(), add_sect_attrs(), add_notes_attrs().
insmod ../fault-inject/fault_inject.ko func=__kmalloc caller=mod_sysfs_setup nth=1 ret=0 # whatif fail-alloc:module_add_modinfo_attrs
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=__kmalloc caller=mod_sysfs_setup nth=2 ret=0 # whatif fail-alloc:add_sect_attrs
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits
ls /sys/module/hello
rmmod hello
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=__kmalloc caller=mod_sysfs_setup nth=3 ret=0 # whatif fail-alloc:add_notes_attrs
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits
ls /sys/module/hello
rmmod hello
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=kmalloc_trace caller=do_init_module ret=0 # whatif fail-alloc:do_init_module
insmod ../../../samples/hello/hello.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
# Debian modules: vfat (signed; uses fat) and cpufreq_userspace (per-CPU data).
insmod corpus:kernel/fs/fat/fat.ko
insmod ../fault-inject/fault_inject.ko func=pkcs7_parse_message ret=-12 # whatif fail-alloc:pkcs7_parse_message
insmod corpus:kernel/fs/fat/vfat.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
# ref_module() → add_module_usage() is inlined into resolve_symbol().
insmod ../fault-inject/fault_inject.ko func=kmalloc_trace caller=resolve_symbol ret=0 # whatif fail-alloc:add_module_usage
insmod corpus:kernel/fs/fat/vfat.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=__alloc_reserved_percpu ret=0 # whatif fail-alloc:percpu_modalloc
insmod corpus:kernel/drivers/cpufreq/cpufreq_userspace.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
rmmod fault_inject
# setup_modinfo() does not check its kstrdup()s: vhost_iotlb (version 0.1, no init) loads without the file.
insmod ../fault-inject/fault_inject.ko func=kstrdup caller=setup_modinfo_version ret=0 # whatif fail-alloc:setup_modinfo_version
insmod corpus:kernel/drivers/vhost/vhost_iotlb.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
ls /sys/module/vhost_iotlb
rmmod vhost_iotlb
rmmod fault_inject
insmod ../fault-inject/fault_inject.ko func=kstrdup caller=setup_modinfo_srcversion ret=0 # whatif fail-alloc:setup_modinfo_srcversion
insmod corpus:kernel/drivers/vhost/vhost_iotlb.ko
cat /sys/module/fault_inject/parameters/hits /proc/modules
ls /sys/module/vhost_iotlb
rmmod vhost_iotlb
rmmod fault_inject
# After every fault: nothing left behind, the same modules load.
insmod ../../../samples/hello/hello.ko
insmod corpus:kernel/fs/fat/vfat.ko
insmod corpus:kernel/drivers/cpufreq/cpufreq_userspace.ko
cat /proc/modules
