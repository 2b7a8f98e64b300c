// The element's types (@cachet/verifier/element), compiled with check.ts.
import { CachetVerifier, VerifyError, type VerifyErrorCode } from '@cachet/verifier/element';
import type { Status } from '@cachet/verifier';

const element: CachetVerifier | null = document.querySelector('cachet-verifier');
element?.addEventListener('cachet-result', (event) => {
  const status: Status = event.detail.status;
  const family: string | undefined = event.detail.certificate?.family_name;
  void [status, family];
});
element?.addEventListener('cachet-error', (event) => {
  const code: VerifyErrorCode = event.detail.code;
  void code;
});
if (element) {
  await element.ready();
  const result = await element.verify('CC1:…');
  const status: Status = result.status;
  // @ts-expect-error: the text is a string
  void element.verify(42);
  try {
    await element.verify('');
  } catch (e) {
    if (e instanceof VerifyError) {
      // @ts-expect-error: not an error code
      const wrong: typeof e.code = 'oops';
      void wrong;
    }
  }
  void status;
}
// @ts-expect-error: the element is made by the browser, with document.createElement
const made: CachetVerifier = document.createElement('div');
void made;
