// Fallback "whole process" subject for bench.mjs when the CLI is unavailable:
//   node scripts/bench/parse-file.mjs <engine-bundle-url> <file.ko>
// Reads the file, strips an appended module signature, runs readElf, prints a one-line summary.
import { readFileSync } from 'node:fs';
import { elfLength } from '../corpus/common.mjs';

const [url, file] = process.argv.slice(2);
const { readElf } = await import(url);
const buf = readFileSync(file);
const elf = readElf(new Uint8Array(buf.buffer, buf.byteOffset, elfLength(buf)));
let relocs = 0;
for (const r of elf.relocSections) relocs += r.count;
process.stdout.write(JSON.stringify({ sections: elf.sections.length, symbols: elf.symtab?.symbols.length ?? 0, relocations: relocs }) + '\n');
