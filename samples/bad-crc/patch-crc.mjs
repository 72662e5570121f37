// Invert the CRC recorded for one symbol in a .ko's __versions section, in place:
//   node patch-crc.mjs FILE.ko SYMBOL
// __versions is an array of struct modversion_info { unsigned long crc; char name[56]; } (64 bytes,
// include/linux/module.h, 6.1); the kernel compares crc with its own in check_version(). Only the
// low 32 bits carry the CRC, so they are inverted: same size, no offset changes.
import { readFileSync, writeFileSync } from 'node:fs';

const [file, symbol] = process.argv.slice(2);
if (!file || !symbol) throw new Error('usage: node patch-crc.mjs FILE.ko SYMBOL');
const buf = readFileSync(file);
if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) throw new Error(`${file}: not a little-endian ELF64 file`);
const shoff = Number(buf.readBigUInt64LE(0x28));
const shentsize = buf.readUInt16LE(0x3a);
const shnum = buf.readUInt16LE(0x3c);
const shstrndx = buf.readUInt16LE(0x3e);
const section = (i) => {
  const at = shoff + i * shentsize;
  return { name: buf.readUInt32LE(at), offset: Number(buf.readBigUInt64LE(at + 0x18)), size: Number(buf.readBigUInt64LE(at + 0x20)) };
};
const strtab = section(shstrndx);
const nameOf = (s) => {
  const start = strtab.offset + s.name;
  return buf.toString('latin1', start, buf.indexOf(0, start));
};
let versions = null;
for (let i = 0; i < shnum; i++) if (nameOf(section(i)) === '__versions') versions = section(i);
if (!versions) throw new Error(`${file}: no __versions section`);
for (let at = versions.offset; at + 64 <= versions.offset + versions.size; at += 64) {
  const name = buf.toString('latin1', at + 8, buf.indexOf(0, at + 8));
  if (name !== symbol) continue;
  const crc = buf.readUInt32LE(at);
  buf.writeUInt32LE(~crc >>> 0, at);
  writeFileSync(file, buf);
  console.log(
    `${file}: CRC of ${symbol} at offset 0x${at.toString(16)} 0x${crc.toString(16).padStart(8, '0')} -> 0x${(~crc >>> 0).toString(16).padStart(8, '0')}`,
  );
  process.exit(0);
}
throw new Error(`${file}: ${symbol} is not in __versions`);
