/**
 * Port I/O on the modelled machine, QEMU's Standard PC (i440FX + PIIX) started with -nodefaults.
 *
 * QEMU answers a read of an I/O port no device claims with all ones and drops a write to it
 * (unassigned_io_read() returns -1ULL, unassigned_io_write() does nothing: QEMU system/ioport.c), so a
 * driver probing for hardware the machine does not have (a Super I/O chip at 0x2e, an ISA card) reads
 * 0xff and gives up, as it does on the real guest. A port where the machine does have a device — one the
 * kernel reserved in /proc/ioports (recorded in engine/machine/qemu-pc.ts) or one of the PC's chipset
 * ports Linux does not reserve — has state the model does not keep: the run stops there, and Modscope
 * says it cannot tell what Linux does next.
 */
import { MACHINE } from '../machine/qemu-pc';

interface PortRange {
  from: number;
  to: number;
  name: string;
}

/**
 * Devices of QEMU's PC that /proc/ioports does not list (no Linux driver reserves them at boot): PC speaker
 * and port 0x61 (hw/audio/pcspk.c), port 0x92 (hw/i386/pc.c port92), the PIIX ELCR (0x4d0-0x4d1), APM
 * control (0xb2-0xb3), the reset control register (0xcf9), VMware's backdoor port (hw/i386/vmport.c, 0x5658),
 * and ACPI PCI/CPU hotplug (0xae00-0xae17, 0xaf00-0xaf1f).
 */
const UNRESERVED_DEVICES: readonly PortRange[] = [
  { from: 0x61, to: 0x61, name: 'the PC speaker port' },
  { from: 0x92, to: 0x92, name: 'port92 (A20, fast reset)' },
  { from: 0xb2, to: 0xb3, name: 'APM control' },
  { from: 0x4d0, to: 0x4d1, name: 'the PIIX ELCR' },
  { from: 0xcf9, to: 0xcf9, name: 'the PIIX reset control register' },
  { from: 0x5658, to: 0x5658, name: "VMware's backdoor port (vmport)" },
  { from: 0xae00, to: 0xae17, name: 'ACPI PCI hotplug' },
  { from: 0xaf00, to: 0xaf1f, name: 'ACPI CPU hotplug' },
];

/** The leaves of /proc/ioports (the PCI bus windows that enclose everything are not devices). */
function reserved(): PortRange[] {
  const out: PortRange[] = [];
  for (const line of MACHINE.ioports) {
    const m = /^(\s*)([0-9a-f]{4})-([0-9a-f]{4}) : (.*)$/.exec(line);
    if (!m || m[4].startsWith('PCI Bus')) continue;
    out.push({ from: parseInt(m[2], 16), to: parseInt(m[3], 16), name: m[4] });
  }
  return out;
}

const DEVICES: readonly PortRange[] = [...reserved(), ...UNRESERVED_DEVICES];

/** The device of QEMU's PC at this port, or null where nothing claims it. */
export function portDevice(port: number): string | null {
  for (const d of DEVICES) if (port >= d.from && port <= d.to) return d.name;
  return null;
}

/**
 * Port 0x80 is the POST-code port that outb_p()/inb_p() write for their delay (native_io_delay(),
 * arch/x86/kernel/io_delay.c); QEMU's ioport80 device ignores the write, so the model may too.
 */
export const IO_DELAY_PORT = 0x80;
