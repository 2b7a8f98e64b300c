// The portal reads the verdict from the event: only the profile's fields are in it.
const answer = document.getElementById('portal-answer');
document.querySelector('cachet-verifier').addEventListener('cachet-result', (event) => {
  const { status, certificate } = event.detail;
  answer.textContent = status === 'valid' ? `Tarif scolaire accordé : ${certificate.school_year}` : `Refusé (${status})`;
});
