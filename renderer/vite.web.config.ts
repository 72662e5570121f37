/**
 * Vite config for the browser host (the engine runs in a Web Worker).
 *   npx vite --config renderer/vite.web.config.ts          (dev server)
 *   npm run build:web  (modscope serve --build-only → out/cli/web, stamped; what npm start and export serve)
 * The Electron build uses renderer/index.html as its renderer input too.
 */
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { cspInlineScripts, devResolve, paths, samplesPlugin } from './vite.samples.mjs';
import { icedX86Plugin } from './vite.iced.mjs';

/**
 * index.html modulepreloads the app's chunk (main.tsx imports it with import(), after starting the engine's worker):
 * Chromium fetches and compiles it while the entry runs, not after (npm start's first paint).
 */
function preloadAppChunk(): Plugin {
  return {
    name: 'modscope-preload-app-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((f) => f.type === 'chunk' && f.name === 'app-root');
        return chunk ? html.replace('</head>', `  <link rel="modulepreload" crossorigin href="./${chunk.fileName}">\n  </head>`) : html;
      },
    },
  };
}

export default defineConfig({
  root: paths.root,
  base: './',
  plugins: [react(), samplesPlugin(paths.samples), cspInlineScripts(), icedX86Plugin(), preloadAppChunk()],
  // iced-x86 (CommonJS + fs) becomes an inline-wasm ES module for the engine worker.
  worker: { format: 'es', plugins: () => [icedX86Plugin()] },
  optimizeDeps: { exclude: ['iced-x86'] },
  // DEV ONLY: MODSCOPE_FAKE_ENGINE=1 swaps in a canned engine (renderer/dev/fake-engine.ts).
  resolve: devResolve(),
  server: { fs: { allow: [paths.projectRoot] } },
  build: {
    outDir: paths.outDir,
    emptyOutDir: true,
    target: 'es2022',
    // One stylesheet, in index.html, as before main.tsx imported the app as a chunk of its own: the same rules in the same
    // order (the cascade), loaded before anything renders.
    cssCodeSplit: false,
  },
});
