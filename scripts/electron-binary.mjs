// Where the Electron executable is, when one is actually on disk (mirrors node_modules/electron/index.js
// without importing 'electron', which would try to download it). Shared by `npm start` and the Electron e2e.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} root the project root @returns {string | null} */
export function electronBinary(root) {
  const pkgDir = join(root, 'node_modules', 'electron');
  const pathFile = join(pkgDir, 'path.txt');
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, exe || 'electron');
    return existsSync(p) ? p : null;
  }
  if (!exe) return null;
  const p = join(pkgDir, 'dist', exe);
  return existsSync(p) ? p : null;
}
