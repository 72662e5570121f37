/**
 * Kernel functions that ask about hardware, answered as the modelled machine does: QEMU's Standard PC
 * (i440FX + PIIX, 1996) started by scripts/qemu with -nodefaults, two serial ports, the qemu64 CPU
 * under TCG, one CPU. What that machine has is in the recordings (scripts/qemu/scenarios/*.qemu.json,
 * its boot log): four PCI devices, the ACPI tables FACP DSDT FACS APIC HPET WAET, six PnP devices.
 *
 * Where the answer needs kernel objects the model does not build (a struct pci_dev for a device that
 * exists, an ACPI table's bytes, a probe callback into the module), the model says 'not-modelled':
 * the run stops there and Modscope says it cannot tell what Linux does next. Absent hardware has an
 * exact answer (NULL, AE_NOT_FOUND, no probe), which is what most drivers meet on this machine.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU32, readU64, ret, tryCString, tryFieldString, u32, writeU32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import { printkText } from './printk';
import type { KernelCallState } from './state';
import { QEMU_PC_ACPI_TABLE_BYTES } from './qemu-pc-acpi-tables';
import { MACHINE } from '../../machine/qemu-pc';

/** A PCI function of the machine (its boot log: "pci 0000:00:01.1: [8086:7010] type 00 class 0x010180"). */
export interface MachinePciDevice {
  slot: string;
  vendor: number;
  device: number;
  subvendor: number;
  subdevice: number;
  /** class << 8 | prog-if, as struct pci_dev.class. */
  class: number;
  /** The built-in driver already bound to it at boot, or null (then a module's driver would probe it). */
  boundTo: string | null;
  /** PCI revision ID (lspci "(rev 02)"). */
  revision: number;
}

/** QEMU's i440FX/PIIX3 devices with -nodefaults: no VGA, no NIC. QEMU's subsystem ids are 1af4:1100. */
export const QEMU_PC_PCI: readonly MachinePciDevice[] = [
  { slot: '0000:00:00.0', vendor: 0x8086, device: 0x1237, subvendor: 0x1af4, subdevice: 0x1100, class: 0x060000, boundTo: null, revision: 2 },
  { slot: '0000:00:01.0', vendor: 0x8086, device: 0x7000, subvendor: 0x1af4, subdevice: 0x1100, class: 0x060100, boundTo: null, revision: 0 },
  { slot: '0000:00:01.1', vendor: 0x8086, device: 0x7010, subvendor: 0x1af4, subdevice: 0x1100, class: 0x010180, boundTo: null, revision: 0 },
  { slot: '0000:00:01.3', vendor: 0x8086, device: 0x7113, subvendor: 0x1af4, subdevice: 0x1100, class: 0x068000, boundTo: null, revision: 3 },
];

/** The ACPI tables the machine's firmware (SeaBIOS) provides: "ACPI: FACP 0x… (v01 BOCHS  BXPC …)". */
export const QEMU_PC_ACPI_TABLES: readonly string[] = ['FACP', 'DSDT', 'FACS', 'APIC', 'HPET', 'WAET'];

/**
 * Hardware IDs of the devices in QEMU's DSDT for this machine: the PCI root, its interrupt links, the
 * PnP devices ("pnp: PnP ACPI: found 6 devices": keyboard, mouse, floppy controller, two serial ports,
 * RTC), the HPET, fw_cfg and the CPU hotplug resources.
 */
export const QEMU_PC_ACPI_HIDS: readonly string[] = [
  'PNP0A03',
  'PNP0C0F',
  'PNP0303',
  'PNP0F13',
  'PNP0700',
  'PNP0501',
  'PNP0B00',
  'PNP0103',
  'QEMU0002',
  'PNP0A06',
  'ACPI0007',
];

/** qemu64 under TCG: "smpboot: CPU0: AMD QEMU Virtual CPU version 2.5+ (family: 0xf, model: 0x6b, stepping: 0x1)". */
export const QEMU64_CPU = { vendor: 2 /* X86_VENDOR_AMD */, family: 0xf, model: 0x6b, stepping: 1 } as const;

/** struct cpuinfo_x86 (6.1, x86-64, CONFIG_X86_VMX_FEATURE_NAMES): x86_capability[] starts at byte 40
 * (x86..x86_stepping, x86_tlbsize, vmx_capability[5], four u8, extended_cpuid_level, cpuid_level; 8-aligned). */
const X86_CAPABILITY_OFFSET = 40;
const BOOT_CPU_DATA = Uint8Array.from(MACHINE.bootCpuData.join('').match(/../g) ?? [], (h) => Number.parseInt(h, 16));

/** cpu_has(&boot_cpu_data, bit) on the recorded qemu64 boot_cpu_data: test_bit(bit, x86_capability). */
export function qemu64HasFeature(bit: number): boolean {
  const byte = BOOT_CPU_DATA[X86_CAPABILITY_OFFSET + (bit >> 3)] ?? 0;
  return ((byte >> (bit & 7)) & 1) === 1;
}

const PCI_ANY_ID = 0xffffffff;
const AE_OK = 0n;
const AE_NOT_FOUND = 0x0005n;

/** struct pci_device_id (40 bytes): vendor, device, subvendor, subdevice, class, class_mask, driver_data, override_only. */
interface PciId {
  vendor: number;
  device: number;
  subvendor: number;
  subdevice: number;
  class: number;
  classMask: number;
  overrideOnly: number;
}

function readPciIds(ctx: KernelCallContext, table: bigint, max = 4096): PciId[] {
  const out: PciId[] = [];
  for (let i = 0; i < max; i++) {
    const a = table + BigInt(i * 40);
    const id: PciId = {
      vendor: readU32(ctx.mem, a),
      device: readU32(ctx.mem, a + 4n),
      subvendor: readU32(ctx.mem, a + 8n),
      subdevice: readU32(ctx.mem, a + 12n),
      class: readU32(ctx.mem, a + 16n),
      classMask: readU32(ctx.mem, a + 20n),
      overrideOnly: readU32(ctx.mem, a + 32n),
    };
    // pci_match_id(): the table ends at an entry with vendor, subvendor and class_mask all zero.
    if (!id.vendor && !id.subvendor && !id.classMask && !id.overrideOnly) break;
    out.push(id);
  }
  return out;
}

/** pci_match_one_device() (drivers/pci/pci.h). */
function pciMatches(id: PciId, d: MachinePciDevice): boolean {
  return (
    (id.vendor === PCI_ANY_ID || id.vendor === d.vendor) &&
    (id.device === PCI_ANY_ID || id.device === d.device) &&
    (id.subvendor === PCI_ANY_ID || id.subvendor === d.subvendor) &&
    (id.subdevice === PCI_ANY_ID || id.subdevice === d.subdevice) &&
    ((id.class ^ d.class) & id.classMask) === 0
  );
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (no DOM atob in the engine). */
export function base64Bytes(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const ch of clean) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

const id4 = (v: number): string => v.toString(16).padStart(4, '0');

export function machineFunctions(state: KernelCallState): Record<string, KernelFunction> {
  const devices = QEMU_PC_PCI;
  /**
   * Each device's struct pci_dev, made once per machine with the fields lookups compare (6.1 x86-64
   * offsets: devfn @56, vendor @60, device @62, subsystem_vendor @64, subsystem_device @66, class @68,
   * revision @72); the rest of the struct reads as zero in this model.
   */
  const pciDevs = new Map<MachinePciDevice, bigint>();
  const pciDev = (ctx: KernelCallContext, d: MachinePciDevice): bigint => {
    const known = pciDevs.get(d);
    if (known !== undefined) return known;
    const p = ctx.kmalloc(2048, true, `struct pci_dev ${d.slot}`);
    const [dev, fn] = d.slot
      .slice(8)
      .split('.')
      .map((x) => parseInt(x, 16));
    writeU32(ctx.mem, p + 56n, (dev << 3) | fn);
    writeU32(ctx.mem, p + 60n, d.vendor | (d.device << 16));
    writeU32(ctx.mem, p + 64n, d.subvendor | (d.subdevice << 16));
    writeU32(ctx.mem, p + 68n, d.class);
    ctx.mem.write(p + 72n, Uint8Array.of(d.revision));
    pciDevs.set(d, p);
    return p;
  };
  /** pci_get_*(…, from): the next matching device after from (NULL: from the first), as a struct pci_dev; NULL at the end. */
  const found = (ctx: KernelCallContext, what: string, hits: readonly MachinePciDevice[], from: bigint): bigint | 'not-modelled' => {
    let start = 0;
    if (from !== 0n) {
      const i = devices.findIndex((d) => pciDevs.get(d) === from);
      if (i < 0) return 'not-modelled'; // a pci_dev this model never handed out
      start = i + 1;
    }
    const next = devices.slice(start).find((d) => hits.includes(d));
    if (!next) {
      ctx.note(`${what}: no ${from ? 'further ' : ''}such device on QEMU's PC (i440FX + PIIX): returns NULL`);
      return 0n;
    }
    const p = pciDev(ctx, next);
    ctx.note(
      `${what}: ${next.slot} [${id4(next.vendor)}:${id4(next.device)}] class 0x${next.class.toString(16).padStart(6, '0')}, struct pci_dev ${hexU64(p)}`,
    );
    return p;
  };
  const acpiTable = (sig: string): boolean => QEMU_PC_ACPI_TABLES.includes(sig);
  /** acpi_os_map_memory() of a table, once per machine: its recorded bytes in modelled memory. */
  const mapped = new Map<string, bigint>();
  const mappedTable = (ctx: KernelCallContext, sig: string): bigint | null => {
    const known = mapped.get(sig);
    if (known !== undefined) return known;
    const b64 = QEMU_PC_ACPI_TABLE_BYTES[sig];
    if (b64 === undefined) return null;
    const bytes = base64Bytes(b64);
    const at = ctx.kmalloc(bytes.length, false, `ACPI table ${sig} (mapped)`);
    ctx.mem.write(at, bytes);
    mapped.set(sig, at);
    return at;
  };

  /** dmi_ident[field]'s strings, allocated on first use. */
  const dmiStrings = new Map<number, bigint>();
  return {
    // struct kobject *efivars_kobject(void) (drivers/firmware/efi/vars.c): NULL until efivars_register(), which
    // efisubsys_init() only calls with EFI runtime services. QEMU's PC boots SeaBIOS, not UEFI: no efivars, NULL
    // (efivarfs_init() then returns -ENODEV, as modprobe efivarfs does on the real machine).
    efivars_kobject: (ctx) => {
      ctx.note('efivars_kobject: NULL (the machine boots a BIOS, so no EFI variables are registered)');
      return 0n;
    },
    /**
     * const struct pci_device_id *pci_match_id(const struct pci_device_id *ids, struct pci_dev *dev)
     * (drivers/pci/pci-driver.c): the first entry, up to one whose vendor, subvendor and class_mask are all 0,
     * that pci_match_one_device() matches; NULL if none (or ids is NULL). dev must be a pci_dev this model handed out.
     */
    pci_match_id: (ctx) => {
      const table = ctx.arg(0);
      const d = devices.find((x) => pciDevs.get(x) === ctx.arg(1));
      if (!d) return 'not-modelled';
      for (let i = 0; table !== 0n && i < 4096; i++) {
        const a = table + BigInt(i * 40);
        const id = readPciIds(ctx, a, 1)[0] as PciId | undefined;
        if (!id || (!id.vendor && !id.subvendor && !id.classMask)) break;
        if (pciMatches(id, d)) {
          ctx.note(`pci_match_id: ${d.slot} matches entry ${i} of the table`);
          return a;
        }
      }
      ctx.note(`pci_match_id: ${d.slot} [${id4(d.vendor)}:${id4(d.device)}] matches no entry: NULL`);
      return 0n;
    },
    // struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device, struct pci_dev *from)
    pci_get_device: (ctx) => {
      const v = u32(ctx.arg(0));
      const d = u32(ctx.arg(1));
      return found(
        ctx,
        `pci_get_device(${id4(v)}, ${id4(d)})`,
        devices.filter((x) => (v === PCI_ANY_ID || v === x.vendor) && (d === PCI_ANY_ID || d === x.device)),
        ctx.arg(2),
      );
    },
    // struct pci_dev *pci_get_subsys(vendor, device, ss_vendor, ss_device, from)
    pci_get_subsys: (ctx) => {
      const [v, d, sv, sd] = [0, 1, 2, 3].map((i) => u32(ctx.arg(i)));
      const any = (want: number, have: number): boolean => want === PCI_ANY_ID || want === have;
      return found(
        ctx,
        `pci_get_subsys(${id4(v)}, ${id4(d)})`,
        devices.filter((x) => any(v, x.vendor) && any(d, x.device) && any(sv, x.subvendor) && any(sd, x.subdevice)),
        ctx.arg(4),
      );
    },
    // struct pci_dev *pci_get_class(unsigned int class, struct pci_dev *from): class is class << 8 | prog-if, compared whole
    pci_get_class: (ctx) => {
      const c = u32(ctx.arg(0));
      return found(
        ctx,
        `pci_get_class(0x${c.toString(16).padStart(6, '0')})`,
        devices.filter((x) => x.class === c),
        ctx.arg(1),
      );
    },
    // struct pci_dev *pci_get_domain_bus_and_slot(int domain, unsigned int bus, unsigned int devfn)
    pci_get_domain_bus_and_slot: (ctx) => {
      // domain:bus:slot.function, as lspci and /sys/bus/pci/devices name a device (devfn = slot << 3 | function).
      const hex2 = (v: number): string => v.toString(16).padStart(2, '0');
      const devfn = u32(ctx.arg(2));
      const slot = `${id4(u32(ctx.arg(0)))}:${hex2(u32(ctx.arg(1)))}:${hex2(devfn >> 3)}.${devfn & 7}`;
      return found(
        ctx,
        `pci_get_domain_bus_and_slot(${slot})`,
        devices.filter((x) => x.slot === slot),
        0n,
      );
    },
    // void pci_dev_put(struct pci_dev *dev): the model's pci_devs live as long as the machine.
    pci_dev_put: () => 0n,
    // int pci_dev_present(const struct pci_device_id *ids): answered exactly, no pci_dev needed
    pci_dev_present: (ctx) => {
      const ids = readPciIds(ctx, ctx.arg(0));
      const hit = devices.find((d) => ids.some((id) => pciMatches(id, d)));
      ctx.note(`pci_dev_present: ${hit ? `${hit.slot} matches` : "no device of the table on QEMU's PC"}, returns ${hit ? 1 : 0}`);
      return hit ? 1n : 0n;
    },
    // int __pci_register_driver(struct pci_driver *drv, struct module *owner, const char *mod_name):
    // driver_register() then probes every unbound device the id_table matches. struct pci_driver
    // { struct list_head node; const char *name; const struct pci_device_id *id_table; … }.
    __pci_register_driver: (ctx) => {
      const drv = ctx.arg(0);
      const name = tryFieldString(ctx, drv, 16);
      const table = readU64(ctx.mem, drv + 24n);
      const ids = table ? readPciIds(ctx, table) : [];
      const hit = devices.find((d) => d.boundTo === null && ids.some((id) => pciMatches(id, d)));
      if (hit) {
        ctx.note(
          `__pci_register_driver '${name ?? ''}': ${hit.slot} [${id4(hit.vendor)}:${id4(hit.device)}] matches its id_table, so the kernel would call ` +
            `its probe(); probing is not modelled`,
        );
        return 'not-modelled';
      }
      state.registrations.push({ kind: 'pci driver', name, address: drv });
      ctx.note(
        `__pci_register_driver '${name ?? ''}': registered; none of QEMU's 4 PCI devices matches its ${ids.length} ids, so nothing is probed; returns 0`,
      );
      return 0n;
    },
    // acpi_status acpi_get_table(char *signature, u32 instance, struct acpi_table_header **out_table):
    // instance 0 and 1 are the first table of that signature (ACPICA counts from 1; none has a second).
    acpi_get_table: (ctx) => {
      const sig = tryCString(ctx, ctx.arg(0), 4) ?? '';
      const instance = u32(ctx.arg(1));
      if (acpiTable(sig) && instance <= 1) {
        const at = mappedTable(ctx, sig);
        if (at === null) {
          ctx.note(`acpi_get_table('${sig}'): QEMU's firmware has this table; its bytes were not recorded`);
          return 'not-modelled';
        }
        writeU64(ctx.mem, ctx.arg(2), at);
        ctx.note(
          `acpi_get_table('${sig}'): QEMU's table (${QEMU_PC_ACPI_TABLE_BYTES[sig].length} base64 chars as recorded), mapped at ${hexU64(at)}: AE_OK`,
        );
        return AE_OK;
      }
      ctx.note(`acpi_get_table('${sig}', ${instance}): QEMU's PC has no such table (only ${QEMU_PC_ACPI_TABLES.join(' ')}): AE_NOT_FOUND`);
      return AE_NOT_FOUND;
    },
    acpi_put_table: () => 0n,
    // acpi_status acpi_get_devices(const char *HID, acpi_walk_callback cb, void *context, void **return_value):
    // the callback runs for each present device with that HID; none present → AE_OK, nothing called.
    acpi_get_devices: (ctx) => {
      const hid = tryCString(ctx, ctx.arg(0), 16);
      if (hid === null || QEMU_PC_ACPI_HIDS.includes(hid)) {
        ctx.note(`acpi_get_devices(${hid ?? 'NULL'}): the machine has such devices and the callback would run for each: not modelled`);
        return 'not-modelled';
      }
      ctx.note(`acpi_get_devices('${hid}'): no device with this HID in QEMU's DSDT; the callback is not called; AE_OK`);
      return AE_OK;
    },
    // bool acpi_dev_present(const char *hid, const char *uid, s64 hrv)
    acpi_dev_present: (ctx) => {
      const hid = tryCString(ctx, ctx.arg(0), 16) ?? '';
      if (ctx.arg(1) !== 0n && QEMU_PC_ACPI_HIDS.includes(hid)) return 'not-modelled'; // which _UID: not recorded
      const present = QEMU_PC_ACPI_HIDS.includes(hid);
      ctx.note(`acpi_dev_present('${hid}'): ${present ? 'present' : 'no such device'} on QEMU's PC`);
      return present ? 1n : 0n;
    },
    // SeaBIOS' DSDT never calls _OSI("Windows 2012"), so acpi_gbl_osi_data stays below ACPI_OSI_WIN_8.
    acpi_osi_is_win8: () => 0n,
    // int register_acpi_bus_type(struct acpi_bus_type *type) (drivers/acpi/glue.c): struct acpi_bus_type
    // { struct list_head list; const char *name; match; find_companion; setup; }.
    register_acpi_bus_type: (ctx) => {
      const t = ctx.arg(0);
      const name = tryFieldString(ctx, t, 16) ?? '(null)';
      if (t === 0n || readU64(ctx.mem, t + 24n) === 0n || readU64(ctx.mem, t + 32n) === 0n) return ret(-19);
      state.registrations.push({ kind: 'acpi bus type', name, address: t });
      printkText(ctx, state, 6, `ACPI: bus type ${name} registered\n`);
      return 0n;
    },
    unregister_acpi_bus_type: (ctx) => {
      printkText(ctx, state, 6, `ACPI: bus type ${tryFieldString(ctx, ctx.arg(0), 16) ?? '(null)'} unregistered\n`);
      return 0n;
    },
    // const struct x86_cpu_id *x86_match_cpu(const struct x86_cpu_id *match) (arch/x86/kernel/cpu/match.c):
    // struct x86_cpu_id { u16 vendor, family, model, steppings, feature, flags; kernel_ulong_t driver_data; }
    // (24 bytes); the table ends at the first entry without X86_CPU_ID_FLAG_ENTRY_VALID (flags bit 0).
    // feature is a bit of boot_cpu_data.x86_capability[] (X86_FEATURE_ANY is 0), read from the recorded
    // boot_cpu_data of the qemu64 CPU (engine/machine/qemu-pc.ts).
    x86_match_cpu: (ctx) => {
      const c = QEMU64_CPU;
      for (let i = 0, a = ctx.arg(0); i < 4096; i++, a += 24n) {
        const w = readU64(ctx.mem, a);
        const vendor = Number(w & 0xffffn);
        const family = Number((w >> 16n) & 0xffffn);
        const model = Number((w >> 32n) & 0xffffn);
        const steppings = Number((w >> 48n) & 0xffffn);
        const feature = readU32(ctx.mem, a + 8n) & 0xffff;
        const flags = readU32(ctx.mem, a + 8n) >>> 16;
        if (!(flags & 1)) break;
        if (vendor !== 0xffff && vendor !== c.vendor) continue;
        if (family !== 0 && family !== c.family) continue;
        if (model !== 0 && model !== c.model) continue;
        if (steppings !== 0 && !(steppings & (1 << c.stepping))) continue;
        if (feature !== 0 && !qemu64HasFeature(feature)) continue;
        ctx.note(`x86_match_cpu: entry ${i} matches qemu64 (AMD family 0xf model 0x6b${feature ? `, feature bit ${feature}` : ''})`);
        return a;
      }
      ctx.note('x86_match_cpu: no entry matches qemu64 (AMD family 0xf, model 0x6b, stepping 1, its recorded x86_capability): NULL');
      return 0n;
    },
    // void si_meminfo(struct sysinfo *val): totalram from the modelled _totalram_pages; no highmem on
    // x86-64; mem_unit PAGE_SIZE. freeram, sharedram, bufferram are not kept by the model: 0.
    si_meminfo: (ctx) => {
      const p = ctx.arg(0);
      const at = state.options.lookupSymbol?.('_totalram_pages') ?? null;
      if (at === null) return 'not-modelled';
      const total = readU64(ctx.mem, at);
      writeU64(ctx.mem, p + 32n, total); // totalram
      writeU64(ctx.mem, p + 40n, 0n); // freeram
      writeU64(ctx.mem, p + 48n, 0n); // sharedram
      writeU64(ctx.mem, p + 56n, 0n); // bufferram
      writeU64(ctx.mem, p + 88n, 0n); // totalhigh
      writeU64(ctx.mem, p + 96n, 0n); // freehigh
      writeU32(ctx.mem, p + 104n, 4096); // mem_unit
      ctx.note(`si_meminfo: totalram ${total} pages of 4096 bytes (the modelled _totalram_pages); freeram, sharedram, bufferram 0 (not modelled)`);
      return 0n;
    },
    // drivers/gpu/drm/drm_nomodeset.c: true only with "nomodeset" on the command line (not on this machine's).
    drm_firmware_drivers_only: () => 0n,
    video_firmware_drivers_only: () => 0n,
    // led_trigger_register_simple, led_trigger_unregister_simple: leds.ts.
    // int class_create_file_ns(struct class *cls, const struct class_attribute *attr, const void *ns): a sysfs file
    class_create_file_ns: (ctx) => {
      const name = tryFieldString(ctx, ctx.arg(1), 0);
      state.registrations.push({ kind: 'class attribute', name, address: ctx.arg(1) });
      ctx.note(`class_create_file_ns '${name ?? ''}': sysfs file created`);
      return 0n;
    },
    class_remove_file_ns: () => 0n,
    // int kobject_init_and_add(struct kobject *kobj, const struct kobj_type *ktype, struct kobject *parent, const char *fmt, ...):
    // the sysfs directory is created; the kobject's fields are not written by this model.
    kobject_init_and_add: (ctx) => {
      state.registrations.push({ kind: 'kobject', name: tryCString(ctx, ctx.arg(3)), address: ctx.arg(0) });
      ctx.note(`kobject_init_and_add: sysfs directory added (the kobject's fields are not written by this model)`);
      return 0n;
    },
    // int dmi_walk(void (*decode)(const struct dmi_header *, void *), void *private_data): QEMU's
    // firmware has SMBIOS tables, so decode would run for each entry; the model does not call back into
    // module code (and has no SMBIOS bytes): the walk returns 0 and the step says decode did not run.
    dmi_walk: (ctx) => {
      ctx.note(
        `dmi_walk: QEMU's SMBIOS entries would each be passed to ${ctx.symbolize(ctx.arg(0)) ?? hexU64(ctx.arg(0))}; that callback is not run by this ` +
          `model; returns 0`,
      );
      return 0n;
    },
    // const char *dmi_get_system_info(int field) (drivers/firmware/dmi_scan.c): dmi_ident[field], the string dmi_decode() saved
    // at boot, or NULL for a field QEMU's SMBIOS tables do not have (no type 2 baseboard on the i440FX PC, no EC release, a
    // zero UUID is not saved). The recorded /sys/class/dmi/id files are exactly the non-NULL fields (dmi-id.c creates one
    // per non-NULL dmi_ident); the strings are allocated once per machine, as the kernel's live for its lifetime.
    dmi_get_system_info: (ctx) => {
      const field = Number(BigInt.asIntN(32, ctx.arg(0)));
      const key = DMI_FIELDS[field];
      const text = key === undefined ? undefined : (MACHINE.dmi as Record<string, string | undefined>)[key];
      if (text === undefined) {
        ctx.note(`dmi_get_system_info(${key ?? field}): NULL (QEMU's SMBIOS tables do not have it)`);
        return 0n;
      }
      let at = dmiStrings.get(field);
      if (at === undefined) {
        const bytes = Uint8Array.from(`${text}\0`, (c) => c.charCodeAt(0) & 0xff); // SMBIOS strings are ASCII
        at = ctx.kmalloc(bytes.length, false, `dmi_ident[${key}]`);
        ctx.mem.write(at, bytes);
        dmiStrings.set(field, at);
      }
      ctx.note(`dmi_get_system_info(${key}): "${text}"`);
      return at;
    },
    // const struct dmi_device *dmi_find_device(int type, const char *name, const struct dmi_device *from) (dmi_scan.c): a walk
    // of dmi_devices, which dmi_decode() fills from SMBIOS types 9, 10, 11, 38 and 41 only. QEMU's PC has types 0, 1, 3, 4,
    // 16, 17, 19, 32 and 127 (recordings/dmi-entries.qemu.json): the list is empty and every search returns NULL.
    dmi_find_device: (ctx) => {
      ctx.note(`dmi_find_device(type ${Number(BigInt.asIntN(32, ctx.arg(0)))}): NULL (QEMU's SMBIOS lists no onboard, OEM-string or IPMI devices)`);
      return 0n;
    },
    // int dmi_name_in_vendors(const char *str) (drivers/firmware/dmi_scan.c): 1 when str is a substring of
    // dmi_ident[DMI_SYS_VENDOR] or dmi_ident[DMI_BOARD_VENDOR] (NULL on QEMU's PC: no type 2 baseboard), else 0.
    dmi_name_in_vendors: (ctx) => {
      const str = tryCString(ctx, ctx.arg(0));
      if (str === null) return 'not-modelled';
      const dmi = MACHINE.dmi as Record<string, string | undefined>;
      const hit = ['sys_vendor', 'board_vendor'].find((k) => dmi[k]?.includes(str));
      ctx.note(`dmi_name_in_vendors("${str}"): ${hit ? `in ${hit} "${dmi[hit]}", 1` : `not in the vendor strings (sys_vendor "${dmi.sys_vendor ?? ''}"), 0`}`);
      return hit ? 1n : 0n;
    },
    kobject_uevent: () => 0n,
    kobject_del: () => 0n,
  };
}

/** enum dmi_field (include/linux/mod_devicetable.h) → the /sys/class/dmi/id file of that field. */
const DMI_FIELDS: readonly (string | undefined)[] = [
  undefined,
  'bios_vendor',
  'bios_version',
  'bios_date',
  'bios_release',
  'ec_firmware_release',
  'sys_vendor',
  'product_name',
  'product_version',
  'product_serial',
  'product_uuid',
  'product_sku',
  'product_family',
  'board_vendor',
  'board_name',
  'board_version',
  'board_serial',
  'board_asset_tag',
  'chassis_vendor',
  'chassis_type',
  'chassis_version',
  'chassis_serial',
  'chassis_asset_tag',
];
