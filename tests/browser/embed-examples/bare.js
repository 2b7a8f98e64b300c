// The core alone: the wasm and its glue served by this site (never a CDN),
// the pinned roots and the signed trust list fetched from it.
import init, { Verifier, statusText } from '/pkg/cachet.js';

await init({ module_or_path: '/pkg/cachet_bg.wasm' });
const config = await (await fetch('/config.json')).json();
const trustList = await (await fetch(new URL(config.trustList, new URL('/config.json', location.href)))).text();
const verifier = new Verifier(trustList, config.roots, undefined);

const input = document.getElementById('certificate');
const button = document.getElementById('verify');
const verdict = document.getElementById('verdict');
button.disabled = false;
button.addEventListener('click', () => {
  const result = verifier.verify(input.value, Date.now(), 'transport');
  const { title } = statusText(result.status, 'fr');
  const who = result.certificate ? ` ${result.certificate.given_names} ${result.certificate.family_name}` : '';
  verdict.dataset.status = result.status;
  verdict.textContent = `${title}${who}`; // text only: certificate fields are hostile
});
