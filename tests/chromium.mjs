// Debian's Chromium, for every browser run of the project (tests/browser,
// tests/package, bench/qr): never a downloaded browser. No dependency, so
// each of those npm packages imports it by its path.

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), and no traffic of the browser's own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** playwright-core's `chromium.launch` options for it. */
export function launchOptions() {
  return { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS };
}
