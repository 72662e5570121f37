/**
 * The machine Modscope models, as the real Debian 6.1.0-50 kernel sees it under QEMU: generated from
 * samples/kernel/machine-qemu-pc.json.gz by `node scripts/qemu/machine-facts.mjs --ts` (do not edit;
 * qemu-pc.test.ts checks the two agree). See scripts/qemu/machine.mjs for the QEMU command line.
 */
export const MACHINE = {
  name: 'QEMU Standard PC (i440FX + PIIX, 1996), QEMU Virtual CPU version 2.5+ (TCG), 1 CPU, 512 MiB',
  memoryMiB: 512, vars: {
    _totalram_pages: '0x1c973',
    __per_cpu_offset0: '0xffff88801ea00000',
    nr_cpu_ids: '0x1',
    high_memory: '0xffff88801ffe0000',
    page_offset_base: '0xffff888000000000',
    vmalloc_base: '0xffffc90000000000',
    vmemmap_base: '0xffffea0000000000',
    loops_per_jiffy: '0x7fdf00',
    sizeof_cpuinfo_x86: '0x120'
  },
  sysinfo: {
    totalram: 117107, freeram: 107788, sharedram: 2483, bufferram: 0, totalhigh: 0, freehigh: 0, mem_unit: 4096
  },
  bootCpuData: [
    '0f026b01000400000000000000000000000000000000000000000000302800ff',
    '0a0000800d000000fdfb8b07fdfb932100000000104035060120008000000000',
    '0501000000200800008000000000000000000000201000000000000000000000',
    '0000000000000000000000000000000000000000000000000000000000000000',
    '40ad01000000000041757468656e746963414d440000000051454d5520566972',
    '7475616c204350552076657273696f6e20322e352b0000000000000000000000',
    '0000000000000000000000000000000000000000000000000002000040000000',
    'ffffffffffffffffffffffff0000000000df7f00000000000000000000000000',
    '0100000000004000000000000000000000000000000000006500000128000000'
  ],
  cpuFlags: [
    'fpu',
    'de',
    'pse',
    'tsc',
    'msr',
    'pae',
    'mce',
    'cx8',
    'apic',
    'sep',
    'mtrr',
    'pge',
    'mca',
    'cmov',
    'pat',
    'pse36',
    'clflush',
    'mmx',
    'fxsr',
    'sse',
    'sse2',
    'syscall',
    'nx',
    'lm',
    'rep_good',
    'nopl',
    'cpuid',
    'extd_apicid',
    'pni',
    'cx16',
    'hypervisor',
    'lahf_lm',
    'svm',
    '3dnowprefetch',
    'vmmcall'
  ],
  pci: [
    {
      slot: '0000:00:00.0',
      vendor: '0x8086',
      device: '0x1237',
      class: '0x060000',
      subVendor: '0x1af4',
      subDevice: '0x1100',
      revision: '0x02'
    },
    {
      slot: '0000:00:01.0',
      vendor: '0x8086',
      device: '0x7000',
      class: '0x060100',
      subVendor: '0x1af4',
      subDevice: '0x1100',
      revision: '0x00'
    },
    {
      slot: '0000:00:01.1',
      vendor: '0x8086',
      device: '0x7010',
      class: '0x010180',
      subVendor: '0x1af4',
      subDevice: '0x1100',
      revision: '0x00'
    },
    {
      slot: '0000:00:01.3',
      vendor: '0x8086',
      device: '0x7113',
      class: '0x068000',
      subVendor: '0x1af4',
      subDevice: '0x1100',
      revision: '0x03'
    }
  ],
  acpiTables: [
    {
      signature: 'APIC',
      size: 120
    },
    {
      signature: 'DSDT',
      size: 6438
    },
    {
      signature: 'FACP',
      size: 116
    },
    {
      signature: 'FACS',
      size: 64
    },
    {
      signature: 'HPET',
      size: 56
    },
    {
      signature: 'WAET',
      size: 40
    }
  ],
  dmi: {
    bios_date: '04/01/2014',
    bios_release: '0.0',
    bios_vendor: 'SeaBIOS',
    bios_version: '1.16.2-debian-1.16.2-1',
    chassis_asset_tag: '',
    chassis_serial: '',
    chassis_type: '1',
    chassis_vendor: 'QEMU',
    chassis_version: 'pc-i440fx-7.2',
    product_family: '',
    product_name: 'Standard PC (i440FX + PIIX, 1996)',
    product_serial: '',
    product_sku: '',
    product_version: 'pc-i440fx-7.2',
    sys_vendor: 'QEMU'
  }
} as const;
