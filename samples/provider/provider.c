// SPDX-License-Identifier: GPL-2.0
/*
 * provider.c - exports one GPL-only function and one plain int for consumer.ko.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

int provider_value = 42;
EXPORT_SYMBOL(provider_value);

void provider_greet(const char *who)
{
	pr_info("provider: greetings, %s (value=%d)\n", who, provider_value);
}
EXPORT_SYMBOL_GPL(provider_greet);

static int __init provider_init(void)
{
	pr_info("provider: loaded, exporting provider_greet and provider_value\n");
	return 0;
}

static void __exit provider_exit(void)
{
	pr_info("provider: unloaded\n");
}

module_init(provider_init);
module_exit(provider_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Exports provider_greet (GPL-only) and provider_value");
