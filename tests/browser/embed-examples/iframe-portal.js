// The portal's side of the embed's messages (protocol version 1).
const VERIFIER = 'https://verifier.example.fr';
const frame = document.getElementById('cachet');
const answer = document.getElementById('portal-answer');

window.addEventListener('message', (event) => {
  // Only the verifier's frame speaks this protocol: anything else is ignored.
  if (event.origin !== VERIFIER || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (!message || message.version !== 1) return;
  if (message.type === 'cachet:ready') {
    answer.textContent = `Vérificateur prêt (profil ${message.profile}).`;
  } else if (message.type === 'cachet:result') {
    const { status, kind, certificate } = message.result;
    if (kind === 'valid') {
      answer.textContent = `Tarif scolaire accordé à ${certificate.given_names} ${certificate.family_name} (${certificate.school_year}).`;
    } else if (kind === 'not-valid-now') {
      answer.textContent = `Certificat authentique mais pas valable aujourd’hui (${status}) : demandez celui de cette année.`;
    } else {
      answer.textContent = `Certificat refusé (${status}).`;
    }
  } else if (message.type === 'cachet:error') {
    answer.textContent = `Vérification impossible (${message.code}).`;
  }
});

/** For a portal that reads QR codes itself: the embed verifies the text and answers with cachet:result. */
export function verifyText(text) {
  frame.contentWindow.postMessage({ type: 'cachet:verify', version: 1, text }, VERIFIER);
}
