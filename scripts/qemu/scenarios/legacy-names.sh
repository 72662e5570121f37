# init_module/cleanup_module found by name, without module_init/module_exit.
modinfo ../../../samples/legacy-names/legacy-names.ko
insmod ../../../samples/legacy-names/legacy-names.ko
lsmod
cat /sys/module/legacy_names/initstate
grep -w legacy_names /proc/kallsyms
rmmod legacy_names
lsmod
