import './engine-start'; // first: the engine's worker and the profile's fetch start before the app's chunk evaluates

// The app (React, the views, D3: most of the JavaScript) is a chunk of its own, imported here: a worker starts only once
// the task that created it ends, and that task was the evaluation of the whole bundle (~0.2–0.4 s at load 4–6). Now it
// is this small entry's, and the worker compiles the engine while the page evaluates the app (issue #15).
// Headless export (modscope export/deck) drives the page through window.__modscope.
if (new URLSearchParams(location.search).get('automation') === '1') void import('./automation').then((m) => m.installAutomation());

void import('./app-root').then((m) => m.renderApp(document.getElementById('root')!));
