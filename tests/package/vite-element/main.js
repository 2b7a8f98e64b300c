// A Vite app that puts the whole verifier in its page: the package's
// <cachet-verifier> element, registered by importing it.
import '@cachet/verifier/element';

document.querySelector('cachet-verifier').addEventListener('cachet-result', (event) => {
  // event.detail is the result, with only the transport profile's fields.
  document.body.dataset.lastStatus = event.detail.status;
});
