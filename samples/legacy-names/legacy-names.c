// SPDX-License-Identifier: GPL-2.0
/*
 * legacy-names.c - the Linux 2.4 way: the kernel finds the entry points by their names,
 * init_module() and cleanup_module(), without module_init()/module_exit(). Since 2.6 the macros
 * only make these two names aliases of the functions they are given; the generated .mod.c still
 * points struct module's init and exit at "init_module" and "cleanup_module".
 */
#include <linux/module.h>
#include <linux/printk.h>

int init_module(void)
{
	pr_info("legacy-names: init_module() called by name\n");
	return 0;
}

void cleanup_module(void)
{
	pr_info("legacy-names: cleanup_module() called by name\n");
}

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("init_module/cleanup_module without module_init/module_exit");
