// The real server: `xtask serve` (what `cargo xtask serve` runs), started
// on a free port with a given signed trust list and pinned root. It prints
// `listening on http://127.0.0.1:PORT/` once it accepts connections.

import { spawn } from 'node:child_process';
import { xtaskBinary } from './build.js';
import { ROOT } from './paths.js';

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:(\d+)\/)/;

/**
 * Starts `xtask serve --trust TRUST --root ROOT --port 0` and resolves to
 * `{ url, port, origin, stop() }` once it says where it listens.
 */
export function startServer({ trust, root, args = [], timeoutMs = 60_000 }) {
  const bin = process.env.CACHET_XTASK_BIN || xtaskBinary();
  const child = spawn(bin, ['serve', '--trust', trust, '--root', root, '--port', '0', '--no-build', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`xtask serve did not say where it listens within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const m = LISTENING.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      // Keep draining its output so that it never blocks on a full pipe.
      child.stdout.resume();
      child.stderr.resume();
      const url = m[1];
      resolve({
        url,
        port: Number(m[2]),
        origin: url.replace(/\/$/, ''),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${bin}: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`xtask serve exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}
