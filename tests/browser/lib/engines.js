// The verifier's main paths in Debian's other two engines, behind one thin
// driver interface (engines.test.js):
//
// - Firefox ESR (`firefox-esr`) driven by puppeteer-core over WebDriver
//   BiDi: no geckodriver (Debian has none, and BiDi needs none);
// - WebKitGTK's MiniBrowser (`libwebkit2gtk-4.1-0`) driven by
//   `WebKitWebDriver` (`webkit2gtk-driver`) over W3C WebDriver classic
//   (lib/webdriver.js), in an X server of its own (`xvfb-run`).
//
// A page of either engine offers: goto, reload, eval, type, click,
// setFiles, frame (an iframe's document), newTab, waitForVerdict, problems
// (console errors, uncaught exceptions, CSP violations seen in the page),
// close. Chromium keeps its own suite (lib/browser.js, playwright-core).

import { VERDICTS } from './verdicts.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Session, startDriver } from './webdriver.js';

export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver';
/** Where Debian's libwebkit2gtk-4.1-0 puts the MiniBrowser (`dpkg -L libwebkit2gtk-4.1-0`): /usr/lib/<multiarch>/webkit2gtk-4.1/. */
export const MINIBROWSER = process.env.MINIBROWSER || findMiniBrowser();

function findMiniBrowser() {
  const dirs = fs.existsSync('/usr/lib') ? fs.readdirSync('/usr/lib') : [];
  const found = dirs.map((d) => path.join('/usr/lib', d, 'webkit2gtk-4.1', 'MiniBrowser')).find((f) => fs.existsSync(f));
  return found ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
}
export const XVFB_RUN = '/usr/bin/xvfb-run';

/** The engines of this suite, and what each needs installed (the browser-setup step installs them). */
export const ENGINES = {
  firefox: { needs: [FIREFOX], packages: 'firefox-esr' },
  webkit: { needs: [WEBKIT_DRIVER, MINIBROWSER, XVFB_RUN, '/usr/bin/xauth'], packages: 'webkit2gtk-driver xvfb xauth' },
  chromium: { needs: ['/usr/bin/chromium'], packages: 'chromium' },
};


/**
 * A view of `handle` (a Firefox or Chromium page of this file, whose
 * `page.frames()` puppeteer and playwright both give) that acts in its frame
 * whose URL starts with `urlPrefix`, once that frame is there (30 s at most).
 */
async function frameView(handle, engine, urlPrefix) {
  for (let i = 0; i < 300; i++) {
    const frame = handle.page.frames().find((f) => f.url().startsWith(urlPrefix));
    if (frame) {
      const sub = Object.create(handle);
      sub.target = frame;
      return sub;
    }
    await sleep(100);
  }
  throw new Error(`${engine}: no frame at ${urlPrefix}`);
}

/** What is missing for `engine`, or '' when it can run here. */
export function missing(engine) {
  const absent = ENGINES[engine].needs.filter((f) => !fs.existsSync(f));
  return absent.length ? `${absent.join(', ')} missing (apt-get install ${ENGINES[engine].packages}; cargo xtask test --only browser-setup does it as root)` : '';
}

export { VERDICTS };

/**
 * Runs in the page (before its scripts where the engine allows, else right
 * after its load): keeps CSP violations, uncaught exceptions, unhandled
 * rejections, failed subresources and `console.error` calls in
 * `window.__engineProblems`.
 */
function installRecorder() {
  if (window.__engineProblems) return;
  const seen = { console: [], pageErrors: [], csp: [] };
  Object.defineProperty(window, '__engineProblems', { value: seen });
  const error = console.error;
  console.error = (...args) => {
    seen.console.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' '));
    return error.apply(console, args);
  };
  window.addEventListener(
    'error',
    (e) => {
      if (e instanceof ErrorEvent) seen.pageErrors.push(`${e.message} (${e.filename}:${e.lineno})`);
      else if (e.target && e.target !== window) seen.pageErrors.push(`failed to load ${e.target.tagName} ${e.target.src || e.target.href || ''}`);
    },
    true,
  );
  window.addEventListener('unhandledrejection', (e) => seen.pageErrors.push(`unhandled rejection: ${e.reason?.message ?? e.reason}`));
  document.addEventListener(
    'securitypolicyviolation',
    (e) => seen.csp.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile }),
    true,
  );
  // When the first verdict reached `#result` (the clock is the machine's, as the proxy's log):
  // known when the recorder ran before it, as it does before the page's scripts.
  seen.verdictAt = document.querySelector('#result[data-status]') ? null : 0;
  if (seen.verdictAt === 0) {
    const observer = new MutationObserver(() => {
      if (!document.querySelector('#result[data-status]')) return;
      seen.verdictAt = Date.now();
      observer.disconnect();
    });
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  }
}

/** In the page: the `data-status` of the element that `steps` name (CSS selectors, each inside the shadow root of the one before). */
function statusAt(steps) {
  let node = document.querySelector(steps[0]);
  for (const s of steps.slice(1)) node = node?.shadowRoot?.querySelector(s);
  return node?.getAttribute('data-status') ?? '';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What both engines' pages share: waiting, by polling the page. */
class BasePage {
  /** Polls `fn(...args)` in the page until it returns a truthy value; returns it. */
  async waitFor(fn, args = [], { timeout = 30_000, interval = 50, what = 'the condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        const value = await this.eval(fn, ...args);
        if (value) return value;
      } catch (e) {
        last = e; // the page may be between two documents
      }
      if (Date.now() > deadline) throw new Error(`${this.engine}: ${what} not met within ${timeout} ms${last ? ` (last error: ${last.message})` : ''}`);
      await sleep(interval);
    }
  }

  /**
   * Waits until the element at `steps` (default `#result`) carries a
   * verdict in `data-status`; returns `{ status, seenAt }` (`seenAt`: the
   * `Date.now()` at which the test saw it, polling every 50 ms).
   */
  async waitForVerdict(steps = ['#result'], { timeout = 30_000 } = {}) {
    const status = await this.waitFor(
      (steps, verdicts) => {
        let node = document.querySelector(steps[0]);
        for (const s of steps.slice(1)) node = node?.shadowRoot?.querySelector(s);
        const s = node?.getAttribute('data-status');
        return s && verdicts.includes(s) ? s : '';
      },
      [steps, VERDICTS],
      { timeout, what: `a verdict on ${steps.join(' ')}` },
    ).catch(async (e) => {
      const shown = await this.eval(() =>
        [...document.querySelectorAll('#result, .message, #trust-info')].map((m) => `${m.id}: ${m.textContent.trim()}`).join(' | '),
      ).catch(() => '(unreadable)');
      throw new Error(`${e.message}; the page shows: ${shown}; problems: ${JSON.stringify(await this.problems().catch(() => ({})))}`);
    });
    return { status, seenAt: Date.now() };
  }

  /**
   * When the page's first verdict reached `#result`, by the page's clock
   * (`Date.now()`, the machine's): `{ at, exact: true }`, from the recorder
   * or, when the recorder came after it (WebKit), from the page's own
   * `cachet:verdict` mark (www/app.js); else `{ at: fallback, exact: false }`.
   */
  async verdictTime(fallback) {
    // The recorder's time where it ran before the page's scripts; else the page's own (last, here the first)
    // `cachet:verdict` mark (www/app.js), on the same clock as the proxy's log.
    const at = await this.eval(() => {
      const mark = performance.getEntriesByName('cachet:verdict', 'mark')[0];
      return window.__engineProblems?.verdictAt || (mark ? Math.round(performance.timeOrigin + mark.startTime) : null);
    });
    return at ? { at, exact: true } : { at: fallback, exact: false };
  }

  /** `data-status` at `steps` now ('' while idle). */
  status(steps = ['#result']) {
    return this.eval(statusAt, steps);
  }
}

// ---------------------------------------------------------------- Firefox

class FirefoxPage extends BasePage {
  constructor(engine, context, page) {
    super();
    this.engine = engine;
    this.context = context;
    this.page = page;
    this.target = page; // a page or a frame
    this.seen = { console: [], pageErrors: [] };
  }

  static async open(engine, context, page) {
    const p = new FirefoxPage(engine, context, page);
    await page.evaluateOnNewDocument(installRecorder);
    page.on('console', (m) => {
      if (m.type() === 'error') p.seen.console.push(m.text());
    });
    page.on('pageerror', (e) => p.seen.pageErrors.push(String(e?.message ?? e)));
    page.on('dialog', (d) => {
      p.seen.pageErrors.push(`dialog ${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    return p;
  }

  async goto(url) {
    await this.page.goto(url, { waitUntil: 'load' });
  }

  async reload() {
    await this.page.reload({ waitUntil: 'load' });
  }

  /** Nothing to do: the console events of BiDi cover every load already. */
  async watchLoad() {}

  eval(fn, ...args) {
    return this.target.evaluate(fn, ...args);
  }

  async element(steps) {
    const list = Array.isArray(steps) ? steps : [steps];
    const handle = await this.target.waitForSelector(list.join(' >>> '), { timeout: 15_000 });
    return handle;
  }

  async type(steps, text) {
    const el = await this.element(steps);
    await el.focus();
    await el.type(text);
  }

  async click(steps) {
    await (await this.element(steps)).click();
  }

  async setFiles(steps, file) {
    const el = await this.element(steps);
    await el.uploadFile(file);
  }

  /** The document of the `<iframe>` at `selector` whose URL starts with `urlPrefix`. */
  async frame(selector, urlPrefix) {
    await this.target.waitForSelector(selector, { timeout: 15_000 });
    return frameView(this, 'firefox', urlPrefix);
  }

  async newTab() {
    return FirefoxPage.open(this.engine, this.context, await this.context.newPage());
  }

  async problems() {
    const inPage = await this.page.evaluate(() => window.__engineProblems ?? { console: [], pageErrors: [], csp: [] }).catch(() => ({ console: [], pageErrors: [], csp: [] }));
    // console.error calls reach both the recorder and the console events: keep the events' copy.
    return { console: this.seen.console, pageErrors: [...this.seen.pageErrors, ...inPage.pageErrors], csp: inPage.csp };
  }

  async close() {
    await this.context.close().catch(() => {});
  }
}

async function launchFirefox({ camera = false, insecure = false } = {}) {
  const { default: puppeteer } = await import('puppeteer-core');
  const prefs = {
    // The page's language, as the Chromium suite's `locale: 'fr-FR'`.
    'intl.accept_languages': 'fr-FR, fr',
    // Firefox's fake camera: a synthetic picture, with no permission prompt.
    ...(camera ? { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true } : {}),
  };
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    acceptInsecureCerts: insecure,
    extraPrefsFirefox: prefs,
    defaultViewport: { width: 1024, height: 800 },
  });
  return {
    name: 'firefox',
    version: await browser.version(),
    /** A fresh page in a fresh user context (its own storage and service workers). */
    async newPage() {
      const context = await browser.createBrowserContext();
      return FirefoxPage.open('firefox', context, await context.newPage());
    },
    close: () => browser.close().catch(() => {}),
  };
}

// ----------------------------------------------------------------- WebKit

/**
 * WebKitGTK's console errors of a load that the suite knows and cannot fix
 * from tests/browser/: each is left out of every page's problems and
 * asserted alone by a `todo` test (engines/paths.test.js), which prints the
 * reason and turns green once it is gone.
 */
export const KNOWN_WEBKIT_LOAD_ERRORS = [
  // None today. WebKitGTK 2.50 logged "Unrecognized Content-Security-Policy directive
  // 'manifest-src'" on every load until deploy/headers.json's policy let default-src 'self'
  // cover the manifest (docs/SECURITY.md).
];

/**
 * What WebKitGTK itself writes to the console while it loads `url` and the
 * page works: a plain MiniBrowser (not under automation) with
 * `--enable-write-console-messages-to-stdout`, ended (SIGKILL, so that no
 * teardown of the page makes messages of its own) once `network` (the
 * counting proxy the page's requests pass) has been quiet for `idleMs`.
 * Under automation MiniBrowser writes nothing of the console, and WebDriver
 * classic neither reads the console nor runs a script before the page's
 * own: the engine's own messages of a load (a CSP it cannot parse, a
 * refused script) are only seen this way. Resolves to the error lines.
 */
export function webkitLoadConsole(url, network, { idleMs = 1500, timeoutMs = 30_000 } = {}) {
  // Not `--private`: MiniBrowser's private window, like its automation's, ignores the command line's
  // settings. A fresh data and cache folder of its own instead (no service worker or cache of another run).
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-minibrowser-'));
  const env = { ...process.env, MESA_SHADER_CACHE_DISABLE: 'true', XDG_DATA_HOME: path.join(home, 'data'), XDG_CACHE_HOME: path.join(home, 'cache'), XDG_CONFIG_HOME: path.join(home, 'config') };
  // The shell says its pid, then becomes the MiniBrowser: the one process to end.
  const args = ['-a', 'sh', '-c', 'echo "minibrowser-pid $$" >&2; exec "$0" "$@"', MINIBROWSER, '--enable-write-console-messages-to-stdout=true', url];
  const child = spawn(XVFB_RUN, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const started = Date.now();
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (output += c));
  child.stderr.setEncoding('utf8').on('data', (c) => (output += c));
  const end = () => {
    const pid = /minibrowser-pid (\d+)/.exec(output)?.[1];
    try {
      if (pid) process.kill(Number(pid), 'SIGKILL');
      else process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  };
  return new Promise((resolve, reject) => {
    let failure = null;
    const poll = setInterval(() => {
      if (network.lastActivity > started && Date.now() - network.lastActivity >= idleMs) {
        clearInterval(poll);
        end();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        failure = new Error(`the load of ${url} in MiniBrowser did not go quiet within ${timeoutMs} ms:\n${output}`);
        end();
      }
    }, 100);
    child.once('error', (e) => {
      clearInterval(poll);
      reject(e);
    });
    child.once('exit', () => {
      clearInterval(poll);
      try {
        process.kill(-child.pid, 'SIGKILL'); // a web process that outlived its browser
      } catch {
        // none left
      }
      try {
        fs.rmSync(home, { recursive: true, force: true, maxRetries: 5 });
      } catch (e) {
        process.emitWarning(`could not remove ${home}: ${e.message}`);
      }
      if (failure) return reject(failure);
      // "CONSOLE ERROR …", "CONSOLE SECURITY ERROR …", "CONSOLE NETWORK ERROR …", "CONSOLE JS ERROR …"
      resolve(output.split('\n').filter((l) => /CONSOLE( [A-Z]+)? ERROR/.test(l)));
    });
  });
}

class WebKitPage extends BasePage {
  constructor(session, handle) {
    super();
    this.engine = 'webkit';
    this.session = session;
    this.handle = handle;
    this.frameSelector = null; // a page of the top-level document, or of one iframe
    this.loadConsole = []; // the engine's console errors while loading (webkitLoadConsole)
  }

  /** Makes this tab (and frame) current in the session before a command. */
  async focus() {
    if ((await this.session.currentWindow()) !== this.handle) await this.session.switchToWindow(this.handle);
    await this.session.switchToFrame(null);
    if (this.frameSelector) await this.session.switchToFrame(this.frameSelector);
  }

  /** WebDriver classic runs nothing before the page's scripts: the recorder goes in once the page has loaded. */
  async record() {
    await this.focus();
    await this.session.execute(installRecorder);
  }

  /**
   * Opens `url`; with `watch` (the counting proxy its requests pass: not
   * for a load that only the session's service worker can answer), loads it
   * once more in a plain MiniBrowser to read what the engine wrote to the
   * console meanwhile (`webkitLoadConsole`): those lines count as this
   * page's console errors.
   */
  async goto(url, { watch } = {}) {
    await this.focus();
    await this.session.goto(url);
    await this.record();
    if (watch) await this.watchLoad(url, watch);
  }

  /** Loads `url` in a plain MiniBrowser and keeps the engine's console errors of that load as this page's. */
  async watchLoad(url, network) {
    this.loadConsole.push(...(await webkitLoadConsole(url, network)).map((l) => `while loading ${url} (plain MiniBrowser): ${l}`));
  }

  async reload() {
    await this.focus();
    await this.session.refresh();
    await this.record();
  }

  async eval(fn, ...args) {
    await this.focus();
    return this.session.execute(fn, ...args);
  }

  async type(steps, text) {
    await this.focus();
    try {
      await this.session.sendKeys(steps, text);
    } catch (e) {
      // WebKitWebDriver 2.50 finds a text field in a shadow root inside a
      // cross-origin frame "not focusable" although it is visible and a
      // click focuses it: then a click, and the keys typed as a keyboard would.
      if (e.code !== 'element not interactable') throw e;
      await this.session.click(steps);
      await this.session.keys(text);
    }
  }

  async click(steps) {
    await this.focus();
    await this.session.click(steps);
  }

  async setFiles(steps, file) {
    await this.focus();
    await this.session.sendKeys(steps, file);
  }

  async frame(selector) {
    await this.waitFor((sel) => !!document.querySelector(sel)?.contentWindow, [selector], { what: `the frame ${selector}` });
    const sub = Object.create(this);
    sub.frameSelector = selector;
    await sub.waitFor(() => document.readyState === 'complete', [], { what: `the document of ${selector}` });
    await sub.record();
    return sub;
  }

  async newTab() {
    await this.focus();
    return new WebKitPage(this.session, await this.session.newTab());
  }

  async problems() {
    await this.focus();
    const seen = (await this.session.execute(() => window.__engineProblems ?? null)) ?? { console: [], pageErrors: [], csp: [] };
    const load = this.loadConsole.filter((l) => !KNOWN_WEBKIT_LOAD_ERRORS.some((k) => l.endsWith(k.line)));
    return { console: [...load, ...seen.console], pageErrors: seen.pageErrors, csp: seen.csp };
  }

  async close() {
    await this.session.close();
  }
}

async function launchWebKit({ camera = false, insecure = false } = {}) {
  // One X server for the driver and every MiniBrowser it starts.
  // (The shell says its pid and becomes the driver: stopping the driver alone lets xvfb-run clean up after itself.)
  const start = () => startDriver(XVFB_RUN, ['-a', '-s', '-screen 0 1280x1024x24', 'sh', '-c', 'echo "driver-pid $$" >&2; exec "$0" "$@"', WEBKIT_DRIVER]);
  const holder = { driver: await start() };
  const args = ['--automation'];
  // WebKit's mock capture devices: a synthetic picture, no permission prompt under automation.
  if (camera) args.push('--enable-mock-capture-devices=true', '--enable-media-stream=true');
  let version = '';
  let open = null; // WebKitWebDriver runs one session at a time
  return {
    name: 'webkit',
    get version() {
      return version;
    },
    /** A fresh page: a new session, so a new MiniBrowser with its own storage and service workers. */
    async newPage() {
      if (open) await open.close(); // a page a failed test left open
      // A MiniBrowser starts in a second or two: a driver silent for a minute is stuck, and started again once.
      const capabilities = { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args }, ...(insecure ? { acceptInsecureCerts: true } : {}) };
      const session = await Session.createRestarting(holder, start, capabilities, { timeoutMs: 60_000 });
      open = session;
      version = `WebKitGTK ${session.capabilities.browserVersion}`;
      await session.cmd('POST', '/window/rect', { width: 1024, height: 800 }).catch(() => {});
      return new WebKitPage(session, await session.currentWindow());
    },
    close: () => holder.driver.stop(),
    driverOutput: () => holder.driver.output(),
  };
}

// --------------------------------------------------------------- Chromium
// Not run by default (Chromium has the whole suite of ../*.test.js): with
// ENGINES=chromium,… the same paths, and the same byte count, in Chromium.

class ChromiumPage extends BasePage {
  constructor(context, page) {
    super();
    this.engine = 'chromium';
    this.context = context;
    this.page = page;
    this.target = page;
    this.problemsSeen = null;
  }

  static async open(context, page) {
    const p = new ChromiumPage(context, page);
    const { watch } = await import('./browser.js');
    p.problemsSeen = watch(page);
    return p;
  }

  async goto(url) {
    await this.page.goto(url);
  }

  async reload() {
    await this.page.reload();
  }

  async watchLoad() {}

  eval(fn, ...args) {
    return this.target.evaluate(`(${fn.toString()})(...${JSON.stringify(args)})`);
  }

  locator(steps) {
    return this.target.locator((Array.isArray(steps) ? steps : [steps]).join(' ')); // CSS locators pierce open shadow roots
  }

  async type(steps, text) {
    await this.locator(steps).fill(text);
  }

  async click(steps) {
    await this.locator(steps).click();
  }

  async setFiles(steps, file) {
    await this.locator(steps).setInputFiles(file);
  }

  async frame(selector, urlPrefix) {
    await this.page.waitForSelector(selector);
    return frameView(this, 'chromium', urlPrefix);
  }

  async newTab() {
    return ChromiumPage.open(this.context, await this.context.newPage());
  }

  async problems() {
    const inPage = await this.page.evaluate(() => window.__engineProblems ?? { console: [], pageErrors: [], csp: [] }).catch(() => ({ csp: [], pageErrors: [] }));
    return { console: this.problemsSeen.console, pageErrors: [...this.problemsSeen.pageErrors, ...inPage.pageErrors], csp: inPage.csp };
  }

  async close() {
    await this.context.close().catch(() => {});
  }
}

async function launchChromium({ camera = false, insecure = false } = {}) {
  const { launch } = await import('./browser.js');
  const browser = await launch(camera ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] : []);
  return {
    name: 'chromium',
    version: `Chromium ${browser.version()}`,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'fr-FR', ignoreHTTPSErrors: insecure });
      await context.addInitScript(installRecorder);
      return ChromiumPage.open(context, await context.newPage());
    },
    close: () => browser.close().catch(() => {}),
  };
}

/**
 * Launches `engine` ('firefox', 'webkit' or 'chromium'); `camera` gives it
 * the engine's fake camera, `insecure` makes it accept any certificate (the
 * test certificate of lib/tls/, for an HTTPS proxy).
 */
export function launchEngine(engine, options) {
  if (engine === 'firefox') return launchFirefox(options);
  if (engine === 'webkit') return launchWebKit(options);
  if (engine === 'chromium') return launchChromium(options);
  throw new Error(`unknown engine ${engine}`);
}
