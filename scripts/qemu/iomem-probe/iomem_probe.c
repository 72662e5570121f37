// SPDX-License-Identifier: GPL-2.0
/*
 * Prints, once at init, what the modelled machine (QEMU PC, -nodefaults: no VGA card) gives a driver that maps the
 * legacy VGA window and probes ISA ports no device claims: hgafb's hga_card_detect() (drivers/video/fbdev/hgafb.c)
 * maps the Hercules frame buffer at 0xb0000 and writes/reads test patterns there and at ports 0x3b4/0x3b5/0x3ba.
 * The window's pages (how many bytes are not zero) before and after; for each mapping: ioremap()'s address, the
 * first reads (b/w/l/q), a writew() of 0xaa55 and the readw() after it; each port's inb before and after an outb.
 * scripts/qemu/iomem-probe.mjs boots it (captureBoot) and records the lines. Init returns -EAGAIN: never stays loaded.
 */
#include <linux/module.h>
#include <linux/io.h>

static void probe(unsigned long phys, unsigned long len)
{
	void __iomem *p = ioremap(phys, len);

	if (!p) {
		pr_info("iomem %lx ioremap NULL\n", phys);
		return;
	}
	pr_info("iomem %lx map %px\n", phys, p);
	pr_info("iomem %lx read b=%02x w=%04x l=%08x q=%016llx\n", phys, readb(p), readw(p), readl(p),
		(unsigned long long)readq(p));
	pr_info("iomem %lx read+1000 w=%04x\n", phys, readw(p + 0x1000));
	writew(0xaa55, p);
	pr_info("iomem %lx after writew(aa55) w=%04x\n", phys, readw(p));
	writel(0x12345678, p + 4);
	pr_info("iomem %lx after writel(12345678) l=%08x\n", phys, readl(p + 4));
	iounmap(p);
}

/* The 4 KiB pages of the 0xa0000-0xbffff window: how many bytes are not zero, and the first such offset. */
static void window(void)
{
	void __iomem *p = ioremap(0xa0000, 0x20000);
	unsigned long pg, i;

	if (!p)
		return;
	for (pg = 0; pg < 0x20000; pg += 0x1000) {
		unsigned long nz = 0, first = 0;

		for (i = 0; i < 0x1000; i++)
			if (readb(p + pg + i) && !nz++)
				first = i;
		pr_info("window %lx nonzero %lu first %lx\n", 0xa0000 + pg, nz, first);
	}
	iounmap(p);
}

static void port(unsigned int port)
{
	unsigned int before = inb(port);

	outb(0x66, port);
	pr_info("ioport %x in=%02x after outb(66) in=%02x inw=%04x\n", port, before, inb(port), inw(port));
}

static int __init iomem_probe_init(void)
{
	window();
	probe(0xb0000, 0x8000);
	probe(0xb8000, 0x2000);
	window();
	port(0x3b4);
	port(0x3b5);
	port(0x3ba);
	port(0x3bf);
	return -EAGAIN;
}

module_init(iomem_probe_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Modscope capture: unassigned I/O memory and ports on the QEMU PC");
