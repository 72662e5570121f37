# amdgpu.ko on QEMU's PC (no AMD GPU): its 12 dependencies in modprobe's order, then amdgpu itself;
# init runs (kfd topology, ACPI lookups, PCI driver registration) and returns 0 with nothing to probe.
# The ACPI tables this machine's firmware provides are dumped too (the model answers acpi_get_table with them).
ls /sys/firmware/acpi/tables/
for t in FACP DSDT APIC HPET WAET; do echo $t; od -An -tx1 -v /sys/firmware/acpi/tables/$t; done
insmod corpus:kernel/drivers/gpu/drm/drm.ko
insmod corpus:kernel/drivers/gpu/drm/ttm/ttm.ko
insmod corpus:kernel/drivers/media/rc/rc-core.ko
insmod corpus:kernel/drivers/media/cec/core/cec.ko
insmod corpus:kernel/drivers/gpu/drm/drm_kms_helper.ko
insmod corpus:kernel/drivers/gpu/drm/display/drm_display_helper.ko
insmod corpus:kernel/drivers/gpu/drm/drm_buddy.ko
insmod corpus:kernel/drivers/i2c/algos/i2c-algo-bit.ko
insmod corpus:kernel/drivers/gpu/drm/scheduler/gpu-sched.ko
insmod corpus:kernel/drivers/platform/x86/wmi.ko
insmod corpus:kernel/drivers/acpi/video.ko
insmod corpus:kernel/drivers/gpu/drm/drm_ttm_helper.ko
insmod corpus:kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko
echo $?
lsmod
cat /proc/sys/kernel/tainted
grep MemTotal /proc/meminfo
