# main.c + helper.c linked into one module named multi (Kbuild: multi-objs := main.o helper.o).
modinfo ../../../samples/multi-file/multi.ko
insmod ../../../samples/multi-file/multi.ko
lsmod
grep -w multi /proc/kallsyms
rmmod multi
