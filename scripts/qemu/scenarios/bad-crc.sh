# The CRC of _printk in the module's __versions was changed after the build: check_version() refuses.
modprobe --dump-modversions ../../../samples/bad-crc/bad-crc.ko
insmod ../../../samples/bad-crc/bad-crc.ko
lsmod
cat /proc/sys/kernel/tainted
