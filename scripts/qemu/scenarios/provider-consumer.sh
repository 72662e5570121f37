# Symbol dependencies between two out-of-tree modules: consumer.ko uses provider_greet (GPL-only)
# and provider_value, both exported by provider.ko.
insmod ../../../samples/consumer/consumer.ko
lsmod
insmod ../../../samples/provider/provider.ko
insmod ../../../samples/consumer/consumer.ko
lsmod
cat /proc/modules
cat /sys/module/provider/refcnt
ls /sys/module/provider/holders/
ls /sys/module/consumer/holders/
grep -w -e provider -e consumer /proc/kallsyms
rmmod provider
rmmod consumer
cat /sys/module/provider/refcnt
rmmod provider
lsmod
