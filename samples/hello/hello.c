// SPDX-License-Identifier: GPL-2.0
/*
 * hello.c - the smallest useful module for Modscope: two parameters,
 * an init function that greets and an exit function that says goodbye.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static int count = 1;
module_param(count, int, 0644);
MODULE_PARM_DESC(count, "How many times to greet");

static char *whom = "world";
module_param(whom, charp, 0444);
MODULE_PARM_DESC(whom, "Who to greet");

static int __init hello_init(void)
{
	int i;

	if (count < 0) {
		printk(KERN_ALERT "hello: count=%d is negative\n", count);
		return -EINVAL;
	}
	printk(KERN_DEBUG "hello: greeting %d time(s)\n", count);
	for (i = 0; i < count; i++)
		printk(KERN_INFO "Hello, %s\n", whom);
	return 0;
}

static void __exit hello_exit(void)
{
	printk(KERN_INFO "Goodbye\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Greets <whom> <count> times on load, says goodbye on unload");
