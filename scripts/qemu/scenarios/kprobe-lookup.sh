# register_kprobe() by name fills kp.addr: the same address /proc/kallsyms gives (booted nokaslr).
grep -w flush_tlb_all /proc/kallsyms
insmod ../../../samples/kprobe-lookup/kprobe-lookup.ko
lsmod
rmmod kprobe_lookup
