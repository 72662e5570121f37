// SPDX-License-Identifier: GPL-2.0
/*
 * gplonly.c - calls ktime_get(), an EXPORT_SYMBOL_GPL kernel function.
 * Built as "Dual MIT/GPL" (modpost would refuse a non-GPL module using a
 * GPL-only symbol); build.sh then patches the license in the .ko to
 * "Proprietary" (same length) so the kernel refuses the symbol at load time.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

static int __init gplonly_init(void)
{
	pr_info("gplonly: ktime_get()=%lld\n", ktime_get());
	return 0;
}

static void __exit gplonly_exit(void)
{
	pr_info("gplonly: unloaded\n");
}

module_init(gplonly_init);
module_exit(gplonly_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Uses the GPL-only ktime_get; license patched to Proprietary after build");
