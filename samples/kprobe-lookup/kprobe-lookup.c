// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe-lookup.c - the course's trick for finding the address of a kernel function that is not
 * exported: register a kprobe on it by name (the kprobes core looks the name up in kallsyms and
 * fills kp.addr), read the address, and unregister the probe at once.
 */
#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/printk.h>

static struct kprobe kp = {
	.symbol_name = "flush_tlb_all",
};

static int __init kprobe_lookup_init(void)
{
	int ret = register_kprobe(&kp);

	if (ret < 0) {
		pr_err("kprobe-lookup: register_kprobe(%s) failed: %d\n", kp.symbol_name, ret);
		return ret;
	}
	pr_info("kprobe-lookup: %s is at %px\n", kp.symbol_name, kp.addr);
	unregister_kprobe(&kp);
	return 0;
}

static void __exit kprobe_lookup_exit(void)
{
	pr_info("kprobe-lookup: unloaded\n");
}

module_init(kprobe_lookup_init);
module_exit(kprobe_lookup_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Find a kernel function's address with register_kprobe");
