# Recorded with: node scripts/qemu/run-scenario.mjs scripts/qemu/recordings/leds-uevent.sh --out scripts/qemu/recordings/leds-uevent.qemu.json
# What rfkill's LED work and cfg80211's uevent meet on the recording machine (issue #12): the LED class devices
# (the AT keyboard's three input LEDs, each on its kbd-* trigger, none on an rfkill trigger), the uevent helper
# (CONFIG_UEVENT_HELPER is not set in Debian's 6.1 config: no /sys/kernel/uevent_helper, no /proc/sys/kernel/hotplug)
# and the uevent netlink listeners (no udev/mdev in the busybox initramfs).
ls /sys/class/leds
ls /sys/class/leds | wc -l
for l in /sys/class/leds/*; do echo "$l: $(cat $l/trigger | grep -o '\[[^]]*\]')"; done
ls /sys/kernel/uevent_helper
cat /proc/sys/kernel/hotplug
grep -c . /proc/net/netlink
cat /proc/net/netlink
insmod corpus:kernel/net/rfkill/rfkill.ko
insmod corpus:kernel/net/wireless/cfg80211.ko
ls /sys/class/leds | wc -l
for l in /sys/class/leds/*; do echo "$l: $(cat $l/trigger)"; done
cat /sys/devices/platform/regulatory.0/uevent
ls /sys/class/ieee80211
dmesg | tail -n 8
