# 2000 lines of ~76 characters overflow Debian's 128 KiB printk ring (CONFIG_LOG_BUF_SHIFT=17):
# the boot messages and the first lines of the flood are overwritten.
dmesg | grep -c .
insmod ../../../samples/ring-flood/ring-flood.ko count=2000
dmesg | grep -c ring-flood
dmesg | grep -c -v ring-flood
rmmod ring_flood
