// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose init reads through a NULL pointer: the oops test of engine/cpu/oops.test.ts.
 * The pointer comes from a module parameter so the compiler cannot see it is NULL; warn=1 adds a
 * WARN_ON() first, where=1 a BUG() (both from the module's __bug_table).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static unsigned long where;
module_param(where, ulong, 0444);
MODULE_PARM_DESC(where, "address init reads from (default NULL); 1 is BUG()");
static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN() before reading");

static int __init null_deref_init(void)
{
	int *p = (int *)where;

	/* Enough code before the fault for show_opcodes()' 42 bytes of prologue. */
	pr_info("null_deref: init starts\n");
	pr_info("null_deref: where=%lu\n", where);
	WARN_ON(warn);
	BUG_ON(where == 1);
	pr_info("null_deref: reading *%px\n", p);
	return *p;
}

static void __exit null_deref_exit(void)
{
}

module_init(null_deref_init);
module_exit(null_deref_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("init dereferences NULL (oops test)");
