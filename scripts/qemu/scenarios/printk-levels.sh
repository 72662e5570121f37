# One message per level. All of them reach the log (each command's kmsg); which reach the console
# (the transcript's "console") depends on console_loglevel, the first number of
# /proc/sys/kernel/printk: booted quiet it is 4 (levels 0-3 printed), then 8 (all), then 1 (none
# but KERN_EMERG), then 7 (all but KERN_DEBUG).
cat /proc/sys/kernel/printk
insmod ../../../samples/printk-levels/printk-levels.ko
rmmod printk_levels
echo 8 > /proc/sys/kernel/printk
cat /proc/sys/kernel/printk
insmod ../../../samples/printk-levels/printk-levels.ko
rmmod printk_levels
dmesg -n 1
cat /proc/sys/kernel/printk
insmod ../../../samples/printk-levels/printk-levels.ko
rmmod printk_levels
echo 7 4 1 7 > /proc/sys/kernel/printk
cat /proc/sys/kernel/printk
insmod ../../../samples/printk-levels/printk-levels.ko
rmmod printk_levels
