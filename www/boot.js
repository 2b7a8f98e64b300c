// The first work of a visit, started the moment this small module arrives.
//
// index.html loads it as an `async` module script: it runs as soon as it and
// its few imports are here, without waiting for the rest of the page's
// modules (app.js runs only once all of them have arrived and the document
// is parsed). While those are still on their way, the wasm module, already
// requested by the document's preload, is compiled from that very response
// (verifier.js `compiledModule`, shared with app.js and the scan worker).
// app.js imports this module too; a module runs once per page, whichever
// asks for it first.

import { compiledModule } from './verifier.js';

compiledModule().catch(() => {
  // A failed download or compile is retried when the verdict needs the module, and reported then.
});
