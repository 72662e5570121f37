#include <linux/module.h>
#include <linux/kernel.h>
/* Ground truth for Modscope's ftrace_module_init(): the first bytes of a .text function and of init, as init runs. */
static noinline int probe_fn(int x) { return x * 3 + 1; }
static int __init probe_init(void)
{
	const u8 *p = (const u8 *)probe_fn;
	const u8 *q = (const u8 *)probe_init;
	pr_info("ftrace_probe: probe_fn %*ph init %*ph r=%d\n", 8, p, 8, q, probe_fn(2));
	return -ENODEV;
}
module_init(probe_init);
MODULE_LICENSE("GPL");
