# Module signatures on the real kernel. Debian signs every module with the build-time key built into vmlinux
# (CONFIG_MODULE_SIG_ALL); module_sig_check() (kernel/module/signing.c) verifies it. CONFIG_MODULE_SIG_FORCE
# is off, so an unsigned module still loads (tainted E), but a signature that does not match is refused with
# -EKEYREJECTED all the same. The changed copies are made with `modscope whatif … --save`.
#! make changed.ko from corpus:kernel/fs/fat/vfat.ko byte:0x100=0x44
#! make badsig.ko from corpus:kernel/fs/fat/vfat.ko signature:corrupt
#! make unsigned.ko from corpus:kernel/fs/fat/vfat.ko signature:strip
insmod corpus:kernel/fs/fat/fat.ko
cat /proc/sys/kernel/tainted
insmod changed.ko
insmod badsig.ko
cat /proc/sys/kernel/tainted
insmod unsigned.ko
cat /proc/sys/kernel/tainted
lsmod
