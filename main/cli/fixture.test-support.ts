// A small synthetic ModuleOverview for CLI formatting tests (not a test file itself).
import type { ModuleOverview } from '../../engine/api-types';

export function fakeOverview(): ModuleOverview {
  return {
    id: 'm1',
    fileName: 'hello.ko',
    fileSize: 7216,
    compression: null,
    header: [
      { field: 'e_ident[EI_CLASS]', value: 'ELF64', explain: '64-bit objects', offset: 4, size: 1 },
      { field: 'e_type', value: 'REL (Relocatable file)', explain: 'a module is a relocatable object', offset: 16, size: 2 },
      { field: 'e_machine', value: 'Advanced Micro Devices X86-64', explain: 'x86-64', offset: 18, size: 2 },
    ],
    headerSummary: 'ELF64 little-endian relocatable object for x86-64',
    sections: [
      { index: 0, name: '', type: 'NULL', flags: '', flagsExplained: '', addr: '0x0', offset: 0, size: 0, entsize: 0, link: 0, info: 0, align: 0, fileSize: 0, relocCount: 0 },
      { index: 1, name: '.text', type: 'PROGBITS', flags: 'AX', flagsExplained: 'alloc, exec', addr: '0x0', offset: 64, size: 32, entsize: 0, link: 0, info: 0, align: 16, fileSize: 32, relocCount: 2 },
      { index: 2, name: '.rela.text', type: 'RELA', flags: 'I', flagsExplained: 'info link', addr: '0x0', offset: 96, size: 48, entsize: 24, link: 4, info: 1, align: 8, fileSize: 48, relocCount: 0 },
      { index: 3, name: '.bss', type: 'NOBITS', flags: 'WA', flagsExplained: 'write, alloc', addr: '0x0', offset: 144, size: 8, entsize: 0, link: 0, info: 0, align: 8, fileSize: 0, relocCount: 0 },
      { index: 4, name: '.modinfo', type: 'PROGBITS', flags: 'A', flagsExplained: 'alloc', addr: '0x0', offset: 144, size: 60, entsize: 0, link: 0, info: 0, align: 1, fileSize: 60, relocCount: 0 },
    ],
    relocSections: [{ sectionIndex: 2, name: '.rela.text', target: 1, targetName: '.text', rela: true, count: 2 }],
    symbolCount: 3,
    relocationCount: 2,
    fileMap: [],
    modinfo: [
      { key: 'license', value: 'GPL', offset: 144 },
      { key: 'depends', value: '', offset: 160 },
      { key: 'parm', value: 'who:whom to greet', offset: 170 },
      { key: 'vermagic', value: '6.8.0 SMP preempt mod_unload', offset: 180 },
    ],
    versions: [{ name: 'printk', crc: '0x12345678', offset: 300 }],
    exports: [{ name: 'hello_count', gplOnly: true, namespace: '' }],
    params: [{ name: 'who', type: 'charp', perm: '0644', variable: 'who', description: 'whom to greet' }],
    notes: [{ section: '.note.gnu.build-id', owner: 'GNU', type: 3, typeName: 'NT_GNU_BUILD_ID', description: 'abc123' }],
    signature: { present: false, elfLength: 7216, signatureOffset: 0, signatureLength: 0, idType: '', description: '' },
    thisModule: { name: 'hello', init: 'init_module', exit: 'cleanup_module', size: 1280 },
    imports: ['_printk', '__fentry__'],
    license: 'GPL',
    gplCompatible: true,
    warnings: [],
  };
}
