// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - half of multi.ko: the module's init and exit, which call into helper.c. Kbuild links
 * main.o and helper.o into multi.o (multi-objs), so the module is called "multi", the name of
 * neither source file.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include "multi.h"

static int __init multi_init(void)
{
	pr_info("multi: init in main.c, 6 * 7 = %d from helper.c\n", multi_times(6, 7));
	return 0;
}

static void __exit multi_exit(void)
{
	pr_info("multi: exit in main.c, %s\n", multi_farewell());
}

module_init(multi_init);
module_exit(multi_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Two source files, one module with its own name");
