/**
 * What the Electron preload exposes as `window.modscope` (contextBridge).
 * The preload (main/) must implement exactly this shape.
 */
import type { EngineArg, EngineMethod, EngineValue, ModuleTreeInfo, ProgressEvent, Result } from '../../../engine/api-types';

export interface OpenedFile {
  name: string;
  bytes: Uint8Array;
}

export interface ModscopeBridge {
  /** Calls the engine in the main process; resolves to the Result envelope. */
  call<M extends EngineMethod>(method: M, arg: EngineArg<M>): Promise<Result<EngineValue<M>>>;
  /** Progress of the running call(s). Returns an unsubscribe function. */
  onProgress(cb: (p: ProgressEvent) => void): (() => void) | void;
  /** Files opened from the menu or the command line. Returns an unsubscribe function. */
  onOpenFile(cb: (file: OpenedFile) => void): (() => void) | void;
  /** Shows the native open dialog; null when cancelled. */
  openDialog(): Promise<OpenedFile | null>;
  /** Shows the native folder dialog for a module tree; main hands it to the engine and reads its files as modprobe needs them. */
  pickModuleTree?(): Promise<Result<ModuleTreeInfo | null>>;
}

declare global {
  interface Window {
    modscope?: ModscopeBridge;
  }
}
