// The floor's service worker (`node phone-bench.js --floor`, served as
// /sw.js): the floor page's few files served the way www/sw.js serves the
// page's shell. Installed, it keeps the document, floor.js and the style
// sheets and manifest the document names in a cache, gives the browser
// static routes to that cache where it takes them (addRoutes, once they
// are cached), and answers the same files from the cache in its fetch
// handler otherwise.

const CACHE = 'cachet-floor';

async function shellFiles() {
  const page = await fetch('./', { cache: 'reload' }).then((r) => r.text());
  const linked = [...page.matchAll(/<link rel="(?:stylesheet|manifest)" href="([^"]+)"/g)].map((m) => m[1]);
  return ['./', 'floor.js', ...linked].map((f) => new URL(f, self.registration.scope).href);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const files = await shellFiles();
      await (await caches.open(CACHE)).addAll(files);
      if (typeof event.addRoutes !== 'function' || typeof URLPattern !== 'function') return;
      // URLPattern's syntax characters taken literally, as www/sw.js does.
      const literal = (text) => text.replace(/[\\:*?+(){}]/g, '\\$&');
      try {
        const routes = files.map((href) => {
          const u = new URL(href);
          const urlPattern = new URLPattern({ protocol: u.protocol.slice(0, -1), hostname: literal(u.hostname), port: u.port, pathname: literal(u.pathname), search: '' });
          return { condition: { urlPattern }, source: { cacheName: CACHE } };
        });
        await event.addRoutes(routes);
      } catch {
        // Without routes, the fetch handler answers every request.
      }
    })(),
  );
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = event.request.url.split('#')[0];
  event.respondWith(caches.match(url, { cacheName: CACHE }).then((kept) => kept || fetch(event.request)));
});
