// SPDX-License-Identifier: GPL-2.0
/*
 * missing-symbol.c - calls a function that no kernel and no module exports. The compiler takes the
 * extern declaration on trust; modpost cannot find the symbol in any Module.symvers and warns
 * (build.sh sets KBUILD_MODPOST_WARN=1, else it is an error); at load time simplify_symbols()
 * finds no export either: "Unknown symbol modscope_nobody_exports (err -2)", insmod gets ENOENT.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

extern int modscope_nobody_exports(void);

static int __init missing_symbol_init(void)
{
	pr_info("missing-symbol: got %d\n", modscope_nobody_exports());
	return 0;
}

static void __exit missing_symbol_exit(void)
{
	pr_info("missing-symbol: unloaded\n");
}

module_init(missing_symbol_init);
module_exit(missing_symbol_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Uses a symbol nobody exports");
