// A page without a bundler: the package's files served as they are, under
// /vendor/cachet-verifier/ (a copy of node_modules/@cachet/verifier).
import { load } from '/vendor/cachet-verifier/index.js';

const [{ Verifier, statusText }, config, trustList] = await Promise.all([
  load({ wasm: '/vendor/cachet-verifier/pkg/cachet_bg.wasm' }),
  fetch('/config.json').then((r) => r.json()),
  fetch('/trust-list.json').then((r) => r.text()),
]);
const verifier = new Verifier(trustList, config.roots, undefined);

const text = document.querySelector('#text');
const result = document.querySelector('#result');
document.querySelector('#check').addEventListener('submit', (event) => {
  event.preventDefault();
  const verdict = verifier.verify(text.value.trim(), Date.now(), 'transport');
  const { title } = statusText(verdict.status, 'fr');
  const who = verdict.certificate ? ` ${verdict.certificate.given_names} ${verdict.certificate.family_name}` : '';
  result.textContent = title + who; // certificate fields are text, never HTML
  result.dataset.status = verdict.status;
});
document.querySelector('#verify').disabled = false;
