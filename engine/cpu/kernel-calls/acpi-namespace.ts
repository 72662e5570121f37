/**
 * The ACPI namespace of the modelled machine and its walk (drivers/acpi/acpica/nsxfeval.c acpi_walk_namespace(),
 * nswalk.c acpi_ns_walk_namespace(); drivers/acpi/scan.c acpi_fetch_acpi_dev(), acpi_device_hid(),
 * acpi_match_device_ids()).
 *
 * QEMU's PC (-nodefaults, SeaBIOS) has Device objects only in its DSDT, in this order of definition (the namespace keeps
 * a parent's children in that order): \_SB_.PCI0, LNKA LNKB LNKC LNKD LNKS, HPET, PCI0.PRES, CPUS, PCI0's GPE0 PHPR FWCF
 * S00_ S08_ (with KBD_ MOU_ FDC0 COM2 COM1 RTC_) S10_ … SF8_; the CPU C000 under CPUS is a Processor object. ACPICA's
 * predefined \_SB_ and \_TZ_ are Devices too (after \_GPE and \_PR_, before … \_TZ_). Every one of them has its struct
 * acpi_device (scripts/qemu/recordings/acpi-namespace.qemu.json: /sys/bus/acpi/devices with each one's path and ids),
 * so acpi_fetch_acpi_dev() finds one for each; the hardware and compatible IDs below are the recorded modaliases.
 *
 * acpi_walk_namespace(type, start, max_depth, descending, ascending, context, return_value) walks depth first from
 * start (ACPI_ROOT_OBJECT, (acpi_handle)-1, or a node), children at level 1, and calls descending_callback(node,
 * level, context, return_value) on a node of the type when it first reaches it and ascending_callback() when it comes
 * back up from it: AE_CTRL_DEPTH skips its children, AE_CTRL_TERMINATE ends the walk with AE_OK, any other error ends it
 * with that status. Bad parameters (a type past ACPI_TYPE_LOCAL_MAX, depth 0, no callback) are AE_BAD_PARAMETER. The
 * callbacks are module code: ctx.callModule runs them. Nodes (handles) and acpi_devices are kernel objects the model
 * allocates on first use; a struct acpi_device holds its handle at offset 8 (u32 pld_crc; int device_type; handle).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { acpiDeviceHidFromMemory } from './acpi-button-device';
import { hexU64 } from '../../base/hex';
import { ENOENT } from './errname';
import { asciiBytes, ret, tryCString, u32, writeU64 } from './mem';

/** A Device object: its name under its parent, and for those with a struct acpi_device their IDs (_HID first, then _CIDs). */
interface AcpiNode {
  name: string;
  ids: string[];
  children: AcpiNode[];
}

const dev = (name: string, ids: string[], children: AcpiNode[] = []): AcpiNode => ({ name, ids, children });
/** PCI slots 2 … 31 (S10_ … SF8_: 'S' and the slot's devfn, slot * 8, in hex). */
const slots = Array.from({ length: 30 }, (_, i) => `S${((i + 2) * 8).toString(16).toUpperCase()}_`);

/** Device objects in namespace order (the root's children). device:NN (no _HID, a PCI slot with _ADR) has no IDs. */
export const QEMU_PC_ACPI_DEVICES: readonly AcpiNode[] = [
  dev('_SB_', ['LNXSYBUS'], [
    dev('PCI0', ['PNP0A03'], [
      dev('PRES', ['PNP0A06']),
      dev('GPE0', ['PNP0A06']),
      dev('PHPR', ['PNP0A06']),
      dev('FWCF', ['QEMU0002']),
      dev('S00_', []),
      dev('S08_', [], [
        dev('KBD_', ['PNP0303']),
        dev('MOU_', ['PNP0F13']),
        dev('FDC0', ['PNP0700']),
        dev('COM2', ['PNP0501']),
        dev('COM1', ['PNP0501']),
        dev('RTC_', ['PNP0B00']),
      ]),
      ...slots.map((s) => dev(s, [])),
    ]),
    ...['LNKA', 'LNKB', 'LNKC', 'LNKD', 'LNKS'].map((n) => dev(n, ['PNP0C0F'])),
    dev('HPET', ['PNP0103']),
    dev('CPUS', ['ACPI0010', 'PNP0A05']),
  ]),
  dev('_TZ_', ['LNXSYBUS']),
];

const ACPI_TYPE_DEVICE = 6;
const ACPI_TYPE_LOCAL_MAX = 0x1e;
const ACPI_ROOT_OBJECT = 0xffffffffffffffffn;
const AE_OK = 0n;
const AE_BAD_PARAMETER = 0x1001n;
const AE_CTRL_TERMINATE = 0x4003n;
const AE_CTRL_DEPTH = 0x4006n;
const ACPI_DEVICE_SIZE = 2048;
const NODE_SIZE = 48;
/** acpi_device_hid() of a device without IDs: scan.c's dummy_hid. */
const DUMMY_HID = 'device';

export function acpiNamespaceFunctions(): Record<string, KernelFunction> {
  const handles = new Map<AcpiNode, bigint>();
  const nodes = new Map<bigint, AcpiNode>();
  const devices = new Map<bigint, bigint>(); // handle → struct acpi_device
  const deviceNodes = new Map<bigint, AcpiNode>();
  const hids = new Map<bigint, bigint>();
  const handleOf = (ctx: KernelCallContext, n: AcpiNode): bigint => {
    let h = handles.get(n);
    if (h === undefined) {
      h = ctx.kmalloc(NODE_SIZE, true, `acpi_namespace_node ${n.name}`);
      ctx.mem.write(h + 8n, asciiBytes(n.name)); // struct acpi_namespace_node: …, name @8
      handles.set(n, h);
      nodes.set(h, n);
    }
    return h;
  };
  /** acpi_ns_walk_namespace() over Device objects; returns the status, or null when the walk terminated (AE_OK). */
  interface Walk {
    maxDepth: number;
    down: bigint;
    up: bigint;
    context: bigint;
    rv: bigint;
  }
  const walk = (ctx: KernelCallContext, list: readonly AcpiNode[], level: number, w: Walk): bigint | null => {
    const { maxDepth, down, up, context, rv } = w;
    for (const n of list) {
      const h = handleOf(ctx, n);
      let status = down ? ctx.callModule(down, h, BigInt(level), context, rv) & 0xffffffffn : AE_OK;
      if (status === AE_CTRL_TERMINATE) return null;
      if (status !== AE_OK && status !== AE_CTRL_DEPTH) return status;
      if (level < maxDepth && status !== AE_CTRL_DEPTH && n.children.length) {
        const r = walk(ctx, n.children, level + 1, w);
        if (r !== AE_OK) return r;
      }
      status = up ? ctx.callModule(up, h, BigInt(level), context, rv) & 0xffffffffn : AE_OK;
      if (status === AE_CTRL_TERMINATE) return null;
      if (status !== AE_OK && status !== AE_CTRL_DEPTH) return status;
    }
    return AE_OK;
  };
  const idsOf = (ctx: KernelCallContext, adev: bigint): string[] | null => {
    const n = deviceNodes.get(adev);
    return n ? n.ids : null;
  };
  return {
    // acpi_status acpi_walk_namespace(type, start_object, max_depth, descending_callback, ascending_callback, context, return_value)
    acpi_walk_namespace: (ctx) => {
      const type = u32(ctx.arg(0));
      const maxDepth = u32(ctx.arg(2));
      const [down, up] = [ctx.arg(3), ctx.arg(4)];
      if (type > ACPI_TYPE_LOCAL_MAX || maxDepth === 0 || (down === 0n && up === 0n)) return AE_BAD_PARAMETER;
      const start = ctx.arg(1);
      const list = start === ACPI_ROOT_OBJECT ? QEMU_PC_ACPI_DEVICES : nodes.get(start)?.children;
      if (list === undefined || type !== ACPI_TYPE_DEVICE) {
        ctx.note(`acpi_walk_namespace: type ${type} from ${hexU64(start)}: only Device objects from the root or a known node are modelled`);
        return 'not-modelled';
      }
      const r = walk(ctx, list, 1, { maxDepth, down, up, context: ctx.arg(5), rv: ctx.arg(6) });
      const how = r === null ? ' until the callback said AE_CTRL_TERMINATE' : '';
      ctx.note(`acpi_walk_namespace: QEMU's Device objects walked${how}; returns ${hexU64(r ?? AE_OK)}`);
      return r ?? AE_OK;
    },
    // struct acpi_device *acpi_fetch_acpi_dev(acpi_handle handle): every Device object here has one.
    acpi_fetch_acpi_dev: (ctx) => {
      const h = ctx.arg(0);
      const n = nodes.get(h);
      if (!n) return 'not-modelled';
      let d = devices.get(h);
      if (d === undefined) {
        d = ctx.kmalloc(ACPI_DEVICE_SIZE, true, `acpi_device ${n.name}`);
        writeU64(ctx.mem, d + 8n, h);
        devices.set(h, d);
        deviceNodes.set(d, n);
      }
      return d;
    },
    // const char *acpi_device_hid(struct acpi_device *device): the first ID, else "device".
    acpi_device_hid: (ctx) => {
      const ids = idsOf(ctx, ctx.arg(0));
      if (ids === null) {
        // A struct acpi_device the model built with its pnp.ids (acpi-button-device.ts): the kernel's own reading.
        const hid = acpiDeviceHidFromMemory(ctx, ctx.arg(0));
        if (hid === null) return 'not-modelled';
        if (hid !== 'empty') return hid;
      }
      let p = hids.get(ctx.arg(0));
      if (p === undefined) {
        const text = ids?.[0] ?? DUMMY_HID;
        p = ctx.kmalloc(text.length + 1, false, `acpi hid ${text}`);
        ctx.mem.write(p, asciiBytes(`${text}\0`));
        hids.set(ctx.arg(0), p);
      }
      return p;
    },
    // int acpi_match_device_ids(struct acpi_device *device, const struct acpi_device_id *ids): 0 when one of the
    // device's IDs is in the table (struct acpi_device_id: id[16], driver_data, cls, cls_msk: 32 bytes; ends at an empty
    // id), else -ENOENT. No device here has a _CLS, so class matching never applies.
    acpi_match_device_ids: (ctx) => {
      const ids = idsOf(ctx, ctx.arg(0));
      if (ids === null) return 'not-modelled';
      for (let i = 0; i < 4096; i++) {
        const id = tryCString(ctx, ctx.arg(1) + BigInt(i * 32), 16) ?? '';
        if (id === '') break;
        if (ids.includes(id)) return 0n;
      }
      return ret(-ENOENT);
    },
  };
}
