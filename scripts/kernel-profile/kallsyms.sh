# The real kernel's symbol table, for the kernel profile: boot 6.1.0-50-amd64 under QEMU (nokaslr,
# no module loaded) and, as root, dump /proc/kallsyms (kptr_restrict is 0 on Debian: real addresses)
# and the kprobe blacklist (register_kprobe() refuses these). Run by kallsyms.mjs, which caches it.
cat /proc/sys/kernel/kptr_restrict
cat /proc/kallsyms
mount -t debugfs none /sys/kernel/debug && cat /sys/kernel/debug/kprobes/blacklist
