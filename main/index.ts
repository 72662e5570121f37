/**
 * Modscope — Electron main process.
 * Security posture: contextIsolation + sandbox, no Node in the renderer, renderer served from a
 * custom app:// protocol with a CSP header, navigation/new windows/webviews/permissions denied,
 * one validated IPC channel into the engine session that lives here.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  session,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import { createEngine } from '../engine/engine';
import type { EngineArg, EngineError, ModuleTreeInfo, Result } from '../engine/api-types';
import type { OpenedFile } from './preload-api';
import { createIcedDecoder } from '../host-common/iced-decoder';
import { scanModuleTree, shellOverTree } from './module-tree';
import { installNativeSha256 } from './native-sha256';
import { installNativeRsa } from './native-rsa';
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  CH_ENGINE_CALL,
  CH_ENGINE_PROGRESS,
  CH_OPEN_DIALOG,
  CH_PICK_MODULE_TREE,
  CH_OPEN_FILE,
  KO_EXTENSIONS,
  MAX_OPEN_BYTES,
  fileFromArgv,
  isModuleFileName,
  isTrustedSenderUrl,
  validateIpcCall,
  CH_SAVE_FILE,
  validateSaveFile,
} from './ipc-validate';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

// Must run before 'ready'.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

const appRoot = app.getAppPath();
const rendererRoot = join(appRoot, 'out', 'renderer');
const samplesRoot = app.isPackaged ? join(process.resourcesPath, 'samples') : join(appRoot, 'samples');

installNativeSha256();
installNativeRsa();
const engine = createEngine({ decoder: createIcedDecoder });
/** The module tree picked in the folder dialog (main reads its files for kernel.shell); null until one is. */
let moduleTreeRoot: string | null = null;
let mainWindow: BrowserWindow | null = null;
let windowReady = false;
let pendingOpen: OpenedFile | null = null;
/** Files given on the command line, served read-only at app://modscope/local/<n>/<name>. */
const localFiles: string[] = [];

function localUrlFor(path: string): string {
  let n = localFiles.indexOf(path);
  if (n < 0) n = localFiles.push(path) - 1;
  return `/local/${n}/${encodeURIComponent(basename(path))}`;
}

// ---------------------------------------------------------------- app:// protocol

async function serveApp(request: Request): Promise<Response> {
  const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return new Response('bad url', { status: 400, headers });
  }
  if (url.host !== APP_HOST || request.method !== 'GET') return new Response('not found', { status: 404, headers });
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return new Response('bad url', { status: 400, headers });
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  let file: string;
  const local = /^\/local\/(\d+)\/[^/]+$/.exec(rel);
  if (local) {
    const path = localFiles[Number(local[1])];
    if (!path) return new Response('not found', { status: 404, headers });
    file = path;
  } else {
    file = normalize(join(rendererRoot, rel));
    if (file !== rendererRoot && !file.startsWith(rendererRoot + sep)) return new Response('forbidden', { status: 403, headers });
  }
  try {
    const st = await stat(file);
    if (!st.isFile()) return new Response('not found', { status: 404, headers });
    const body = await readFile(file);
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'Content-Type': type } });
  } catch {
    return new Response('not found', { status: 404, headers });
  }
}

// ---------------------------------------------------------------- files

async function readModule(path: string): Promise<OpenedFile> {
  const abs = resolve(path);
  const st = await stat(abs);
  if (!st.isFile()) throw new Error(`${abs} is not a file`);
  if (st.size > MAX_OPEN_BYTES) throw new Error(`${abs} is larger than ${MAX_OPEN_BYTES} bytes`);
  const buf = await readFile(abs);
  // A view onto a larger (pooled) buffer would drag that whole buffer across IPC: copy then.
  const bytes = buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength ? new Uint8Array(buf.buffer) : new Uint8Array(buf);
  return { name: basename(abs), path: abs, bytes };
}

function pushFile(f: OpenedFile): void {
  if (mainWindow && windowReady && !mainWindow.isDestroyed()) {
    mainWindow.webContents.send(CH_OPEN_FILE, f);
  } else {
    pendingOpen = f;
  }
}

async function openPath(path: string): Promise<void> {
  try {
    pushFile(await readModule(path));
  } catch (e) {
    dialog.showErrorBox('Modscope: cannot open file', e instanceof Error ? e.message : String(e));
  }
}

async function showOpenDialog(): Promise<OpenedFile | null> {
  const opts: Electron.OpenDialogOptions = {
    title: 'Open kernel module',
    properties: ['openFile'],
    filters: [
      { name: 'Kernel modules', extensions: ['ko', 'xz', 'zst', 'gz'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const res = mainWindow ? await dialog.showOpenDialog(mainWindow, opts) : await dialog.showOpenDialog(opts);
  if (res.canceled || res.filePaths.length === 0) return null;
  try {
    return await readModule(res.filePaths[0]);
  } catch (e) {
    dialog.showErrorBox('Modscope: cannot open file', e instanceof Error ? e.message : String(e));
    return null;
  }
}

async function listSamples(): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory() && depth < 2) await walk(p, depth + 1);
      else if (e.isFile() && isModuleFileName(e.name)) out.push(p);
    }
  }
  await walk(samplesRoot, 0);
  return out.sort();
}

// ---------------------------------------------------------------- menu

async function buildMenu(): Promise<void> {
  const samples = await listSamples();
  const sampleItems: MenuItemConstructorOptions[] = samples.length
    ? samples.map((p) => ({ label: p.slice(samplesRoot.length + 1), click: () => void openPath(p) }))
    : [{ label: '(no samples found)', enabled: false }];
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        {
          label: 'Open…',
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const f = await showOpenDialog();
            if (f) pushFile(f);
          },
        },
        { label: 'Samples', submenu: sampleItems },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

// ---------------------------------------------------------------- IPC

function senderOk(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || !isTrustedSenderUrl(frame.url)) return false;
  return mainWindow !== null && event.sender === mainWindow.webContents;
}

function refused(message: string): Result<never> {
  const error: EngineError = { code: 'BAD_REQUEST', message };
  return { ok: false, error };
}

function registerIpc(): void {
  ipcMain.handle(CH_ENGINE_CALL, async (event, method: unknown, arg: unknown) => {
    if (!senderOk(event)) return refused('IPC sender is not the Modscope window');
    const v = validateIpcCall(method, arg);
    if (!v.ok) return { ok: false, error: v.error };
    const sender = event.sender;
    try {
      // The shell over a picked module tree: main reads the files modprobe needs (the renderer never names a path on disk).
      if (v.method === 'kernel.shell') return await shellOverTree((m, a) => engine.call(m, a), moduleTreeRoot, v.arg as EngineArg<'kernel.shell'>);
      return await engine.call(v.method, v.arg as never, (p) => {
        if (!sender.isDestroyed()) sender.send(CH_ENGINE_PROGRESS, p);
      });
    } catch (e) {
      return { ok: false, error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } };
    }
  });
  // A module tree for the shell's modprobe: the native folder dialog, the folder listed here, handed to the engine.
  ipcMain.handle(CH_PICK_MODULE_TREE, async (event): Promise<Result<ModuleTreeInfo | null>> => {
    if (!senderOk(event)) return refused('IPC sender is not the Modscope window');
    const opts = { title: 'A module tree: a lib/modules/<version> folder', properties: ['openDirectory' as const] };
    const res = mainWindow ? await dialog.showOpenDialog(mainWindow, opts) : await dialog.showOpenDialog(opts);
    if (res.canceled || !res.filePaths[0]) return { ok: true, value: null };
    try {
      const { root, request } = await scanModuleTree(res.filePaths[0]);
      const r = await engine.call('kernel.modtree', request);
      if (r.ok) moduleTreeRoot = root;
      return r;
    } catch (e) {
      return refused(e instanceof Error ? e.message : String(e));
    }
  });
  ipcMain.handle(CH_OPEN_DIALOG, async (event) => {
    if (!senderOk(event)) return null;
    return showOpenDialog();
  });
  // An export (SVG, PNG, PDF, a zip of SVGs) from the renderer: the user picks where it goes.
  ipcMain.handle(CH_SAVE_FILE, async (event, name: unknown, bytes: unknown) => {
    if (!senderOk(event)) return { saved: false, error: 'IPC sender is not the Modscope window' };
    const v = validateSaveFile(name, bytes);
    if (!v.ok) return { saved: false, error: v.error.message };
    const ext = extname(v.name).slice(1).toLowerCase();
    const opts = { defaultPath: join(app.getPath('documents'), v.name), filters: [{ name: ext.toUpperCase(), extensions: [ext] }] };
    const res = mainWindow ? await dialog.showSaveDialog(mainWindow, opts) : await dialog.showSaveDialog(opts);
    if (res.canceled || !res.filePath) return { saved: false };
    await writeFile(res.filePath, v.bytes);
    return { saved: true, path: res.filePath };
  });
}

// ---------------------------------------------------------------- hardening

function harden(contents: WebContents): void {
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (e, url) => {
    if (!url.startsWith(APP_ORIGIN + '/')) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!url.startsWith(APP_ORIGIN + '/')) e.preventDefault();
  });
}

function createWindow(startFile: string | null = null): void {
  const preload = join(appRoot, 'out', 'preload', 'preload.cjs');
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    title: 'Modscope',
    backgroundColor: '#111318',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  windowReady = false;
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.webContents.on('did-finish-load', () => {
    windowReady = true;
    if (pendingOpen && mainWindow) {
      mainWindow.webContents.send(CH_OPEN_FILE, pendingOpen);
      pendingOpen = null;
    }
  });
  mainWindow.webContents.on('did-start-loading', () => {
    windowReady = false;
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  // A command-line file is handed over the same way the browser host does it: ?file=/local/…
  // (the renderer fetches it), so it cannot race the renderer's default-sample load.
  const query = startFile ? `?file=${localUrlFor(startFile)}` : '';
  void mainWindow.loadURL(`${APP_ORIGIN}/index.html${query}`);
}

function startupFile(argv: readonly string[], cwd: string): string | null {
  const tail = argv.slice(app.isPackaged ? 1 : 2);
  const f = fileFromArgv(tail);
  return f ? resolve(cwd, f) : null;
}

// ---------------------------------------------------------------- lifecycle

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_e, argv, cwd) => {
    const f = startupFile(argv, cwd);
    if (f) void openPath(f);
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  app.on('web-contents-created', (_e, contents) => harden(contents));

  app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, serveApp);
    const deny = (_wc: unknown, _permission: string, cb: (ok: boolean) => void) => cb(false);
    session.defaultSession.setPermissionRequestHandler(deny);
    session.defaultSession.setPermissionCheckHandler((_wc, permission) => permission === 'clipboard-sanitized-write');
    session.defaultSession.setDevicePermissionHandler(() => false);
    registerIpc();
    await buildMenu();
    // No file given: the renderer opens the default sample (samples/hello/hello.ko, served
    // at app://modscope/samples/… from the build) itself.
    const first = startupFile(process.argv, process.cwd());
    if (first && !existsSync(first)) dialog.showErrorBox('Modscope: cannot open file', `${first}: no such file`);
    createWindow(first && existsSync(first) ? first : null);

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

/** Extensions the Open dialog offers (exported for tests/docs). */
export const OPEN_EXTENSIONS = KO_EXTENSIONS;
