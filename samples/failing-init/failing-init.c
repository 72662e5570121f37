// SPDX-License-Identifier: GPL-2.0
/*
 * failing-init.c - init prints a line and then fails with -ENODEV, so the
 * module is never listed. The file name has a '-': the module is called
 * failing_init inside the kernel (KBUILD_MODNAME turns '-' into '_').
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/errno.h>

static int __init failing_init_init(void)
{
	pr_info("failing_init: no device found, giving up\n");
	return -ENODEV;
}

static void __exit failing_init_exit(void)
{
	pr_info("failing_init: never printed\n");
}

module_init(failing_init_init);
module_exit(failing_init_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("init returns -ENODEV");
