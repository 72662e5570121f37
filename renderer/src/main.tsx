import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getHost } from './host/host';
import { fetchProfile } from './lib/samples';
import './styles.css';

// The app opens on a module's load, which boots the kernel first: fetch the kernel profile and start the engine's worker
// now, while React renders, not when the view first asks (export's first use waited for each in turn).
fetchProfile().catch(() => undefined); // a failure is reported, and the fetch retried, by the view that needs it
getHost();

// Headless export (modscope export/deck) drives the page through window.__modscope.
if (new URLSearchParams(location.search).get('automation') === '1') void import('./automation').then((m) => m.installAutomation());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
