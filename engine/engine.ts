/**
 * The engine: sessions of opened modules, answering EngineMethods.
 * Hosts (Electron main via IPC, the browser Web Worker, the Node CLI) each hold one Engine;
 * every answer is a Result envelope of plain data, so it crosses IPC and postMessage unchanged.
 */
import type { EngineArg, EngineError, EngineMethod, EngineValue, ProgressEvent, Result } from './api-types';
import { isElfError } from './elf/errors';
import { openModule, type OpenedModule } from './session/open';
import { buildOverview } from './session/overview';
import { relocationPage, symbolPage } from './session/rows';

export interface Engine {
  call<M extends EngineMethod>(
    method: M,
    arg: EngineArg<M>,
    onProgress?: (p: ProgressEvent) => void,
  ): Promise<Result<EngineValue<M>>>;
}

/** Rows in one page at most: enough for a screen, small enough to clone cheaply. */
export const MAX_PAGE = 5000;
/** Bytes in one `bytes` answer at most. */
export const MAX_BYTES = 1 << 20;

class BadRequest extends Error {}

function fail(e: unknown): { ok: false; error: EngineError } {
  if (isElfError(e)) {
    const error: EngineError = { code: e.code, message: e.message, offset: e.offset };
    if (e.field !== undefined) error.field = e.field;
    return { ok: false, error };
  }
  if (e instanceof BadRequest) return { ok: false, error: { code: 'BAD_REQUEST', message: e.message } };
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, error: { code: 'INTERNAL', message } };
}

function int(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new BadRequest(`${name} must be an integer in [${min}, ${max}]`);
  }
  return v;
}

export function createEngine(): Engine {
  const sessions = new Map<string, OpenedModule>();
  let next = 1;

  function get(id: unknown): OpenedModule {
    const m = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!m) throw Object.assign(new BadRequest(`no open module with id ${String(id)}`), { code: 'NO_SUCH_MODULE' });
    return m;
  }

  async function dispatch(method: EngineMethod, arg: unknown, onProgress?: (p: ProgressEvent) => void): Promise<unknown> {
    const a = (arg ?? {}) as Record<string, unknown>;
    switch (method) {
      case 'open': {
        if (typeof a.name !== 'string' || !(a.bytes instanceof Uint8Array)) throw new BadRequest('open needs {name: string, bytes: Uint8Array}');
        const id = `m${next++}`;
        const mod = await openModule(id, a.name, a.bytes, onProgress);
        sessions.set(id, mod);
        return mod.overview;
      }
      case 'close':
        get(a.id);
        sessions.delete(a.id as string);
        return true;
      case 'overview':
        return get(a.id).overview;
      case 'symbols': {
        const m = get(a.id);
        const filter = typeof a.filter === 'string' ? a.filter : undefined;
        return symbolPage(m, int(a.offset, 'offset', 0, 2 ** 31), int(a.limit, 'limit', 0, MAX_PAGE), filter);
      }
      case 'relocations': {
        const m = get(a.id);
        return relocationPage(m, int(a.section, 'section', 0, 2 ** 31), int(a.offset, 'offset', 0, 2 ** 31), int(a.limit, 'limit', 0, MAX_PAGE));
      }
      case 'bytes': {
        const m = get(a.id);
        const offset = int(a.offset, 'offset', 0, m.fileBytes.length);
        const length = int(a.length, 'length', 0, MAX_BYTES);
        return m.fileBytes.slice(offset, Math.min(m.fileBytes.length, offset + length));
      }
      default:
        throw new BadRequest(`unknown method ${String(method)}`);
    }
  }

  return {
    async call(method, arg, onProgress) {
      try {
        const value = await dispatch(method, arg, onProgress);
        return { ok: true, value } as Result<EngineValue<typeof method>>;
      } catch (e) {
        const r = fail(e);
        if (e instanceof BadRequest && (e as { code?: string }).code === 'NO_SUCH_MODULE') r.error.code = 'NO_SUCH_MODULE';
        return r;
      }
    },
  };
}

export { buildOverview };
