// SPDX-License-Identifier: GPL-2.0
/*
 * printk-levels.c - one message at each of the eight log levels, a line continued with KERN_CONT,
 * and pr_info()/pr_debug(). Which of them reach the console depends on console_loglevel (the first
 * number of /proc/sys/kernel/printk, or dmesg -n): a message is printed there when its level is
 * lower (more urgent) than console_loglevel. All of them are in the log (dmesg) either way, except
 * pr_debug(): with CONFIG_DYNAMIC_DEBUG it is off until enabled through dynamic debug.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init printk_levels_init(void)
{
	printk(KERN_EMERG "printk-levels: 0 KERN_EMERG\n");
	printk(KERN_ALERT "printk-levels: 1 KERN_ALERT\n");
	printk(KERN_CRIT "printk-levels: 2 KERN_CRIT\n");
	printk(KERN_ERR "printk-levels: 3 KERN_ERR\n");
	printk(KERN_WARNING "printk-levels: 4 KERN_WARNING\n");
	printk(KERN_NOTICE "printk-levels: 5 KERN_NOTICE\n");
	printk(KERN_INFO "printk-levels: 6 KERN_INFO\n");
	printk(KERN_DEBUG "printk-levels: 7 KERN_DEBUG\n");
	printk(KERN_INFO "printk-levels: a line in");
	printk(KERN_CONT " three");
	printk(KERN_CONT " pieces\n");
	pr_info("printk-levels: pr_info is KERN_INFO\n");
	pr_debug("printk-levels: pr_debug is off unless enabled\n");
	return 0;
}

static void __exit printk_levels_exit(void)
{
	pr_notice("printk-levels: unloaded\n");
}

module_init(printk_levels_init);
module_exit(printk_levels_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("One message per printk level, for console_loglevel filtering");
