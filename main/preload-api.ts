/**
 * The API the preload script exposes to the renderer as `window.modscope` (Electron only).
 * The renderer imports these as types:  import type { ModscopeApi } from '../../main/preload-api';
 * (Type-only: no runtime code, no Electron import.)
 */
import type { EngineArg, EngineMethod, EngineValue, ModuleTreeInfo, ProgressEvent, Result } from '../engine/api-types';

/** A file main read for the renderer (menu Open…, a sample, or the command line). */
export interface OpenedFile {
  name: string;
  bytes: Uint8Array;
  /** Absolute path on disk, for display only. */
  path: string;
}

export interface ModscopeApi {
  /** Call the engine session in main. Always resolves with a Result envelope (never rejects for engine errors). */
  call<M extends EngineMethod>(method: M, arg: EngineArg<M>): Promise<Result<EngineValue<M>>>;
  /** Progress of the running open (decompress/parse). Returns an unsubscribe function. */
  onProgress(cb: (p: ProgressEvent) => void): () => void;
  /**
   * Files main pushes (menu, samples, command line). A file pushed before anyone subscribed is
   * delivered to the first subscriber at once. Returns an unsubscribe function.
   */
  onOpenFile(cb: (f: OpenedFile) => void): () => void;
  /** Show the native Open dialog; resolves with the file read, or null when cancelled. */
  openDialog(): Promise<OpenedFile | null>;
  /** The native folder dialog for a module tree; main lists it, gives it to the engine and reads its files as modprobe needs them. */
  pickModuleTree(): Promise<Result<ModuleTreeInfo | null>>;
  /** Save an export through the native Save dialog (name: the suggested plain file name). Rejects on a refused request. */
  saveFile(name: string, bytes: Uint8Array): Promise<{ saved: boolean; path?: string }>;
  /** Always "electron": lets the renderer pick its host. */
  readonly host: 'electron';
}

/*
 * No `declare global` here: renderer/src/host/modscope-api.ts already declares
 * `Window.modscope?: ModscopeBridge`, and ModscopeApi is assignable to ModscopeBridge
 * (OpenedFile here only adds `path`). Two global declarations would clash.
 */
