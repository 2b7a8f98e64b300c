// A Vite app that verifies certificates with @cachet/verifier: no plugin,
// the wasm copied into the build by Vite and served by the app itself.
import { load } from '@cachet/verifier';

const wasm = new URL('@cachet/verifier/cachet_bg.wasm', import.meta.url);

// The host serves the signed trust list and pins the root keys (here in config.json).
const [{ Verifier, statusText }, config, trustList] = await Promise.all([
  load({ wasm }),
  fetch('/config.json').then((r) => r.json()),
  fetch('/trust-list.json').then((r) => r.text()),
]);
const verifier = new Verifier(trustList, config.roots, undefined);

const text = document.querySelector('#text');
const result = document.querySelector('#result');
document.querySelector('#check').addEventListener('submit', (event) => {
  event.preventDefault();
  const verdict = verifier.verify(text.value.trim(), Date.now());
  const { title } = statusText(verdict.status, 'fr');
  const who = verdict.certificate ? ` ${verdict.certificate.given_names} ${verdict.certificate.family_name}` : '';
  result.textContent = title + who; // certificate fields are text, never HTML
  result.dataset.status = verdict.status;
});
document.querySelector('#verify').disabled = false;
