// Replace the (only) "license=Dual MIT/GPL\0" string in a .ko by "license=Proprietary\0\0":
// same byte length, so no section offset or size changes; the kernel's license_is_gpl_compatible()
// then says no and the module may not use EXPORT_SYMBOL_GPL symbols.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
const buf = readFileSync(file);
const from = Buffer.from('license=Dual MIT/GPL\0');
const to = Buffer.from('license=Proprietary\0\0');
const at = buf.indexOf(from);
if (at < 0 || buf.indexOf(from, at + 1) >= 0) {
  if (buf.indexOf(to) >= 0) process.exit(0); // already patched
  throw new Error(`${file}: expected exactly one ${JSON.stringify(from.toString())}`);
}
to.copy(buf, at);
writeFileSync(file, buf);
console.log(`${file}: license patched at offset 0x${at.toString(16)}`);
