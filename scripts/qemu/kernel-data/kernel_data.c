// SPDX-License-Identifier: GPL-2.0
/*
 * Prints, once at init, vmlinux data that module inits read and that Modscope cannot derive from the
 * kernel image: the pv_ops table (each slot's function, resolved through kallsyms by %ps), phys_base,
 * fg_console, the bytes of init_uts_ns and of init_nsproxy (reached through init_task.nsproxy: it is not
 * exported), init_net's passive and ns.count reference counts, so that scripts/qemu/kernel-data.mjs can record them from the real kernel under QEMU.
 * Loaded only in that capture boot; init returns -EAGAIN so it never stays loaded.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/nsproxy.h>
#include <linux/utsname.h>
#include <linux/console.h>
#include <linux/vt_kern.h>
#include <net/net_namespace.h>
#include <asm/paravirt.h>
#include <asm/page.h>

/* Every 8-byte word of an object: offset, value, and what kallsyms calls the value (%pS: symbol+off or hex). */
static void words(const char *name, const void *p, size_t n)
{
	const unsigned long *w = p;
	size_t i;

	for (i = 0; i < n / 8; i++)
		pr_info("word %s %zx %016lx %pS\n", name, i * 8, w[i], (void *)w[i]);
}

static void dump(const char *name, const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i += 32)
		pr_info("hex %s %zx %*phN\n", name, i, (int)min_t(size_t, 32, n - i), b + i);
}

#define PV(f) pr_info("field pv_ops %s %zx\n", #f, offsetof(struct paravirt_patch_template, f))
#define TASK(f) pr_info("field task_struct %s %zx\n", #f, offsetof(struct task_struct, f))
#define UTS(f) pr_info("field uts_namespace %s %zx\n", #f, offsetof(struct uts_namespace, f))
#define NSP(f) pr_info("field nsproxy %s %zx\n", #f, offsetof(struct nsproxy, f))

static int __init kernel_data_init(void)
{
	pr_info("size pv_ops %zx\n", sizeof(pv_ops));
	PV(cpu.io_delay); PV(cpu.get_debugreg); PV(cpu.set_debugreg); PV(cpu.read_cr0); PV(cpu.write_cr0);
	PV(cpu.write_cr4); PV(cpu.load_tr_desc); PV(cpu.load_gdt); PV(cpu.load_idt); PV(cpu.set_ldt);
	PV(cpu.store_tr); PV(cpu.load_tls); PV(cpu.load_gs_index); PV(cpu.write_ldt_entry);
	PV(cpu.write_gdt_entry); PV(cpu.write_idt_entry); PV(cpu.alloc_ldt); PV(cpu.free_ldt);
	PV(cpu.load_sp0); PV(cpu.invalidate_io_bitmap); PV(cpu.update_io_bitmap); PV(cpu.wbinvd);
	PV(cpu.cpuid); PV(cpu.read_msr); PV(cpu.write_msr); PV(cpu.read_msr_safe); PV(cpu.write_msr_safe);
	PV(cpu.read_pmc); PV(cpu.start_context_switch); PV(cpu.end_context_switch);
	PV(irq.save_fl); PV(irq.irq_disable); PV(irq.irq_enable); PV(irq.safe_halt); PV(irq.halt);
	PV(mmu.flush_tlb_user); PV(mmu.flush_tlb_kernel); PV(mmu.flush_tlb_one_user); PV(mmu.flush_tlb_multi);
	PV(mmu.tlb_remove_table); PV(mmu.exit_mmap); PV(mmu.notify_page_enc_status_changed);
	PV(mmu.read_cr2); PV(mmu.write_cr2); PV(mmu.read_cr3); PV(mmu.write_cr3); PV(mmu.activate_mm);
	PV(mmu.dup_mmap); PV(mmu.pgd_alloc); PV(mmu.pgd_free); PV(mmu.alloc_pte); PV(mmu.alloc_pmd);
	PV(mmu.alloc_pud); PV(mmu.alloc_p4d); PV(mmu.release_pte); PV(mmu.release_pmd); PV(mmu.release_pud);
	PV(mmu.release_p4d); PV(mmu.set_pte); PV(mmu.set_pmd); PV(mmu.ptep_modify_prot_start);
	PV(mmu.ptep_modify_prot_commit); PV(mmu.pte_val); PV(mmu.make_pte); PV(mmu.pgd_val); PV(mmu.make_pgd);
	PV(mmu.set_pud); PV(mmu.pmd_val); PV(mmu.make_pmd); PV(mmu.pud_val); PV(mmu.make_pud); PV(mmu.set_p4d);
	PV(mmu.p4d_val); PV(mmu.make_p4d); PV(mmu.set_pgd); PV(mmu.lazy_mode.enter); PV(mmu.lazy_mode.leave);
	PV(mmu.lazy_mode.flush); PV(mmu.set_fixmap);
	PV(lock.queued_spin_lock_slowpath); PV(lock.queued_spin_unlock); PV(lock.wait); PV(lock.kick);
	PV(lock.vcpu_is_preempted);
	words("pv_ops", &pv_ops, sizeof(pv_ops));

	pr_info("var phys_base %lx\n", phys_base);
	pr_info("var fg_console %x\n", fg_console);

	pr_info("size init_uts_ns %zx\n", sizeof(init_uts_ns));
	UTS(name.sysname); UTS(name.nodename); UTS(name.release); UTS(name.version); UTS(name.machine);
	UTS(name.domainname); UTS(user_ns); UTS(ucounts); UTS(ns);
	dump("init_uts_ns", &init_uts_ns, sizeof(init_uts_ns));
	words("init_uts_ns", &init_uts_ns, sizeof(init_uts_ns));

	pr_info("size task_struct %zx\n", sizeof(struct task_struct));
	TASK(nsproxy); TASK(cred); TASK(real_cred); TASK(comm); TASK(pid); TASK(tgid); TASK(mm);
	TASK(active_mm); TASK(flags); TASK(stack); TASK(fs); TASK(files); TASK(signal);
	pr_info("size nsproxy %zx\n", sizeof(struct nsproxy));
	NSP(count); NSP(uts_ns); NSP(ipc_ns); NSP(mnt_ns); NSP(pid_ns_for_children); NSP(net_ns);
	NSP(time_ns); NSP(time_ns_for_children); NSP(cgroup_ns);
	pr_info("var init_task.nsproxy %px %pS\n", init_task.nsproxy, init_task.nsproxy);
	pr_info("var current.nsproxy %px %pS\n", current->nsproxy, current->nsproxy);
	words("init_nsproxy", init_task.nsproxy, sizeof(struct nsproxy));

	/* init_net's reference counts (get_net() and friends refcount_inc() them: a 0 would be a use after free). */
	pr_info("field net passive %zx\n", offsetof(struct net, passive));
	pr_info("field net ns.count %zx\n", offsetof(struct net, ns.count));
	pr_info("var init_net.passive %x\n", refcount_read(&init_net.passive));
	pr_info("var init_net.ns.count %x\n", refcount_read(&init_net.ns.count));
	return -EAGAIN;
}

module_init(kernel_data_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Prints vmlinux data module inits read (Modscope capture)");
