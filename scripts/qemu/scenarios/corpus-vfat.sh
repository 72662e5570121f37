# Real, in-tree, signed Debian modules: vfat.ko needs fat.ko. Signed with the build-time key that
# this kernel carries, so no taint.
modinfo corpus:kernel/fs/fat/vfat.ko
insmod corpus:kernel/fs/fat/vfat.ko
insmod corpus:kernel/fs/fat/fat.ko
insmod corpus:kernel/fs/fat/vfat.ko
lsmod
cat /proc/modules
cat /proc/sys/kernel/tainted
cat /sys/module/fat/taint
cat /sys/module/fat/refcnt
ls /sys/module/fat/holders/
cat /sys/module/vfat/coresize
cat /sys/module/vfat/initsize
cat /sys/module/vfat/sections/.text
rmmod fat
rmmod vfat
rmmod fat
lsmod
