// Test material: a third-origin frame inside the portal (an advert, say)
// asks the verifier frame, its sibling, to verify a text, and listens.
const verifier = window.parent.frames[0];
const text = new URLSearchParams(location.search).get('text') ?? '';
verifier.postMessage({ type: 'cachet:verify', version: 1, text }, '*');
document.getElementById('posted').textContent = 'posted';
