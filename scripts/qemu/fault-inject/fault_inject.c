// SPDX-License-Identifier: GPL-2.0
/*
 * fault_inject.c - make one kernel function fail, once, inside the next insmod's finit_module(): the
 * kernel-side faults of Modscope's "what if...?" reproduced on Debian's 6.1 kernel, which has kprobes
 * but no fault-injection framework (CONFIG_FAULT_INJECTION and CONFIG_FUNCTION_ERROR_INJECTION are off).
 *
 *   insmod fault_inject.ko func=module_alloc nth=2 ret=0            the 2nd module_alloc() returns NULL
 *   insmod fault_inject.ko func=__kmalloc caller=mod_sysfs_setup nth=1 ret=0
 *   insmod fault_inject.ko func=resolve_symbol match=_printk ret=-12 resolve_symbol(.., "_printk", ..) fails
 *
 * A kprobe on FUNC's entry skips the function the way the kernel's own fail_function does
 * (override_function_with_return()): the pre-handler sets the return value in regs->ax and points
 * regs->ip at a bare "ret", so FUNC does nothing and its caller sees RET. Skipping, not a kretprobe
 * that rewrites the value afterwards, so the failed function leaves nothing behind (a kretprobe on
 * mod_sysfs_setup would leave /sys/module/NAME in place while the kernel thinks it failed).
 *
 * Only calls made by the task inside the next finit_module() count (a kretprobe on __x64_sys_finit_module
 * arms and disarms); "caller" keeps calls whose return address is in that function ("%ps"), "match" keeps
 * calls whose third argument (rdx) is that string. The fault fires once; /sys/module/fault_inject/
 * parameters/hits says whether it did and calls how many calls were counted.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>

static char *func;
module_param(func, charp, 0444);
MODULE_PARM_DESC(func, "the function to make fail");
static char *caller;
module_param(caller, charp, 0444);
MODULE_PARM_DESC(caller, "count only calls from this function");
static char *match;
module_param(match, charp, 0444);
MODULE_PARM_DESC(match, "count only calls whose third argument is this string");
static int nth = 1;
module_param(nth, int, 0444);
MODULE_PARM_DESC(nth, "fail the nth counted call");
static long ret;
module_param(ret, long, 0444);
MODULE_PARM_DESC(ret, "the value the function returns instead (0 = NULL, -12 = -ENOMEM or ERR_PTR(-ENOMEM))");
static int hits;
module_param(hits, int, 0444);
static int calls;
module_param(calls, int, 0444);

static struct task_struct *armed;
static bool fired;

/*
 * Where an overridden function "returns" through: a function that only returns (through the return
 * thunk, as every function here does), with the caller's return address still on the stack. It touches
 * no register, so the caller sees regs->ax as the return value.
 */
static noinline notrace void fault_inject_return(void)
{
	barrier();
}

static int fi_pre(struct kprobe *p, struct pt_regs *regs)
{
	char sym[KSYM_SYMBOL_LEN];

	if (fired || current != READ_ONCE(armed))
		return 0;
	if (caller) {
		snprintf(sym, sizeof(sym), "%ps", (void *)*(unsigned long *)regs->sp);
		if (strcmp(sym, caller))
			return 0;
	}
	if (match && (!regs->dx || strcmp((const char *)regs->dx, match)))
		return 0;
	if (++calls != nth)
		return 0;
	fired = true;
	hits++;
	regs->ax = (unsigned long)ret;
	regs->ip = (unsigned long)fault_inject_return;
	return 1;
}

/*
 * A post-handler, though it never has work: a kprobe with one is never optimized into a jump
 * (optimize_kprobe(), kernel/kprobes.c), and an optimized probe ignores the pre-handler's new regs->ip —
 * the function would run all the same. (lib/kobject.c is built without ftrace, so kobject_set_name_vargs
 * gets an int3 probe, which the optimizer would turn into a jump.)
 */
static void fi_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
}

static struct kprobe kp = { .pre_handler = fi_pre, .post_handler = fi_post };

static int fi_arm(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (!fired && !READ_ONCE(armed)) {
		calls = 0;
		WRITE_ONCE(armed, current);
	}
	return 0;
}

static int fi_disarm(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (READ_ONCE(armed) == current)
		WRITE_ONCE(armed, NULL);
	return 0;
}

static struct kretprobe krp = {
	.kp.symbol_name = "__x64_sys_finit_module",
	.entry_handler = fi_arm,
	.handler = fi_disarm,
	.maxactive = 4,
};

static int __init fault_inject_init(void)
{
	int err;

	if (!func || nth < 1)
		return -EINVAL;
	kp.symbol_name = func;
	err = register_kprobe(&kp);
	if (err)
		return err;
	err = register_kretprobe(&krp);
	if (err)
		unregister_kprobe(&kp);
	return err;
}

static void __exit fault_inject_exit(void)
{
	unregister_kretprobe(&krp);
	unregister_kprobe(&kp);
}

module_init(fault_inject_init);
module_exit(fault_inject_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Modscope team");
MODULE_DESCRIPTION("Make one kernel function fail once during the next finit_module(), for what-if recordings");
