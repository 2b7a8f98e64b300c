// The service worker (sw.js) and the offer of a new version.
//
// A new version is never swapped in by itself: when a new worker is
// waiting, a banner offers "Recharger", and only that click tells the worker
// to take over (skipWaiting) and reloads the page. A scan in progress is
// never interrupted by an update.

import { scriptURL } from './trusted-types.js';

/** Registers sw.js once the page has loaded; `onReload` runs just before an accepted update reloads. */
export function registerServiceWorker(banner, button, onReload) {
  if (!('serviceWorker' in navigator)) return;
  let accepted = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!accepted) return; // the first install claiming this page: nothing to reload
    accepted = false;
    onReload();
    location.reload();
  });

  const offer = (worker) => {
    if (!navigator.serviceWorker.controller) return; // first install: this page is already the current version
    banner.hidden = false;
    button.onclick = () => {
      accepted = true;
      button.disabled = true;
      worker.postMessage({ type: 'skip-waiting' });
    };
  };

  const register = async () => {
    let registration;
    try {
      registration = await navigator.serviceWorker.register(scriptURL('sw.js'), { updateViaCache: 'none' });
    } catch {
      return; // no offline mode; the page works online
    }
    if (!registration) return;
    if (registration.waiting) offer(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed') offer(worker);
      });
    });
  };

  // After the load, so that installing (and precaching) never delays a first verdict.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
