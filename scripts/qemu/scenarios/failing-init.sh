# A module whose init returns -ENODEV; its file name has a '-', the module name has a '_'.
modinfo -F name ../../../samples/failing-init/failing-init.ko
insmod ../../../samples/failing-init/failing-init.ko
lsmod
ls /sys/module/ | grep -e failing -e hello
rmmod failing_init
rmmod failing-init
cat /proc/sys/kernel/tainted
insmod ../../../samples/failing-init/failing-init.ko
