// Loads the locale data of the page's date formatters, off the main thread.
//
// The first Intl object a page builds loads its locale's data: tens of
// milliseconds, on the main thread, just when the first verdict is being
// shown. That data is kept for the whole renderer process, so when this
// worker builds the same formatters first, on another thread while the page
// is still loading, the page's own cost almost nothing.
//
// Message in: {formatters: [[constructor, locale, options], …]} (i18n.js
// `formatterSpecs`); message out: 'done'. Then the worker is closed.

const SAMPLE = Date.UTC(2025, 8, 1, 12, 0); // any instant: formatting once loads what formatting needs

self.addEventListener('message', (event) => {
  const specs = event.data && Array.isArray(event.data.formatters) ? event.data.formatters : [];
  for (const spec of specs) {
    try {
      const [constructor, locale, options] = spec;
      if (constructor === 'DateTimeFormat') new Intl.DateTimeFormat(locale, options).format(SAMPLE);
      else if (constructor === 'RelativeTimeFormat') new Intl.RelativeTimeFormat(locale, options).format(-1, 'day');
    } catch {
      // an engine without this formatter: the page builds it (or does without) itself
    }
  }
  self.postMessage('done');
  self.close();
});
