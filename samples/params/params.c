// SPDX-License-Identifier: GPL-2.0
/*
 * params.c - one module parameter of every standard type (permission 0644, so sysfs shows and
 * writes them), init prints them; p_hidden (permission 0) and p_readonly (0444) show what the
 * permission decides. Every parameter has a MODULE_PARM_DESC (modinfo's "parm:" lines).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static unsigned char p_byte = 1;
module_param(p_byte, byte, 0644);
MODULE_PARM_DESC(p_byte, "An unsigned char (byte), 0..255");
static short p_short = -2;
module_param(p_short, short, 0644);
MODULE_PARM_DESC(p_short, "A short, -32768..32767");
static unsigned short p_ushort = 3;
module_param(p_ushort, ushort, 0644);
MODULE_PARM_DESC(p_ushort, "An unsigned short, 0..65535");
static int p_int = -4;
module_param(p_int, int, 0644);
MODULE_PARM_DESC(p_int, "An int");
static unsigned int p_uint = 5;
module_param(p_uint, uint, 0644);
MODULE_PARM_DESC(p_uint, "An unsigned int");
static long p_long = -6;
module_param(p_long, long, 0644);
MODULE_PARM_DESC(p_long, "A long (64 bits on x86-64)");
static unsigned long p_ulong = 7;
module_param(p_ulong, ulong, 0644);
MODULE_PARM_DESC(p_ulong, "An unsigned long");
static unsigned long long p_ullong = 8;
module_param(p_ullong, ullong, 0644);
MODULE_PARM_DESC(p_ullong, "An unsigned long long");
static unsigned int p_hexint = 0x9;
module_param(p_hexint, hexint, 0644);
MODULE_PARM_DESC(p_hexint, "An unsigned int, shown in hex in sysfs");
static char *p_charp = "ten";
module_param(p_charp, charp, 0644);
MODULE_PARM_DESC(p_charp, "A string: the kernel keeps a pointer to a copy");
static bool p_bool;
module_param(p_bool, bool, 0644);
MODULE_PARM_DESC(p_bool, "A bool: y/n/1/0 (and Y/N)");
static bool p_invbool;
module_param(p_invbool, invbool, 0644);
MODULE_PARM_DESC(p_invbool, "A bool stored inverted");
static int p_bint;
module_param(p_bint, bint, 0644);
MODULE_PARM_DESC(p_bint, "An int that accepts only bool values");
static int p_array[4] = { 1, 2 };
static unsigned int p_array_count = 2;
module_param_array(p_array, int, &p_array_count, 0644);
MODULE_PARM_DESC(p_array, "Up to 4 ints, comma separated; p_array_count says how many were given");
static char p_string[8] = "str";
module_param_string(p_string, p_string, sizeof(p_string), 0644);
MODULE_PARM_DESC(p_string, "Copied into a char[8]");
/* Permission 0: settable at load time only, no file under /sys/module/params/parameters/. */
static int p_hidden = 11;
module_param(p_hidden, int, 0);
MODULE_PARM_DESC(p_hidden, "Permission 0: not in sysfs");
/* Permission 0444: the file is there, but read-only, even for root. */
static int p_readonly = 12;
module_param(p_readonly, int, 0444);
MODULE_PARM_DESC(p_readonly, "Permission 0444: read-only in sysfs");

static int __init params_init(void)
{
	unsigned int i;

	pr_info("params: byte=%u short=%d ushort=%u int=%d uint=%u\n",
		p_byte, p_short, p_ushort, p_int, p_uint);
	pr_info("params: long=%ld ulong=%lu ullong=%llu hexint=0x%x\n",
		p_long, p_ulong, p_ullong, p_hexint);
	pr_info("params: charp=%s bool=%d invbool=%d bint=%d string=%s\n",
		p_charp, p_bool, p_invbool, p_bint, p_string);
	pr_info("params: array has %u element(s)\n", p_array_count);
	for (i = 0; i < p_array_count; i++)
		pr_info("params: array[%u]=%d\n", i, p_array[i]);
	return 0;
}

static void __exit params_exit(void)
{
	pr_info("params: unloaded\n");
}

module_init(params_init);
module_exit(params_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("One parameter of every type");
