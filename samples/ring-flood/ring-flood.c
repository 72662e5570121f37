// SPDX-License-Identifier: GPL-2.0
/*
 * ring-flood.c - log count numbered lines from init, enough (count=2000) to fill the printk ring
 * buffer (Debian: CONFIG_LOG_BUF_SHIFT=17, 128 KiB of text) so that the oldest records, the boot
 * messages first, are overwritten: dmesg then starts in the middle of the flood.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static int count = 10;
module_param(count, int, 0444);
MODULE_PARM_DESC(count, "How many lines to log");

static int __init ring_flood_init(void)
{
	int i;

	for (i = 0; i < count; i++)
		pr_info("ring-flood: line %05d of %05d: the quick brown fox jumps over the lazy dog\n", i + 1, count);
	return 0;
}

static void __exit ring_flood_exit(void)
{
	pr_info("ring-flood: unloaded\n");
}

module_init(ring_flood_init);
module_exit(ring_flood_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Logs count lines, to wrap the printk ring buffer");
