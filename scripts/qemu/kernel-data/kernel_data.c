// SPDX-License-Identifier: GPL-2.0
/*
 * Prints, once at init, vmlinux data that module inits read and that Modscope cannot derive from the
 * kernel image: the pv_ops table (each slot's function, resolved through kallsyms by %ps), phys_base,
 * fg_console, the bytes of init_uts_ns and of init_nsproxy (reached through init_task.nsproxy: it is not
 * exported), init_net's passive and ns.count reference counts, the virtual consoles vc_cons[] (each allocated vc_data's
 * words and the screen word at its cursor), the pernet ids the boot handed out and init_net.gen, so that scripts/qemu/kernel-data.mjs can record them from the real kernel
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
#include <net/netns/generic.h>
#include <net/inet_frag.h>
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

/* max_gen_ptrs (net/core/net_namespace.c, static): its address from /proc/kallsyms, passed by the capture script. */
static unsigned long gen_ptrs_addr;
module_param(gen_ptrs_addr, ulong, 0);

#define PERNET(f) pr_info("field pernet_operations %s %zx\n", #f, offsetof(struct pernet_operations, f))
#define PROBES 32
static struct pernet_operations probes[PROBES];
static unsigned int probe_ids[PROBES];

/*
 * The pernet ids (net/core/net_namespace.c register_pernet_operations(): ida_alloc_min(&net_generic_ids, MIN_PERNET_OPS_ID))
 * the boot handed out, and init_net.gen (struct net_generic, its s.len and which ptr[] slots hold data). The IDA is
 * static, so it is read by asking it: probe pernet_operations with an id and a size are registered until one gets an id
 * at or past init_net.gen's length (each lower id it hands out was free after boot), then unregistered.
 */
static void pernet(void)
{
	struct net_generic *ng = rcu_dereference_raw(init_net.gen);
	unsigned int len = ng->s.len, i, n;
	char *set;

	PERNET(list); PERNET(init); PERNET(pre_exit); PERNET(exit); PERNET(exit_batch); PERNET(exit_batch_rtnl);
	PERNET(id); PERNET(size);
	pr_info("size pernet_operations %zx\n", sizeof(struct pernet_operations));
	pr_info("field net gen %zx\n", offsetof(struct net, gen));
	pr_info("field net exit_list %zx\n", offsetof(struct net, exit_list));
	pr_info("var init_net.gen.len %x\n", len);
	/* init_net.user_ns (setup_net(&init_net, &init_user_ns)): proc and sysctl code of pernet inits reads it. */
	pr_info("field net user_ns %zx\n", offsetof(struct net, user_ns));
	pr_info("var init_net.user_ns %px %pS\n", init_net.user_ns, init_net.user_ns);
	/* struct fqdir and struct inet_frags (include/net/inet_frag.h): fqdir_init() fills them for the fragment pernet inits. */
	pr_info("size fqdir %zx\n", sizeof(struct fqdir));
	pr_info("field fqdir f %zx\n", offsetof(struct fqdir, f));
	pr_info("field fqdir net %zx\n", offsetof(struct fqdir, net));
	pr_info("field fqdir high_thresh %zx\n", offsetof(struct fqdir, high_thresh));
	pr_info("field fqdir dead %zx\n", offsetof(struct fqdir, dead));
	pr_info("field fqdir rhashtable %zx\n", offsetof(struct fqdir, rhashtable));
	pr_info("field inet_frags qsize %zx\n", offsetof(struct inet_frags, qsize));
	pr_info("field inet_frags frags_cachep %zx\n", offsetof(struct inet_frags, frags_cachep));
	pr_info("field inet_frags frags_cache_name %zx\n", offsetof(struct inet_frags, frags_cache_name));
	pr_info("field inet_frags rhash_params %zx\n", offsetof(struct inet_frags, rhash_params));
	pr_info("field inet_frags refcnt %zx\n", offsetof(struct inet_frags, refcnt));
	if (gen_ptrs_addr)
		pr_info("var max_gen_ptrs %x\n", *(unsigned int *)gen_ptrs_addr);
	set = kzalloc(len + 1, GFP_KERNEL);
	if (set) {
		for (i = 0; i < len; i++)
			set[i] = i < 3 ? '-' : ng->ptr[i] ? 'x' : '.';
		pr_info("slots init_net.gen %s\n", set);
		kfree(set);
	}
	for (n = 0; n < PROBES; n++) {
		probes[n].id = &probe_ids[n];
		probes[n].size = sizeof(long);
		if (register_pernet_subsys(&probes[n]))
			break;
		pr_info("var pernet_probe%u.id %x\n", n, probe_ids[n]);
		pr_info("var pernet_probe%u.len %x\n", n, rcu_dereference_raw(init_net.gen)->s.len);
		if (probe_ids[n] >= len) {
			n++;
			break;
		}
	}
	while (n--)
		unregister_pernet_subsys(&probes[n]);
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
	pernet();
	return -EAGAIN;
}

module_init(kernel_data_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Prints vmlinux data module inits read (Modscope capture)");
