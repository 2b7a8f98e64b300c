// Run once before the specs (`npm test` does): the tarball (`cargo xtask
// package`, or $CACHET_PACKAGE_TGZ), installed with npm into a fresh work
// directory beside copies of the sample apps, and this run's fixtures.
//
//   node lib/setup.js            # cargo xtask package, the cachet command, then the work directory
//   node lib/setup.js --no-build # the work directory only (tarball and cachet command already built)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeFixtures } from './fixtures.js';
import { PACKAGE_TESTS, ROOT, TARBALLS, TARGET, WORK } from './paths.js';

const build = !process.argv.includes('--no-build');

function run(cmd, args, options = {}) {
  process.stderr.write(`$ ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` failed (exit status ${r.status})`);
}

function tarball() {
  if (process.env.CACHET_PACKAGE_TGZ) return path.resolve(process.env.CACHET_PACKAGE_TGZ);
  if (build) run('cargo', ['xtask', 'package']);
  const found = fs.existsSync(TARBALLS) ? fs.readdirSync(TARBALLS).filter((f) => /^cachet-verifier-.*\.tgz$/.test(f)) : [];
  if (found.length !== 1) throw new Error(`expected one cachet-verifier-*.tgz in ${TARBALLS}, found ${JSON.stringify(found)}`);
  return path.join(TARBALLS, found[0]);
}

function cachetBinary() {
  if (process.env.CACHET_BIN) return path.resolve(process.env.CACHET_BIN);
  if (build) run('cargo', ['build', '--release', '-p', 'cachet-cli']);
  return path.join(TARGET, 'release', 'cachet');
}

const tgz = tarball();
const cachet = cachetBinary();

fs.rmSync(WORK, { recursive: true, force: true });
fs.mkdirSync(WORK, { recursive: true });
// What a host project's package.json says: the package from its tarball, nothing else.
fs.writeFileSync(
  path.join(WORK, 'package.json'),
  JSON.stringify({ name: 'cachet-host', private: true, type: 'module', dependencies: { '@cachet/verifier': `file:${tgz}` } }, null, 2) + '\n',
);
run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--offline'], { cwd: WORK });
for (const app of ['vite-app', 'vite-element', 'bare', 'node', 'types']) {
  fs.cpSync(path.join(PACKAGE_TESTS, app), path.join(WORK, app), { recursive: true });
}
const fixtures = makeFixtures(cachet, path.join(WORK, 'fixtures'));
// What a host serves beside its page (as `cargo xtask serve` does): the pinned roots and the signed list.
fixtures.config = path.join(WORK, 'fixtures', 'config.json');
const config = { roots: [fs.readFileSync(fixtures.root, 'utf8').trim()], trustList: 'trust-list.json' };
fs.writeFileSync(fixtures.config, JSON.stringify(config, null, 2) + '\n');
fs.writeFileSync(path.join(WORK, 'run.json'), JSON.stringify({ tarball: tgz, fixtures }, null, 2) + '\n');
process.stderr.write(`package tests: ${path.basename(tgz)} installed in ${WORK}\n`);
