/// <reference lib="webworker" />
/**
 * The app's service worker: with the network off the app still starts, opens a bundled demo or a kept
 * repository, and completes. Workbox precaches what the build emitted (app shell, worker chunks, the runtime's
 * and tree-sitter's .wasm, the demo bundle); the model files are kept once, in the engine's own verified store,
 * which this worker fills at install time instead of keeping a second copy of them.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { clientsClaim } from 'workbox-core';
import { keepModelsOffline } from './keep-models.ts';
import { NOT_INTERCEPTED } from './routes.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

// A new build takes over at once: the precache is complete when it activates, and old caches go.
void self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Navigations inside the app get the cached shell, so a reload with the network off starts the app. The CORS
// proxy is never answered from here (its paths match no precached file either).
registerRoute(new NavigationRoute(createHandlerBoundToURL(`${import.meta.env.BASE_URL}index.html`), { denylist: NOT_INTERCEPTED }));

self.addEventListener('install', (event) => {
  event.waitUntil(keepModelsOffline(new URL(`${import.meta.env.BASE_URL}models/manifest.json`, self.location.href).href));
});
