// SPDX-License-Identifier: GPL-2.0
/*
 * consumer.c - uses the two symbols exported by provider.ko, so it can only
 * be loaded after provider.ko, and provider.ko cannot be removed while it is loaded.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

extern int provider_value;
void provider_greet(const char *who);

static int __init consumer_init(void)
{
	pr_info("consumer: provider_value=%d\n", provider_value);
	provider_greet("consumer");
	return 0;
}

static void __exit consumer_exit(void)
{
	pr_info("consumer: unloaded\n");
}

module_init(consumer_init);
module_exit(consumer_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Calls provider_greet and reads provider_value from provider.ko");
