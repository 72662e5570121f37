// SPDX-License-Identifier: GPL-2.0
/*
 * Prints, once at init, the struct acpi_device of QEMU's fixed-feature power button (LNXPWRBN:00, which button.ko's
 * acpi_button_add() gets from acpi_bus_register_driver()) as the real kernel built it at boot (drivers/acpi/scan.c
 * acpi_bus_scan_fixed()): the layout of this build (sizeof, offsetof of the fields a driver and the bus read), the
 * field values, its IDs (pnp.ids), its sysfs path, and of struct acpi_driver and struct input_dev the offsets the
 * model uses. scripts/qemu/acpi-pwrbn-probe.mjs boots it (captureBoot). Init returns -EAGAIN: never stays loaded.
 */
#include <linux/module.h>
#include <linux/acpi.h>
#include <linux/input.h>
#include <linux/slab.h>

#define OFF(type, field) pr_info("offset %s %s %zu\n", #type, #field, offsetof(struct type, field))

static int __init acpi_pwrbn_probe_init(void)
{
	struct acpi_device *adev = acpi_dev_get_first_match_dev("LNXPWRBN", NULL, -1);
	struct acpi_hardware_id *id;
	char *path;
	const u32 *w;
	size_t i;

	pr_info("sizeof acpi_device %zu acpi_hardware_id %zu acpi_driver %zu input_dev %zu\n", sizeof(struct acpi_device),
		sizeof(struct acpi_hardware_id), sizeof(struct acpi_driver), sizeof(struct input_dev));
	OFF(acpi_device, device_type);
	OFF(acpi_device, handle);
	OFF(acpi_device, fwnode);
	OFF(acpi_device, wakeup_list);
	OFF(acpi_device, del_list);
	OFF(acpi_device, status);
	OFF(acpi_device, flags);
	OFF(acpi_device, pnp);
	OFF(acpi_device, pnp.bus_id);
	OFF(acpi_device, pnp.instance_no);
	OFF(acpi_device, pnp.type);
	OFF(acpi_device, pnp.bus_address);
	OFF(acpi_device, pnp.unique_id);
	OFF(acpi_device, pnp.ids);
	OFF(acpi_device, pnp.device_name);
	OFF(acpi_device, pnp.device_class);
	OFF(acpi_device, pnp.str_obj);
	OFF(acpi_device, power);
	OFF(acpi_device, wakeup);
	OFF(acpi_device, performance);
	OFF(acpi_device, dir);
	OFF(acpi_device, data);
	OFF(acpi_device, handler);
	OFF(acpi_device, hp);
	OFF(acpi_device, driver_gpios);
	OFF(acpi_device, driver_data);
	OFF(acpi_device, dev);
	OFF(acpi_device, physical_node_count);
	OFF(acpi_device, dep_unmet);
	OFF(acpi_device, physical_node_list);
	OFF(acpi_device, physical_node_lock);
	OFF(acpi_device, remove);
	OFF(acpi_hardware_id, id);
	OFF(acpi_driver, ids);
	OFF(acpi_driver, flags);
	OFF(acpi_driver, ops.add);
	OFF(acpi_driver, ops.remove);
	OFF(acpi_driver, ops.notify);
	OFF(acpi_driver, drv);
	OFF(acpi_driver, owner);
	OFF(input_dev, name);
	OFF(input_dev, phys);
	OFF(input_dev, id);
	OFF(input_dev, evbit);
	OFF(input_dev, keybit);
	OFF(input_dev, dev);
	OFF(device, power);
	OFF(device, power.wakeup);
	if (!adev) {
		pr_info("LNXPWRBN not found\n");
		return -EAGAIN;
	}
	path = kobject_get_path(&adev->dev.kobj, GFP_KERNEL);
	pr_info("device %s path %s driver %px handler %px handle %px parent %s\n", dev_name(&adev->dev), path,
		adev->dev.driver, adev->handler, adev->handle, adev->dev.parent ? dev_name(adev->dev.parent) : "-");
	kfree(path);
	pr_info("pnp bus_id '%s' instance_no %d unique_id %s device_name '%s' device_class '%s' str_obj %px\n", adev->pnp.bus_id,
		adev->pnp.instance_no, adev->pnp.unique_id ?: "(null)", adev->pnp.device_name, adev->pnp.device_class,
		adev->pnp.str_obj);
	pr_info("hid %s\n", acpi_device_hid(adev));
	list_for_each_entry(id, &adev->pnp.ids, list)
		pr_info("id %s\n", id->id);
	pr_info("can_wakeup %d wakeup %px\n", adev->dev.power.can_wakeup, adev->dev.power.wakeup);
	w = (const u32 *)adev;
	for (i = 0; i < offsetof(struct acpi_device, dev) / 4; i += 8)
		pr_info("words %zx %08x %08x %08x %08x %08x %08x %08x %08x\n", i * 4, w[i], w[i + 1], w[i + 2], w[i + 3],
			w[i + 4], w[i + 5], w[i + 6], w[i + 7]);
	acpi_dev_put(adev);
	return -EAGAIN;
}

module_init(acpi_pwrbn_probe_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Modscope capture: the ACPI power button device of the QEMU PC");
