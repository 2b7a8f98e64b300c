// The first work of a visit, started the moment this small module arrives.
//
// index.html loads it as an `async` module script: it runs as soon as it and
// its few imports are here, without waiting for the rest of the page's
// modules (app.js runs only once all of them have arrived and the document
// is parsed). While those are still on their way:
// - the wasm module, already requested by the document's preload, is
//   compiled from that very response (verifier.js `compiledModule`, shared
//   with app.js and the scan worker);
// - the locale data of the date formatters is loaded by intl-worker.js, on
//   another thread: on the main thread, a page's first Intl object costs
//   tens of milliseconds, which the verdict (it shows the trust list's date)
//   would otherwise wait for.
// app.js imports this module too; a module runs once per page, whichever
// asks for it first.

import { compiledModule } from './verifier.js';
import { formatterSpecs } from './i18n.js';
import { scriptURL } from './trusted-types.js';

compiledModule().catch(() => {
  // A failed download or compile is retried when the verdict needs the module, and reported then.
});

try {
  const worker = new Worker(scriptURL('intl-worker.js'), { name: 'cachet-intl' });
  worker.addEventListener('error', (event) => event.preventDefault()); // no worker: the page builds its formatters itself
  worker.postMessage({ formatters: formatterSpecs() });
} catch {
  // Workers refused: the page builds its formatters itself.
}
