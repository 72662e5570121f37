// SPDX-License-Identifier: GPL-2.0
/*
 * permanent.c - has an init function but no exit function: once loaded it can
 * never be removed (rmmod fails with EBUSY, /proc/modules shows "[permanent],").
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init permanent_init(void)
{
	pr_info("permanent: loaded for good (no exit function)\n");
	return 0;
}

module_init(permanent_init);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("No module_exit: cannot be unloaded");
