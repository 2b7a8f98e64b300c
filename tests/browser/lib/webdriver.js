// A small W3C WebDriver (classic) client over fetch: what the engine specs
// need from WebKitGTK's WebKitWebDriver, and nothing more. An npm client
// (webdriverio, selenium-webdriver) would bring dozens of packages for the
// dozen commands used here; the protocol is plain JSON over HTTP
// (https://www.w3.org/TR/webdriver2/).

import { spawn } from 'node:child_process';
import net from 'node:net';

/** The keys of an element reference and a shadow root reference in the protocol. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const SHADOW = 'shadow-6066-11e4-a52e-4f735466cecf';

export class WebDriverError extends Error {
  constructor(command, value) {
    super(`WebDriver ${command}: ${value?.error ?? 'error'}: ${value?.message ?? JSON.stringify(value)}`);
    this.code = value?.error;
  }
}

/** A free TCP port on 127.0.0.1 (the driver takes a port, not 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `command args… --port=PORT` (a WebDriver server) and resolves to
 * `{ url, stop(), output() }` once its /status answers.
 */
export async function startDriver(command, args = [], { env = process.env, timeoutMs = 30_000 } = {}) {
  const port = await freePort();
  const child = spawn(command, [...args, `--port=${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = code ?? signal;
  });
  child.once('error', (e) => {
    exited = e.message;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) throw new Error(`${command} exited (${exited}) before answering:\n${output}`);
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid, 'SIGTERM');
      throw new Error(`${command} did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise((done) => {
        if (exited !== null) return done();
        const group = () => {
          try {
            process.kill(-child.pid, 'SIGTERM'); // the command, and what it started: one process group
          } catch {
            // gone already
          }
        };
        child.once('exit', () => {
          clearTimeout(timer);
          group(); // anything left behind
          done();
        });
        // A wrapper that says `driver-pid N` (xvfb-run … sh -c 'echo driver-pid $$; exec driver'):
        // the driver alone first, so that the wrapper ends as it would and cleans up.
        const pid = /driver-pid (\d+)/.exec(output)?.[1];
        const timer = setTimeout(group, pid ? 5000 : 0);
        if (pid) {
          try {
            process.kill(Number(pid), 'SIGTERM');
          } catch {
            group();
          }
        }
      }),
  };
}

/** The body of "execute script" that calls `fn` (a function or its source) with the arguments. */
function scriptOf(fn) {
  return `return (${typeof fn === 'function' ? fn.toString() : fn}).apply(null, arguments);`;
}

/** One WebDriver session: the commands of the W3C protocol the specs use. */
export class Session {
  constructor(driverUrl, id, capabilities) {
    this.base = `${driverUrl}/session/${id}`;
    this.id = id;
    this.capabilities = capabilities;
  }

  /** A new session; `timeoutMs`: how long the driver may take to answer (COMMAND_TIMEOUT_MS by default). */
  static async create(driverUrl, capabilities, { timeoutMs = COMMAND_TIMEOUT_MS } = {}) {
    const value = await call('POST', `${driverUrl}/session`, { capabilities: { alwaysMatch: capabilities } }, 'new session', timeoutMs);
    return new Session(driverUrl, value.sessionId, value.capabilities);
  }

  /**
   * A new session from `holder.driver` (a startDriver handle); if the driver
   * gives no answer within `timeoutMs`, the driver is stopped, started again
   * (`restart()`, which gives the new handle, kept in `holder.driver`) and
   * asked once more. WebKitWebDriver once never answered a new session in
   * CI (2026-12-08: 120 s, between two sessions that did; why was not
   * seen). What the stuck driver printed goes to stderr, and a second
   * silence fails with its name.
   */
  static async createRestarting(holder, restart, capabilities, { timeoutMs = COMMAND_TIMEOUT_MS } = {}) {
    try {
      return await Session.create(holder.driver.url, capabilities, { timeoutMs });
    } catch (e) {
      if (e?.code !== 'no answer') throw e;
      console.error(`the WebDriver driver did not answer a new session within ${timeoutMs / 1000} s: started again. What it printed:\n${holder.driver.output()}`);
      await holder.driver.stop();
      holder.driver = await restart();
      return Session.create(holder.driver.url, capabilities, { timeoutMs });
    }
  }

  cmd(method, path, body) {
    return call(method, `${this.base}${path}`, body, `${method} ${path}`);
  }

  goto(url) {
    return this.cmd('POST', '/url', { url });
  }

  refresh() {
    return this.cmd('POST', '/refresh', {});
  }

  /** Runs `fn(...args)` in the current browsing context; a returned promise is awaited (WebDriver does). */
  execute(fn, ...args) {
    return this.cmd('POST', '/execute/sync', { script: scriptOf(fn), args });
  }

  /**
   * The element that `path` names: a CSS selector, or a list of them, each
   * after the first looked up in the shadow root of the element before.
   */
  async find(path) {
    const steps = Array.isArray(path) ? path : [path];
    let element = await this.cmd('POST', '/element', { using: 'css selector', value: steps[0] });
    for (const selector of steps.slice(1)) {
      const shadow = await this.cmd('GET', `/element/${element[ELEMENT]}/shadow`);
      element = await this.cmd('POST', `/shadow/${shadow[SHADOW]}/element`, { using: 'css selector', value: selector });
    }
    return element[ELEMENT];
  }

  async click(path) {
    await this.cmd('POST', `/element/${await this.find(path)}/click`, {});
  }

  /** Types `text` into the element (for a file input: the file's path). */
  async sendKeys(path, text) {
    await this.cmd('POST', `/element/${await this.find(path)}/value`, { text });
  }

  /**
   * Types `text` into the element with the focus, as a keyboard does
   * ("perform actions": one key down and up per character).
   */
  async keys(text) {
    const actions = [...text].flatMap((value) => [
      { type: 'keyDown', value },
      { type: 'keyUp', value },
    ]);
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.cmd('DELETE', '/actions');
  }

  /** Into the frame of the `<iframe>` that `path` names; `null` for the top-level document. */
  async switchToFrame(path) {
    if (path === null) return this.cmd('POST', '/frame', { id: null });
    const element = await this.find(path);
    return this.cmd('POST', '/frame', { id: { [ELEMENT]: element } });
  }

  /** A new tab of the same session (same storage, same service workers); returns its handle. */
  async newTab() {
    const { handle } = await this.cmd('POST', '/window/new', { type: 'tab' });
    return handle;
  }

  currentWindow() {
    return this.cmd('GET', '/window');
  }

  switchToWindow(handle) {
    return this.cmd('POST', '/window', { handle });
  }

  async close() {
    await this.cmd('DELETE', '').catch(() => {});
  }
}

/**
 * How long a command may go unanswered. A driver waits for a page's load
 * event up to its page-load timeout (300 s by default, the length of a whole
 * spec file's limit): a load that never ends then failed the whole file
 * without naming the command (once in CI, WebKitGTK, 2026-12-07). Past this,
 * the command fails with its name; no command of the specs takes a tenth of it.
 */
const COMMAND_TIMEOUT_MS = 120_000;

async function call(method, url, body, what, timeoutMs = COMMAND_TIMEOUT_MS) {
  let response;
  let text;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (e) {
    if (e?.name !== 'TimeoutError') throw e;
    throw new WebDriverError(what, { error: 'no answer', message: `the driver did not answer within ${timeoutMs / 1000} s (a page load or a script that never ends?)` });
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(what, { error: `HTTP ${response.status}`, message: text.slice(0, 500) });
  }
  if (!response.ok) throw new WebDriverError(what, json.value);
  return json.value;
}
