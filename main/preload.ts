/**
 * Preload (sandboxed, bundled to one CJS file). Exposes a few named, validated functions as
 * window.modscope. ipcRenderer itself is never exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ProgressEvent } from '../engine/api-types';
import type { ModscopeApi, OpenedFile } from './preload-api';
import { CH_ENGINE_CALL, CH_ENGINE_PROGRESS, CH_OPEN_DIALOG, CH_OPEN_FILE, CH_PICK_MODULE_TREE, CH_SAVE_FILE, isRendererMethod } from './ipc-validate';

const progressListeners = new Set<(p: ProgressEvent) => void>();
const fileListeners = new Set<(f: OpenedFile) => void>();
let pendingFile: OpenedFile | null = null;

function isOpenedFile(v: unknown): v is OpenedFile {
  const f = v as OpenedFile;
  return typeof f === 'object' && f !== null && typeof f.name === 'string' && f.bytes instanceof Uint8Array;
}

ipcRenderer.on(CH_ENGINE_PROGRESS, (_e: IpcRendererEvent, p: ProgressEvent) => {
  for (const cb of progressListeners) cb(p);
});

ipcRenderer.on(CH_OPEN_FILE, (_e: IpcRendererEvent, f: unknown) => {
  if (!isOpenedFile(f)) return;
  const file: OpenedFile = { name: f.name, bytes: f.bytes, path: typeof f.path === 'string' ? f.path : f.name };
  if (fileListeners.size === 0) {
    pendingFile = file;
    return;
  }
  for (const cb of fileListeners) cb(file);
});

const api: ModscopeApi = {
  host: 'electron',
  call(method, arg) {
    if (!isRendererMethod(method)) {
      return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message: `unknown engine method ${String(method)}` } });
    }
    return ipcRenderer.invoke(CH_ENGINE_CALL, method, arg);
  },
  onProgress(cb) {
    if (typeof cb !== 'function') throw new TypeError('onProgress needs a function');
    progressListeners.add(cb);
    return () => void progressListeners.delete(cb);
  },
  onOpenFile(cb) {
    if (typeof cb !== 'function') throw new TypeError('onOpenFile needs a function');
    fileListeners.add(cb);
    if (pendingFile) {
      const f = pendingFile;
      pendingFile = null;
      queueMicrotask(() => cb(f));
    }
    return () => void fileListeners.delete(cb);
  },
  async openDialog() {
    const f: unknown = await ipcRenderer.invoke(CH_OPEN_DIALOG);
    return isOpenedFile(f) ? f : null;
  },
  pickModuleTree() {
    return ipcRenderer.invoke(CH_PICK_MODULE_TREE);
  },
  async saveFile(name, bytes) {
    if (typeof name !== 'string' || !(bytes instanceof Uint8Array)) throw new TypeError('saveFile needs a name and a Uint8Array');
    const r = (await ipcRenderer.invoke(CH_SAVE_FILE, name, bytes)) as { saved?: unknown; path?: unknown; error?: unknown };
    if (typeof r?.error === 'string') throw new Error(r.error);
    return { saved: r?.saved === true, path: typeof r?.path === 'string' ? r.path : undefined };
  },
};

contextBridge.exposeInMainWorld('modscope', api);
