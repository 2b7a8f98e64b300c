// Under a strict CSP (`style-src 'self'`, `script-src 'self'`), no asset may
// become a data: URL: Vite inlines files under 4 KB that way by default,
// the element's stylesheet among them.
export default {
  build: { assetsInlineLimit: 0 },
};
