// This run's certificates, made with the real `cachet` command as an issuer
// and a trust-list keeper would: a root key, an académie's key, a trust
// list signed by the root, a certificate for today's school year in Paris,
// and the same certificate with one character of its signature changed.
// Each verdict is first asked of the command: the package must agree.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { iso, parisToday } from '../../paris.mjs';

/** One character of the signature (the token's end) changed: `invalid-signature`, not `malformed`. */
export function tamper(token) {
  const at = token.length - 10;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
}

/**
 * Makes the fixtures in `dir` with the `cachet` binary and returns
 * `{ trust, root, certificate, tokens: { valid, tampered }, qr }` (paths and texts; `qr`
 * is the command's PNG of the valid certificate's QR code).
 */
export function makeFixtures(cachet, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // The command's state (highest trust-list sequence seen) stays in `dir`, not in the home folder.
  const env = { ...process.env, XDG_STATE_HOME: path.join(dir, '.state') };
  const sh = (...args) => {
    const r = spawnSync(cachet, ['--lang', 'en', ...args], { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cachet ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout.trim();
  };
  const today = parisToday();
  const year = today.month >= 9 ? today.year : today.year - 1; // the school year starts on 1 September
  sh('keygen', '--out', 'root.key');
  sh('keygen', '--out', 'paris.key');
  sh('trust', 'add', '--list', 'list.json', '--key', 'paris.key.pub', '--name', 'Académie de Paris',
    '--from', iso(year - 1, 1, 1), '--until', iso(year + 1, 8, 31));
  sh('trust', 'sign', '--list', 'list.json', '--root', 'root.key', '--out', 'trust.json', '--valid-days', '30');
  const certificate = {
    family_name: 'Martin',
    given_names: 'Léa',
    birth_date: '2009-04-12',
    school_uai: '0750654D',
    school_name: 'Lycée Louis-le-Grand',
    school_town: 'Paris',
    academie: 'Paris',
    school_year: `${year}-${year + 1}`,
    level: '2de',
    regime: 'demi-pensionnaire',
    serial: 'PKG-0001',
    issued_on: iso(today.year, today.month, today.day),
  };
  fs.writeFileSync(path.join(dir, 'cert.json'), JSON.stringify(certificate, null, 2) + '\n');
  const valid = sh('issue', '--key', 'paris.key', '--input', 'cert.json', '--qr', 'valid.png');
  const tokens = { valid, tampered: tamper(valid) };
  const expected = { valid: 'valid', tampered: 'invalid-signature' };
  for (const [name, token] of Object.entries(tokens)) {
    const r = spawnSync(cachet, ['verify', '--trust', 'trust.json', '--root', 'root.key.pub', '--json', token], { cwd: dir, env, encoding: 'utf8' });
    const got = JSON.parse(r.stdout || '{}').status;
    if (got !== expected[name]) throw new Error(`fixture ${name}: cachet verify says ${got}, expected ${expected[name]}`);
  }
  return {
    trust: path.join(dir, 'trust.json'),
    root: path.join(dir, 'root.key.pub'),
    certificate,
    tokens,
    qr: path.join(dir, 'valid.png'),
  };
}
