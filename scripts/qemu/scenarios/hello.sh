# hello.ko: load with parameters, read and write them through sysfs, inspect /sys/module/hello,
# lsmod and /proc/modules, section addresses and kallsyms (real addresses: we run as root), unload.
cat /proc/sys/kernel/printk
cat /proc/sys/kernel/tainted
cat /proc/sys/kernel/kptr_restrict
modinfo ../../../samples/hello/hello.ko
insmod ../../../samples/hello/hello.ko count=3 whom=there
cat /proc/sys/kernel/tainted
lsmod
cat /proc/modules
# vmallocinfo hides addresses (____ptrval____) but shows who owns the start of the module area
grep -e load_module -e bpf_prog_pack /proc/vmallocinfo
ls -l /sys/module/hello/parameters/
cat /sys/module/hello/parameters/count
cat /sys/module/hello/parameters/whom
echo 5 > /sys/module/hello/parameters/count
cat /sys/module/hello/parameters/count
echo abc > /sys/module/hello/parameters/count
cat /sys/module/hello/parameters/count
echo someone > /sys/module/hello/parameters/whom
ls -a /sys/module/hello/
cat /sys/module/hello/taint
cat /sys/module/hello/coresize
cat /sys/module/hello/initsize
cat /sys/module/hello/refcnt
cat /sys/module/hello/initstate
ls /sys/module/hello/holders/
cat /sys/module/hello/srcversion
ls /sys/module/hello/sections/ -a
cat /sys/module/hello/sections/.text
cat /sys/module/hello/sections/.exit.text
cat /sys/module/hello/sections/.init.text
cat /sys/module/hello/sections/.gnu.linkonce.this_module
cd /sys/module/hello/sections && for f in .* *; do [ -f "$f" ] && echo "$f $(cat "$f")"; done
grep -w hello /proc/kallsyms
grep -c . /proc/kallsyms
rmmod hello
lsmod
cat /proc/modules
ls /sys/module/hello
cat /proc/sys/kernel/tainted
dmesg | tail -n 12
