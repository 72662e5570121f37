/** The app's React root: its own chunk, loaded by main.tsx once the engine's worker and the profile fetch have started. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css'; // after the views' own CSS, as before (the cascade's order)

export function renderApp(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
