/**
 * Electron main under a fake 'electron' module (no binary needed): the app:// protocol, the
 * CSP header, the IPC handler's sender/argument checks, the engine session and the hardening hooks.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missing } from '../scripts/test-support/prereq';

const root = join(import.meta.dirname, '..');
const hello = join(root, 'samples', 'hello', 'hello.ko');

type Handler = (...args: unknown[]) => unknown;
const h = vi.hoisted(() => ({
  protocols: new Map<string, (r: Request) => Promise<Response>>(),
  ipc: new Map<string, (...a: unknown[]) => unknown>(),
  appEvents: new Map<string, (...a: unknown[]) => unknown>(),
  menu: null as unknown,
  permissionRequest: null as null | ((...a: unknown[]) => void),
  permissionCheck: null as null | ((...a: unknown[]) => boolean),
  windows: [] as Array<{ url: string; opts: Record<string, unknown>; webContents: Record<string, unknown>; sent: unknown[][] }>,
  schemes: [] as unknown[],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    url = '';
    sent: unknown[][] = [];
    webContents: Record<string, unknown>;
    constructor(public opts: Record<string, unknown>) {
      const sent = this.sent;
      this.webContents = {
        on: () => {},
        send: (...a: unknown[]) => void sent.push(a),
        isDestroyed: () => false,
      };
      h.windows.push(this as never);
    }
    once() {}
    on() {}
    show() {}
    isDestroyed() {
      return false;
    }
    loadURL(u: string) {
      this.url = u;
      return Promise.resolve();
    }
    static getAllWindows() {
      return h.windows;
    }
  }
  return {
    app: {
      getAppPath: () => root,
      isPackaged: false,
      requestSingleInstanceLock: () => true,
      on: (e: string, f: Handler) => void h.appEvents.set(e, f),
      whenReady: () => Promise.resolve(),
      quit: () => {},
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => void h.schemes.push(...s),
      handle: (s: string, f: (r: Request) => Promise<Response>) => void h.protocols.set(s, f),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (f: never) => void (h.permissionRequest = f),
        setPermissionCheckHandler: (f: never) => void (h.permissionCheck = f),
        setDevicePermissionHandler: () => {},
      },
    },
    ipcMain: { handle: (c: string, f: Handler) => void h.ipc.set(c, f) },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => void (h.menu = m) },
    dialog: { showErrorBox: () => {}, showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    BrowserWindow,
  };
});

beforeAll(async () => {
  await import('./index');
  // let whenReady().then(...) run
  for (let i = 0; i < 20 && h.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
});

const rendererBuilt = existsSync(join(root, 'out', 'renderer', 'index.html'));

describe('Electron main (faked electron)', () => {
  it('registers app:// as a privileged standard, secure scheme and loads the window from it', () => {
    expect(h.schemes).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(h.windows).toHaveLength(1);
    expect(h.windows[0].url).toBe('app://modscope/index.html');
  });

  it('creates the window locked down', () => {
    const wp = h.windows[0].opts.webPreferences as Record<string, unknown>;
    expect(wp).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String(wp.preload)).toMatch(/out[\\/]preload[\\/]preload\.cjs$/);
  });

  it.skipIf(missing('the renderer build (npx electron-vite build; npm test builds it first)', rendererBuilt))(
    'serves the renderer with a CSP header',
    async () => {
      const serve = h.protocols.get('app')!;
      const r = await serve(new Request('app://modscope/index.html'));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/text\/html/);
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'.*object-src 'none'/);
      expect(await r.text()).toContain('<div id="root">');
    },
  );

  it('refuses path traversal, other hosts and unknown local files', async () => {
    const serve = h.protocols.get('app')!;
    expect((await serve(new Request('app://modscope/..%2f..%2fpackage.json'))).status).toBeGreaterThanOrEqual(403);
    expect((await serve(new Request('app://other/index.html'))).status).toBe(404);
    expect((await serve(new Request('app://modscope/local/7/x.ko'))).status).toBe(404);
  });

  it('denies every permission request', () => {
    let granted: boolean | null = null;
    h.permissionRequest!(null, 'media', (ok: boolean) => (granted = ok));
    expect(granted).toBe(false);
    expect(h.permissionCheck!(null, 'geolocation')).toBe(false);
  });

  it('hardens every web contents: no new windows, no webviews, no navigation away', () => {
    const events = new Map<string, Handler>();
    let openHandler: Handler | null = null;
    const contents = { on: (e: string, f: Handler) => void events.set(e, f), setWindowOpenHandler: (f: Handler) => void (openHandler = f) };
    h.appEvents.get('web-contents-created')!({}, contents);
    expect(openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const ev = () => ({
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    });
    const a = ev();
    events.get('will-attach-webview')!(a);
    expect(a.prevented).toBe(true);
    const b = ev();
    events.get('will-navigate')!(b, 'https://example.com/');
    expect(b.prevented).toBe(true);
    const c = ev();
    events.get('will-navigate')!(c, 'app://modscope/index.html');
    expect(c.prevented).toBe(false);
  });

  it('has File → Open…, Samples and Quit', () => {
    const file = (h.menu as Array<{ label?: string; submenu?: Array<{ label?: string; role?: string }> }>).find((m) => m.label === '&File')!;
    const labels = file.submenu!.map((i) => i.label ?? i.role);
    expect(labels).toEqual(expect.arrayContaining(['Open…', 'Samples', 'Quit']));
  });

  it('engine:call refuses a sender that is not the app:// window', async () => {
    const call = h.ipc.get('engine:call')!;
    const win = h.windows[0];
    const r1 = await call({ sender: win.webContents, senderFrame: { url: 'https://evil.example/' } }, 'overview', { id: 'x' });
    expect(r1).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const r2 = await call({ sender: {}, senderFrame: { url: 'app://modscope/index.html' } }, 'overview', { id: 'x' });
    expect(r2).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('engine:call validates arguments', async () => {
    const call = h.ipc.get('engine:call')!;
    const ev = { sender: h.windows[0].webContents, senderFrame: { url: 'app://modscope/index.html' } };
    expect(await call(ev, 'eval', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', field: 'method' } });
    expect(await call(ev, 'bytes', { id: 'x', offset: -1, length: 4 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', field: 'offset' } });
  });

  it('engine:call opens a module in main and answers with the Result envelope', async () => {
    const call = h.ipc.get('engine:call')!;
    const ev = { sender: h.windows[0].webContents, senderFrame: { url: 'app://modscope/index.html' } };
    const bytes = new Uint8Array(readFileSync(hello));
    const r = (await call(ev, 'open', { name: 'hello.ko', bytes })) as {
      ok: boolean;
      value?: { id: string; sections: unknown[] };
      error?: { message: string };
    };
    if (!r.ok && /not ready/.test(r.error?.message ?? '')) return; // engine stub
    expect(r.ok).toBe(true);
    expect(r.value!.sections.length).toBeGreaterThan(1);
    const s = (await call(ev, 'symbols', { id: r.value!.id, offset: 0, limit: 10 })) as { ok: boolean; value: { rows: unknown[] } };
    expect(s.ok).toBe(true);
    expect(s.value.rows.length).toBeGreaterThan(0);
  });
});
