// SPDX-License-Identifier: GPL-2.0
/*
 * Prints, once at init, vmlinux data that module inits read and that Modscope cannot derive from the
 * kernel image: the pv_ops table (each slot's function, resolved through kallsyms by %ps), phys_base,
 * fg_console, the bytes of init_uts_ns and of init_nsproxy (reached through init_task.nsproxy: it is not
 * exported), init_net's passive and ns.count reference counts, the virtual consoles vc_cons[] (each allocated vc_data's
 * words and the screen word at its cursor), so that scripts/qemu/kernel-data.mjs can record them from the real kernel
 * under QEMU.
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
#include <linux/console_struct.h>
#include <linux/selection.h>
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
#define VC(f) pr_info("field vc_data %s %zx\n", #f, offsetof(struct vc_data, f))

/*
 * vc_cons[] (drivers/tty/vt/vt.c): which virtual consoles exist (vc_cons[i].d allocated, as speakup_init reads
 * them), each one's vc_data words, and the screen word at its cursor (what speakup_date's get_attributes reads).
 */
static void consoles(void)
{
	int i;

	pr_info("size vc_data %zx\n", sizeof(struct vc_data));
	pr_info("size vc %zx\n", sizeof(struct vc));
	VC(vc_num); VC(vc_cols); VC(vc_rows); VC(vc_size_row); VC(vc_scan_lines); VC(vc_cell_height);
	VC(vc_origin); VC(vc_scr_end); VC(vc_visible_origin); VC(vc_top); VC(vc_bottom); VC(vc_sw);
	VC(vc_screenbuf); VC(vc_screenbuf_size); VC(vc_mode); VC(state.x); VC(state.y); VC(vc_pos);
	VC(vc_hi_font_mask); VC(vc_attr); VC(vc_def_color); VC(vc_video_erase_char);
	pr_info("field consw con_screen_pos %zx\n", offsetof(struct consw, con_screen_pos));
	pr_info("var MAX_NR_CONSOLES %x\n", MAX_NR_CONSOLES);
	for (i = 0; i < MAX_NR_CONSOLES; i++) {
		struct vc_data *vc = vc_cons[i].d;
		char name[16];

		if (!vc)
			continue;
		snprintf(name, sizeof(name), "vc_cons%d", i);
		pr_info("var %s %px\n", name, vc);
		words(name, vc, sizeof(*vc));
		pr_info("var %s.cursor_word %x\n", name, scr_readw(screen_pos(vc, (vc->vc_pos - vc->vc_origin) / 2, true)));
		pr_info("var %s.sw_screen_pos %px\n", name, vc->vc_sw->con_screen_pos);
	}
}

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
	consoles();
	return -EAGAIN;
}

module_init(kernel_data_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Prints vmlinux data module inits read (Modscope capture)");
