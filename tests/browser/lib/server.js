// The real server, started on a free port with a given signed trust list and
// pinned root, by each spec. Which one is `CACHET_SERVER`'s choice:
//
// - `dev` (the default): `xtask serve`, what `cargo xtask serve` runs. It
//   prints `listening on http://127.0.0.1:PORT/` once it accepts connections.
// - `nginx`: Debian's nginx from deploy/nginx/'s committed configuration,
//   over the site `cargo xtask site` lays out (`xtask serve-nginx`, in a
//   temporary folder of its own removed when it stops): what a town hall
//   deploys (docs/DEPLOYING.md). Root is not needed.
//
// Both take the same options and give the same `{ url, port, origin, stop() }`,
// so that every spec runs unchanged against either.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { xtaskBinary } from './build.js';
import { ROOT } from './paths.js';

/**
 * A request path as www/ names it: `/app.1194a9031a9ff337.js` → `/app.js`.
 * The laid-out site nginx serves names its modules, style sheets and wasm by
 * their content (xtask/src/hashed.rs); a spec that looks for a file by its
 * path compares `unhashed(path)`, and runs unchanged against either server.
 */
export function unhashed(p) {
  return p.replace(/(\/[^/]+)\.[0-9a-f]{16}(\.[^/.]+)$/, '$1$2');
}

/**
 * The modules the laid-out site joins in `/common.js` (xtask/src/bundle.rs
 * MEMBERS): one request for six.
 */
const JOINED = ['/storage.js', '/i18n.js', '/verifier.js', '/trust-list.js', '/lib/session.js', '/lib/render.js'];

/**
 * The path under which the server in use serves www/'s module `p`
 * (unhashed): the joined `/common.js` for one of `JOINED` on the laid-out
 * site (nginx), `p` itself on the development server, which serves www/ as it is.
 */
export function servedModule(p) {
  return serverKind() === 'nginx' && JOINED.includes(p) ? '/common.js' : p;
}

/** The servers a spec can run against, by their `CACHET_SERVER` name. */
export const SERVERS = {
  dev: 'the development server (xtask serve)',
  nginx: "Debian's nginx from deploy/nginx/ over the laid-out site (xtask serve-nginx)",
};

/** `CACHET_SERVER` (default `dev`); anything else is refused, never silently replaced. */
export function serverKind() {
  const kind = process.env.CACHET_SERVER || 'dev';
  if (!Object.hasOwn(SERVERS, kind)) {
    throw new Error(`CACHET_SERVER=${kind}: not a server the tests know (${Object.keys(SERVERS).join(' or ')})`);
  }
  return kind;
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:(\d+)\/)/;
const NGINX_ON = /nginx on (http:\/\/127\.0\.0\.1:(\d+)\/)/;

/** Servers still running, stopped if the process exits without stopping them. */
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

let announced = false;

/** The options both servers take (each with a value): who may frame embed.html, a published status folder. */
const SHARED_OPTIONS = ['--embed-parent', '--status'];

/**
 * Starts the server `CACHET_SERVER` names for `trust` and `root`; `args` are
 * `--embed-parent ORIGIN` and `--status DIR` pairs (what both servers take).
 * Resolves to `{ url, port, origin, kind, stop() }` once it accepts connections.
 */
export function startServer({ trust, root, args = [], timeoutMs = 60_000 }) {
  const kind = serverKind();
  if (!announced) {
    // Said once per spec file, so that a run's log tells which server its verdicts came from.
    process.stderr.write(`server: ${kind}, ${SERVERS[kind]}\n`);
    announced = true;
  }
  for (let i = 0; i < args.length; i += 2) {
    if (!SHARED_OPTIONS.includes(args[i]) || args[i + 1] === undefined) {
      throw new Error(`startServer: ${JSON.stringify(args)}: only ${SHARED_OPTIONS.join(' and ')} pairs are passed to the server`);
    }
  }
  const bin = process.env.CACHET_XTASK_BIN || xtaskBinary();
  if (kind === 'dev') {
    return launch({ bin, args: ['serve', '--trust', trust, '--root', root, '--port', '0', '--no-build', ...args], ready: LISTENING, kind, timeoutMs });
  }
  return startNginx({ bin, trust, root, args, kind, timeoutMs });
}

/**
 * nginx in a fresh temporary folder, on the port xtask found free; if
 * another process took that port first, once more (three tries in all).
 */
async function startNginx({ bin, trust, root, args, kind, timeoutMs }) {
  for (let attempt = 1; ; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-nginx-'));
    try {
      return await launch({ bin, args: ['serve-nginx', '--dir', dir, '--trust', trust, '--root', root, ...args], ready: NGINX_ON, kind, timeoutMs, dir });
    } catch (e) {
      if (attempt === 3 || !/Address already in use/.test(e.message)) throw e;
    }
  }
}

/** Whether nginx's master, pid `pid`, has written its pid file in `dir`: it does so once its sockets are bound. */
function pidWritten(dir, pid) {
  try {
    return fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim() === String(pid);
  } catch {
    return false;
  }
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The last lines of nginx's error log in `dir`, for a failure's message. */
function nginxLog(dir) {
  try {
    return fs.readFileSync(path.join(dir, 'nginx-error.log'), 'utf8').trim().split('\n').slice(-20).join('\n');
  } catch {
    return '(no nginx-error.log)';
  }
}

function launch({ bin, args, ready, kind, timeoutMs, dir }) {
  const child = spawn(bin, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const what = `xtask ${args[0]}`;
  const failure = (why) => new Error(`${what} ${why}:\n${output}${dir ? `\nnginx-error.log:\n${nginxLog(dir)}` : ''}`);
  const alive = () => child.exitCode === null && child.signalCode === null;
  let settled = false;
  let finished;
  const started = new Promise((resolve, reject) => {
    const fail = (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (alive()) child.kill('SIGTERM');
      reject(e);
    };
    const timer = setTimeout(() => fail(failure(`did not accept connections within ${timeoutMs} ms`)), timeoutMs);
    // Once it has stopped: a failure if it never got ready (its log read first), then its folder removed.
    finished = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal))).then((status) => {
      fail(failure(`exited (${status}) before accepting connections`));
      running.delete(child);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });
    const onData = async (chunk) => {
      output += chunk;
      const m = ready.exec(output);
      if (!m || settled) return;
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      // Keep draining its output so that it never blocks on a full pipe.
      child.stdout.resume();
      child.stderr.resume();
      const port = Number(m[2]);
      // nginx says its port before it binds it (xtask then becomes nginx): wait
      // until its pid file says its sockets are bound and the port accepts.
      while (!(dir ? pidWritten(dir, child.pid) : true) || !(await accepts(port))) {
        if (settled || !alive()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const url = m[1];
      resolve({
        url,
        port,
        origin: url.replace(/\/$/, ''),
        kind,
        // nginx's: the laid-out folder it serves (files changed there are served at once); null for xtask serve.
        siteDir: dir ? path.join(dir, 'site') : null,
        stop: () => {
          if (alive()) child.kill('SIGTERM');
          return finished;
        },
      });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('error', (e) => fail(new Error(`cannot start ${bin}: ${e.message}`)));
  });
  return started;
}
