// The fixtures of a run, made with the real `cachet` command as an issuer
// and a trust-list keeper would: keys, a signed trust list (and two bad
// ones), a certificate for every verdict, QR images, a photo and camera
// videos. Dates follow today's school year in Paris, so the fixtures tell
// the same story any day; they are made once per run (`lib/setup.js`) and
// read by every spec through `fixtures()`.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ed from '@noble/ed25519';
import { cachetBinary } from './build.js';
import { openToken, publicKeyOfFile, rewriteAndSign, seedOfSecretKeyFile, signingInput, tamper } from './cose.js';
import { FIXTURES } from './paths.js';
import { cameraVideo, photo, qrPicture, readPng, writePng } from './images.js';
import { iso, parisToday } from '../../paris.mjs';

/** The base of the verifier URLs the issuer prints (any verifier page reads the fragment). */
export const ISSUER_URL_BASE = 'https://verifier.cachet.example/';

/** What the hostile certificate's signed fields and its issuer's listed name hold. */
export const HOSTILE = {
  school_name: '<img src=x onerror=alert(1)> <script>alert(2)</script>',
  school_town: '"><svg onload=alert(3)>',
  academie: '<b>Paris</b>',
  // 64 letters in one word: the longest family name a certificate holds.
  family_name: 'Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftsc',
  given_names: 'Marie-Éloïse Joséphine Bérénice Clémentine Geneviève Anne-Sophie',
  issuer_name: 'Académie <iframe srcdoc="<script>alert(4)</script>"></iframe>',
};

function cert(fields) {
  return {
    family_name: 'Martin',
    given_names: 'Léa',
    birth_date: '2009-04-12',
    school_uai: '0750654D',
    school_name: 'Lycée Louis-le-Grand',
    school_town: 'Paris',
    academie: 'Paris',
    level: '2de',
    regime: 'demi-pensionnaire',
    ...fields,
  };
}

/** Makes the fixtures in `dir` (emptied first) and returns the manifest, also written to `dir/manifest.json`. */
export async function generateFixtures(dir = FIXTURES, { build = true } = {}) {
  const cachet = cachetBinary({ build });
  fs.rmSync(dir, { recursive: true, force: true });
  for (const sub of ['inputs', 'qr', 'video']) fs.mkdirSync(path.join(dir, sub), { recursive: true });

  const sh = (...args) => {
    const r = spawnSync(cachet, ['--lang', 'en', ...args], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cachet ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout.trim();
  };

  const today = parisToday();
  const todayIso = iso(today.year, today.month, today.day);
  // The school year under way: it starts on 1 September.
  const year = today.month >= 9 ? today.year : today.year - 1;
  const schoolYear = (y) => `${y}-${y + 1}`;

  for (const key of ['root', 'other-root', 'paris', 'lyon', 'paris-old', 'hostile', 'stranger']) {
    sh('keygen', '--out', `${key}.key`);
  }

  // The trust list: two académies' keys for the last years, one key whose
  // window ended years ago, and the issuer with a hostile name.
  const add = (key, name, from, until) =>
    sh('trust', 'add', '--list', 'list.json', '--key', `${key}.key.pub`, '--name', name, '--from', from, '--until', until);
  add('paris', 'Académie de Paris', iso(year - 2, 1, 1), iso(year + 1, 8, 31));
  add('lyon', 'Académie de Lyon', iso(year - 2, 1, 1), iso(year + 1, 8, 31));
  add('paris-old', 'Académie de Paris (clé de 2019)', iso(year - 6, 6, 1), iso(year - 5, 8, 31));
  add('hostile', HOSTILE.issuer_name, iso(year - 2, 1, 1), iso(year + 1, 8, 31));

  const nextYearIssue = todayIso > iso(year + 1, 1, 1) ? todayIso : iso(year + 1, 1, 1);
  const issued = {};
  const issue = (name, key, fields, qr) => {
    const input = path.join('inputs', `${name}.json`);
    fs.writeFileSync(path.join(dir, input), JSON.stringify(fields, null, 2) + '\n');
    const args = ['issue', '--key', `${key}.key`, '--input', input, '--url', ISSUER_URL_BASE];
    if (qr) args.push('--qr', path.join('qr', `${name}.png`));
    const url = sh(...args);
    issued[name] = { url, token: url.slice(url.indexOf('#') + 1) };
  };
  const current = { school_year: schoolYear(year), issued_on: todayIso };
  issue('valid', 'paris', cert({ ...current, serial: 'BT-0001' }), true);
  issue('revoked-serial', 'paris', cert({ ...current, serial: 'BT-0003', family_name: 'Moreau', given_names: 'Inès' }));
  issue('revoked-key', 'lyon', cert({ ...current, serial: 'BT-0004', school_uai: '0690026D', school_name: 'Lycée du Parc', school_town: 'Lyon', academie: 'Lyon' }));
  issue('expired', 'paris', cert({ school_year: schoolYear(year - 2), issued_on: iso(year - 2, 9, 15), serial: 'BT-0005', level: '4e' }));
  issue('unknown-issuer', 'stranger', cert({ ...current, serial: 'BT-0006' }));
  issue('not-yet-valid', 'paris', cert({ school_year: schoolYear(year + 1), issued_on: nextYearIssue, serial: 'BT-0007' }));
  issue('key-outside-window', 'paris-old', cert({ ...current, serial: 'BT-0008' }));
  issue('hostile', 'hostile', cert({
    ...current,
    serial: 'BT-0009',
    family_name: HOSTILE.family_name,
    given_names: HOSTILE.given_names,
    school_name: HOSTILE.school_name,
    school_town: HOSTILE.school_town,
    academie: HOSTILE.academie,
  }));

  sh('trust', 'revoke', '--list', 'list.json', '--serial', 'BT-0003');
  sh('trust', 'revoke', '--list', 'list.json', '--key', 'lyon.key.pub');
  fs.copyFileSync(path.join(dir, 'list.json'), path.join(dir, 'list-other-root.json'));
  sh('trust', 'sign', '--list', 'list.json', '--root', 'root.key', '--out', 'trust.json', '--valid-days', '30');
  // The same list signed by a root the page does not pin.
  sh('trust', 'sign', '--list', 'list-other-root.json', '--root', 'other-root.key', '--out', 'trust-other-root.json');
  // The good list with one letter changed inside its signed bytes.
  const signed = fs.readFileSync(path.join(dir, 'trust.json'), 'utf8');
  if (!signed.includes('Académie de Paris')) throw new Error('the signed list does not name the Académie de Paris');
  fs.writeFileSync(path.join(dir, 'trust-tampered.json'), signed.replace('Académie de Paris', 'Académie de Pariz'));
  // The next list (its sequence one higher), signed for 90 days: what a verifier gets once the first is past its next_update.
  sh('trust', 'sign', '--list', 'list.json', '--root', 'root.key', '--out', 'trust-next.json', '--valid-days', '90');

  // Certificates the issuing command would not make, signed with the
  // Paris key as an issuer could: a right-to-left override in the school's
  // name (refused at verification: malformed), and the same rewrite with
  // a plain letter as the control (valid: the rewriting itself is sound).
  const parisSeed = seedOfSecretKeyFile(fs.readFileSync(path.join(dir, 'paris.key'), 'utf8'));
  const sign = (message) => ed.signAsync(message, parisSeed);
  const bidi = await rewriteAndSign(issued.valid.token, 'Lou', '\u202E', sign);
  const rewritten = await rewriteAndSign(issued.valid.token, 'Lou', 'Tou', sign);

  const tokens = {
    valid: { token: issued.valid.token, status: 'valid' },
    tampered: { token: tamper(issued.valid.token), status: 'invalid-signature' },
    'revoked-serial': { token: issued['revoked-serial'].token, status: 'revoked' },
    'revoked-key': { token: issued['revoked-key'].token, status: 'revoked' },
    expired: { token: issued.expired.token, status: 'expired' },
    'not-yet-valid': { token: issued['not-yet-valid'].token, status: 'not-yet-valid' },
    'unknown-issuer': { token: issued['unknown-issuer'].token, status: 'unknown-issuer' },
    'key-outside-window': { token: issued['key-outside-window'].token, status: 'issuer-key-not-valid' },
    malformed: { token: 'CC1:Ceci+n-est/pas=un_certificat', status: 'malformed' },
    'unsupported-version': { token: issued.valid.token.replace(/^CC1:/, 'CC2:'), status: 'unsupported-version' },
    hostile: { token: issued.hostile.token, status: 'valid' },
    bidi: { token: bidi, status: 'malformed' },
    rewritten: { token: rewritten, status: 'valid' },
  };

  // Each certificate's verdict from the command first: the page must agree with it.
  for (const [name, { token, status }] of Object.entries(tokens)) {
    const r = spawnSync(cachet, ['verify', '--trust', 'trust.json', '--root', 'root.key.pub', '--json', token], { cwd: dir, encoding: 'utf8' });
    const got = JSON.parse(r.stdout || '{}').status;
    if (got !== status) throw new Error(`fixture ${name}: cachet verify says ${got}, expected ${status}`);
  }

  // Pictures: the command's PNG of the valid certificate's URL; the
  // tampered URL drawn the same way (no command makes a QR of a token it
  // did not sign); a photo of the printed valid code; camera videos.
  const validQr = readPng(path.join(dir, 'qr', 'valid.png'));
  const tamperedQr = qrPicture(tamper(issued.valid.url));
  writePng(path.join(dir, 'qr', 'tampered.png'), tamperedQr);
  writePng(path.join(dir, 'qr', 'valid-photo.png'), photo(validQr));
  cameraVideo(path.join(dir, 'video', 'valid.y4m'), validQr, { seed: 11 });
  cameraVideo(path.join(dir, 'video', 'tampered.y4m'), tamperedQr, { seed: 12 });

  // The signature and message of the valid certificate, for the benchmark's cross-checks.
  const parts = openToken(issued.valid.token);
  const paris = publicKeyOfFile(fs.readFileSync(path.join(dir, 'paris.key.pub'), 'utf8'));
  if (!(await ed.verifyAsync(parts.signature, signingInput(parts.protected, parts.payload), paris))) {
    throw new Error('the valid certificate does not verify with @noble/ed25519: the fixture is wrong');
  }

  const manifest = {
    created: new Date().toISOString(),
    today: todayIso,
    schoolYear: schoolYear(year),
    dir,
    root: path.join(dir, 'root.key.pub'),
    trust: {
      good: path.join(dir, 'trust.json'),
      otherRoot: path.join(dir, 'trust-other-root.json'),
      tampered: path.join(dir, 'trust-tampered.json'),
      next: path.join(dir, 'trust-next.json'),
    },
    tokens,
    validUrl: issued.valid.url,
    images: {
      valid: path.join(dir, 'qr', 'valid.png'),
      tampered: path.join(dir, 'qr', 'tampered.png'),
      validPhoto: path.join(dir, 'qr', 'valid-photo.png'),
    },
    videos: { valid: path.join(dir, 'video', 'valid.y4m'), tampered: path.join(dir, 'video', 'tampered.y4m') },
    bench: {
      token: issued.valid.token,
      kid: parts.kid,
      publicKey: Buffer.from(paris).toString('hex'),
    },
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Fixtures older than this are made again (their dates and the list's freshness follow the clock). */
const MAX_AGE_MS = 6 * 3600 * 1000;

/**
 * The manifest of this run's fixtures: those `lib/setup.js` made, or new
 * ones when a spec runs alone and finds none (or stale ones).
 */
export async function fixtures() {
  const file = path.join(FIXTURES, 'manifest.json');
  if (fs.existsSync(file)) {
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (Date.now() - Date.parse(manifest.created) < MAX_AGE_MS) return manifest;
  }
  return generateFixtures(FIXTURES);
}
