// The ways in, shared by the page and <cachet-verifier>: pasted text, an
// image or a PDF, the camera. Each hands one text to `verify`; what goes
// wrong before a text is found is a message (an i18n.js key) on the way's
// own line, drawn by the shell's `message(el, key)`.
//
// The QR reader and the camera are loaded when first needed (a link's
// verdict needs neither); a failed load is retried on the next use.
// A beep and a vibration on each verdict where the platform allows, if the
// box `els.sound` is ticked (remembered). Off by default: in a town hall
// the queue would hear every verdict.

import { storage } from '../storage.js';
import { preloadImportsOf } from './early.js';

const SOUND_KEY = 'cachet.sound';
/** Per kind: [pitch (Hz), length (ms)] of the beep and the vibration. */
const SIGNALS = { valid: [880, 150], 'not-valid-now': [520, 300], refused: [220, 500] };

export class Inputs {
  #els;
  #verify;
  #message;
  #scanning = null;
  #camera = null;
  #cameraLoading = null;
  #audio = null;

  /**
   * `els`: `pasteInput`, `pasteMessage`, and `pasteForm` (submitted) or
   * `pasteVerify` (clicked); `imageInput`, `imageMessage`; `cameraStart`,
   * `cameraStop`, `cameraPanel`, `cameraSelect`, `torch`, `video`,
   * `cameraMessage`; `sound` (a checkbox, optional). `verify(text)`
   * starts a verification; `message(el, key)` writes a way's message
   * (`key` null: none).
   */
  constructor(els, { verify, message }) {
    this.#els = els;
    this.#verify = verify;
    this.#message = message;
    this.#wire();
  }

  #wire() {
    const els = this.#els;
    if (els.pasteForm) {
      els.pasteForm.addEventListener('submit', (event) => {
        event.preventDefault();
        this.#paste();
      });
    } else {
      els.pasteVerify.addEventListener('click', () => this.#paste());
    }
    els.pasteInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (els.pasteForm) els.pasteForm.requestSubmit();
        else this.#paste();
      }
    });
    els.imageInput.addEventListener('change', () => this.#image());
    els.cameraStart.addEventListener('click', () => {
      this.#audioReady(); // a click: the moment a browser lets a page make sound later
      this.#startCamera();
    });
    if (els.sound) {
      els.sound.checked = storage.get(SOUND_KEY) === 'on';
      els.sound.addEventListener('change', () => {
        storage.set(SOUND_KEY, els.sound.checked ? 'on' : 'off');
        this.#audioReady();
      });
    }
    els.cameraStop.addEventListener('click', () => {
      this.stopCamera();
      els.cameraStart.focus();
    });
  }

  #paste() {
    const { pasteInput, pasteMessage } = this.#els;
    const text = pasteInput.value;
    if (!text.trim()) {
      this.#message(pasteMessage, 'pasteEmpty');
      pasteInput.focus();
      return;
    }
    this.#message(pasteMessage, null);
    if (this.#camera?.active) this.#camera.stop(); // one certificate at a time: a code in view must not replace this verdict
    this.#verify(text);
  }

  /** The QR reader and the image reader, loaded once. */
  loadScanning() {
    preloadImportsOf(import.meta.url); // what this module imports on demand, checked where the site gives integrity (lib/early.js)
    this.#scanning ??= Promise.all([import('../scan.js'), import('../image.js')]).then(([scan, image]) => ({
      scanner: new scan.WorkerScanner(),
      pickText: scan.pickText,
      ScanError: scan.ScanError,
      textsInImage: image.textsInImage,
      ImageError: image.ImageError,
    }));
    this.#scanning.catch(() => {
      this.#scanning = null;
    });
    return this.#scanning;
  }

  /**
   * Fetches the modules of the other ways in, so that a first scan does not
   * wait for them (not the QR reader's wasm: the scan worker compiles it on
   * first use). Resolves once they arrived or failed; never rejects.
   */
  preload() {
    preloadImportsOf(import.meta.url);
    return Promise.allSettled([this.loadScanning(), import('../camera.js')]).then(() => {});
  }

  async #image() {
    const { imageInput, imageMessage } = this.#els;
    const file = imageInput.files && imageInput.files[0];
    if (!file) return;
    if (this.#camera?.active) this.#camera.stop();
    this.#message(imageMessage, 'imageReading');
    let reader;
    try {
      reader = await this.loadScanning();
    } catch {
      imageInput.value = '';
      this.#message(imageMessage, 'scannerUnavailable');
      return;
    }
    let texts;
    try {
      texts = await reader.textsInImage(file, reader.scanner);
    } catch (e) {
      const notRead = { 'pdf-unreadable': 'pdfUnreadable', 'too-large': 'imageTooLarge' }[e instanceof reader.ImageError && e.code] ?? 'imageNotImage';
      this.#message(imageMessage, e instanceof reader.ScanError ? 'scannerUnavailable' : notRead);
      return;
    } finally {
      imageInput.value = ''; // the same file can be chosen again
    }
    if (texts.length === 0) {
      const pdf = file.type === 'application/pdf' || /\.pdf$/i.test(file.name);
      this.#message(imageMessage, pdf ? 'pdfNoCode' : 'imageNoCode');
      return;
    }
    this.#message(imageMessage, null);
    this.#verify(reader.pickText(texts));
  }

  async #startCamera() {
    const els = this.#els;
    preloadImportsOf(import.meta.url);
    this.#cameraLoading ??= Promise.all([import('../camera.js'), this.loadScanning()]).then(([{ Camera }, { scanner }]) => {
      this.#camera ??= new Camera(
        { start: els.cameraStart, stop: els.cameraStop, panel: els.cameraPanel, select: els.cameraSelect, torch: els.torch, video: els.video },
        scanner,
        (text) => this.#verify(text),
        (key) => this.#message(els.cameraMessage, key),
      );
      return this.#camera;
    });
    let camera;
    try {
      camera = await this.#cameraLoading;
    } catch {
      this.#cameraLoading = null;
      this.#message(els.cameraMessage, 'cameraFailed');
      return;
    }
    camera.start();
  }

  #audioReady() {
    try {
      if (this.#els.sound?.checked) (this.#audio ??= new AudioContext()).resume();
    } catch {
      // no sound here
    }
  }

  /** The verdict's beep and vibration (`kind` of session.js kindOf), if asked for. */
  signal(kind) {
    if (!this.#els.sound?.checked) return;
    const [hz, ms] = SIGNALS[kind] ?? SIGNALS.refused;
    navigator.vibrate?.(ms);
    try {
      const tone = this.#audio.createOscillator();
      tone.frequency.value = hz;
      tone.connect(this.#audio.destination);
      tone.start();
      tone.stop(this.#audio.currentTime + ms / 1000);
    } catch {
      // no sound here: the verdict is on screen
    }
  }

  /** Stops the camera, if it was ever loaded, and clears its message line. */
  stopCamera() {
    if (this.#camera) this.#camera.stop();
    else this.#message(this.#els.cameraMessage, null);
  }

  /** Back to idle: no text, no message, no camera. */
  clear() {
    const els = this.#els;
    els.pasteInput.value = '';
    this.#message(els.pasteMessage, null);
    this.#message(els.imageMessage, null);
    this.stopCamera();
  }
}
