import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// Headless export (modscope export/deck) drives the page through window.__modscope.
if (new URLSearchParams(location.search).get('automation') === '1') void import('./automation').then((m) => m.installAutomation());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
