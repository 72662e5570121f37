/**
 * Save an exported file: through the Electron save dialog when the preload offers one, else as a
 * browser download.
 */

/** The optional part of window.modscope that saves a file (Electron preload). */
interface SaveBridge {
  saveFile(name: string, bytes: Uint8Array): Promise<{ saved: boolean; path?: string }>;
}

function saveBridge(): SaveBridge | null {
  const b = (window as unknown as { modscope?: Partial<SaveBridge> }).modscope;
  return b && typeof b.saveFile === 'function' ? (b as SaveBridge) : null;
}

/** Returns where it went: a path (Electron), 'download', or null when the dialog was cancelled. */
export async function saveBlob(blob: Blob, fileName: string): Promise<string | null> {
  const bridge = saveBridge();
  if (bridge) {
    const r = await bridge.saveFile(fileName, new Uint8Array(await blob.arrayBuffer()));
    return r.saved ? (r.path ?? fileName) : null;
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return 'download';
}

/** A file name part from free text: "hello.ko" → "hello". */
export function fileStem(name: string): string {
  return name.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/[^\w.-]+/g, '_') || 'modscope';
}
