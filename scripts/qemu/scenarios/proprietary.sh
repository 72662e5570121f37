# License and taint: gplonly.ko (license patched to "Proprietary") uses the GPL-only ktime_get and
# is refused; proprietary.ko only uses printk and loads, tainting the kernel with P.
cat /proc/sys/kernel/tainted
modinfo -F license ../../../samples/proprietary/gplonly.ko
insmod ../../../samples/proprietary/gplonly.ko
cat /proc/sys/kernel/tainted
lsmod
insmod ../../../samples/proprietary/proprietary.ko
cat /proc/sys/kernel/tainted
cat /sys/module/proprietary/taint
lsmod
cat /proc/modules
insmod ../../../samples/hello/hello.ko
cat /sys/module/hello/taint
cat /proc/modules
rmmod proprietary
cat /proc/sys/kernel/tainted
insmod ../../../samples/proprietary/gplonly.ko
