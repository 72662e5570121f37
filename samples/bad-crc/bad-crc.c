// SPDX-License-Identifier: GPL-2.0
/*
 * bad-crc.c - an ordinary module; build.sh then changes the CRC recorded for _printk in its
 * __versions section (patch-crc.mjs), as if it had been built against another kernel's headers.
 * check_version() compares it with the kernel's CRC of _printk and refuses the module:
 * "bad_crc: disagrees about version of symbol _printk".
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init bad_crc_init(void)
{
	pr_info("bad-crc: loaded (the CRC check did not run?)\n");
	return 0;
}

static void __exit bad_crc_exit(void)
{
	pr_info("bad-crc: unloaded\n");
}

module_init(bad_crc_init);
module_exit(bad_crc_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("A __versions CRC that disagrees with the kernel's");
