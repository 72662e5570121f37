// SPDX-License-Identifier: GPL-2.0
/*
 * proprietary.c - a non-GPL module that only uses non-GPL exports (printk):
 * it loads fine but taints the kernel with 'P'.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init proprietary_init(void)
{
	printk(KERN_INFO "proprietary: loaded\n");
	return 0;
}

static void __exit proprietary_exit(void)
{
	printk(KERN_INFO "proprietary: unloaded\n");
}

module_init(proprietary_init);
module_exit(proprietary_exit);

MODULE_LICENSE("Proprietary");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Non-GPL module: taints the kernel (P)");
