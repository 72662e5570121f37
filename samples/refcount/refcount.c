// SPDX-License-Identifier: GPL-2.0
/*
 * refcount.c - the module takes a reference on itself in init (try_module_get(THIS_MODULE)), so
 * /sys/module/refcount/refcnt is 1 and rmmod is refused, until
 *   echo 1 > /sys/module/refcount/parameters/release
 * runs the parameter's set() callback, which drops it again (module_put(THIS_MODULE)).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static bool held;

static int release_set(const char *val, const struct kernel_param *kp)
{
	bool release;
	int ret = kstrtobool(val, &release);

	if (ret)
		return ret;
	if (release && held) {
		held = false;
		module_put(THIS_MODULE);
		pr_info("refcount: reference released\n");
	}
	return 0;
}

static int release_get(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%c\n", held ? 'N' : 'Y');
}

static const struct kernel_param_ops release_ops = {
	.set = release_set,
	.get = release_get,
};
module_param_cb(release, &release_ops, NULL, 0644);
MODULE_PARM_DESC(release, "Write 1 to drop the reference init took");

static int __init refcount_init(void)
{
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	held = true;
	pr_info("refcount: holding a reference on myself\n");
	return 0;
}

static void __exit refcount_exit(void)
{
	pr_info("refcount: unloaded (%s)\n", held ? "reference still held" : "released");
}

module_init(refcount_init);
module_exit(refcount_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("try_module_get/module_put on THIS_MODULE: rmmod refused until released");
