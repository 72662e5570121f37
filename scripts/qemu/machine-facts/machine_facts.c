// SPDX-License-Identifier: GPL-2.0
/*
 * Prints, once at init, the kernel variables a module can read about the machine it runs on, so that
 * scripts/qemu/machine-facts.mjs can record them from the real kernel under QEMU (the modelled kernel
 * seeds its vmlinux variables from that record). Loaded only in that capture boot; init returns
 * -EAGAIN so it never stays loaded.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/jiffies.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <asm/processor.h>
#include <asm/page.h>

static void dump(const char *name, const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i += 32)
		pr_info("hex %s %zx %*phN\n", name, i, (int)min_t(size_t, 32, n - i), b + i);
}

static int __init machine_facts_init(void)
{
	struct sysinfo si;

	si_meminfo(&si);
	pr_info("var _totalram_pages %lx\n", totalram_pages());
	pr_info("var __per_cpu_offset0 %lx\n", __per_cpu_offset[0]);
	pr_info("var nr_cpu_ids %x\n", nr_cpu_ids);
	pr_info("var high_memory %lx\n", (unsigned long)high_memory);
	pr_info("var page_offset_base %lx\n", page_offset_base);
	pr_info("var vmalloc_base %lx\n", vmalloc_base);
	pr_info("var vmemmap_base %lx\n", vmemmap_base);
	pr_info("var loops_per_jiffy %lx\n", loops_per_jiffy);
	pr_info("var sizeof_cpuinfo_x86 %zx\n", sizeof(boot_cpu_data));
	pr_info("si totalram %lx freeram %lx sharedram %lx bufferram %lx totalhigh %lx freehigh %lx mem_unit %x\n",
		si.totalram, si.freeram, si.sharedram, si.bufferram, si.totalhigh, si.freehigh, si.mem_unit);
	dump("boot_cpu_data", &boot_cpu_data, sizeof(boot_cpu_data));
	return -EAGAIN;
}

module_init(machine_facts_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Prints the machine's kernel variables (Modscope capture)");
