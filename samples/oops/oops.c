// SPDX-License-Identifier: GPL-2.0
/*
 * oops.c - init reads through a NULL pointer. The page fault in kernel mode becomes an oops: the
 * kernel prints BUG:/#PF:/Oops:/RIP: and the registers, kills the task (insmod), and the module
 * stays half loaded ("Loading" in lsmod, initstate "coming") because init never returned.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

/* A parameter, so the compiler cannot prove it is NULL and must emit the load. */
static unsigned long target;
module_param(target, ulong, 0);
MODULE_PARM_DESC(target, "Address to read in init (default NULL)");

static int __init null_deref_init(void)
{
	pr_info("oops: reading an int at 0x%lx\n", target);
	pr_info("oops: read %d\n", *(int *)target);
	return 0;
}

static void __exit null_deref_exit(void)
{
	pr_info("oops: unloaded\n");
}

module_init(null_deref_init);
module_exit(null_deref_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("A NULL pointer dereference in init");
