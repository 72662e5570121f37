/**
 * Imported first by main.tsx, so that it runs before the app's modules evaluate (React, the views, D3: ~0.15–0.2 s at
 * load 4): the app opens on a module's load, which boots the kernel first, so the kernel profile's fetch and the
 * engine's worker start here, while the rest of the bundle evaluates and React renders, not when the view first asks
 * (export's first use waited for each in turn; issue #15).
 */
import { getHost } from './host/host';
import { fetchProfile } from './lib/samples';

fetchProfile().catch(() => undefined); // a failure is reported, and the fetch retried, by the view that needs it
getHost();
