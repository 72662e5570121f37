# A module without an exit function cannot be removed (except by the forced unload of
# CONFIG_MODULE_FORCE_UNLOAD=y, which taints the kernel with R).
insmod ../../../samples/permanent/permanent.ko
lsmod
cat /proc/modules
cat /sys/module/permanent/refcnt
cat /sys/module/permanent/initstate
rmmod permanent
lsmod
cat /proc/sys/kernel/tainted
rmmod -f permanent
lsmod
cat /proc/sys/kernel/tainted
cat /proc/modules
