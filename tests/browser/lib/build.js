// Builds what the browser tests run: the `cachet` command (to make the
// fixtures), the page's wasm package (`cargo xtask build` → pkg/) and the
// xtask binary that serves the page (`xtask serve`).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, TARGET } from './paths.js';

function run(cmd, args) {
  process.stderr.write(`$ ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` failed (exit status ${r.status})`);
}

/** The `cachet` command: $CACHET_BIN, or a release build of cachet-cli. */
export function cachetBinary({ build = true } = {}) {
  if (process.env.CACHET_BIN) return path.resolve(process.env.CACHET_BIN);
  if (build) run('cargo', ['build', '--release', '-p', 'cachet-cli']);
  return path.join(TARGET, 'release', 'cachet');
}

/** The xtask binary (built by `cargo xtask build`, which also writes pkg/). */
export function xtaskBinary() {
  return path.join(TARGET, 'debug', 'xtask');
}

/** `cargo xtask build`: pkg/ (the wasm module and its JavaScript), and with it the xtask binary. */
export function buildPage() {
  run('cargo', ['xtask', 'build']);
  for (const f of ['pkg/cachet.js', 'pkg/cachet_bg.wasm']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`cargo xtask build did not write ${f}`);
  }
  if (!fs.existsSync(xtaskBinary())) throw new Error(`no xtask binary at ${xtaskBinary()}`);
}
