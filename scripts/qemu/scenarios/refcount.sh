# try_module_get(THIS_MODULE) in init: refcnt 1, rmmod refused until the parameter's set()
# callback calls module_put(); then rmmod works. Loaded again, rmmod -f (CONFIG_MODULE_FORCE_UNLOAD=y
# in Debian) removes it anyway and taints the kernel with R.
insmod ../../../samples/refcount/refcount.ko
cat /sys/module/refcount/refcnt
lsmod
cat /proc/modules
rmmod refcount
cat /sys/module/refcount/parameters/release
echo 1 > /sys/module/refcount/parameters/release
cat /sys/module/refcount/refcnt
cat /sys/module/refcount/parameters/release
rmmod refcount
lsmod
insmod ../../../samples/refcount/refcount.ko
rmmod refcount
rmmod -f refcount
lsmod
cat /proc/sys/kernel/tainted
