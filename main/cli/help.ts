export const HELP = `modscope — see how Linux loads a kernel module

Usage:
  modscope info <module.ko[.xz|.zst|.gz]>          explain the module in plain words
  modscope info <module.ko> --json                 everything as JSON (header, sections,
                                                   symbols, relocations, notes, module facts),
                                                   written as it is produced (streamed)
  modscope relocs <module.ko>                      the relocations, exactly as readelf -r -W
                                                   prints them
  modscope --help | --version

"info" prints what readelf -h and modinfo would show: the file (compression, signature),
the ELF header field by field, a summary of the sections, the .modinfo keys, parameters,
dependencies, how many symbols the module imports, and what it exports.
In --json output, 64-bit values are strings like "0xffffffffc0000000".
"relocs" prints, per relocation section, readelf's header line ("Relocation section '.rela.text'
at offset 0x… contains N entries:"), its column line, and one line per relocation: offset, info,
type, the symbol's value and name, and the addend (RELA sections only).

Compressed modules (.ko.xz, .ko.zst, .ko.gz) are opened transparently.

Exit codes: 0 ok · 1 usage error · 2 the file could not be read or parsed; errors print as
  modscope: error CODE at offset 0x…: message
`;
