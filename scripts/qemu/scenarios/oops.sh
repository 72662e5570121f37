# A NULL dereference in init: an oops, insmod killed, the module stuck in "Loading" (coming).
insmod ../../../samples/oops/oops.ko
lsmod
cat /proc/modules
cat /sys/module/oops/initstate
cat /sys/module/oops/refcnt
rmmod oops
cat /proc/sys/kernel/tainted
