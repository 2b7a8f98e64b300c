// The camera path: the rear camera by preference, a picker that remembers
// the chosen device (its id only), a torch button when the track has one,
// and frames read a few times a second while it is on: it stays on, each
// new code is handed over, the one still in view is not handed again.

import { storage } from './storage.js';
import { t } from './i18n.js';
import { pixelsOf, pickText, ScanError } from './scan.js';

const CAMERA_KEY = 'cachet.camera';
const FRAME_INTERVAL_MS = 150; // about 6 frames a second: enough to catch a code, light on a phone
const MAX_FRAME_SIDE = 1280;
// The frame schedule: the core's cheap passes (the frame and its half-size copy) on
// most frames, every pass (low contrast, moiré, blur, tiny codes) on every 4th. On the
// synthetic corpus (`cargo xtask qr-corpus`, seed 1; tests/scan.rs corpus_shares) the
// cheap passes read 453 of 520 frames and the full reader 509; on a frame of grain
// with no code they take about a third of the full reader's time, which is what a
// camera mostly sees. A code missed by the cheap passes is read within 4 frames.
const FULL_PASS_EVERY = 4;
const MAX_FAILED_FRAMES = 3; // frames the reader fails on (a restarted worker each) before giving up

export class Camera {
  #els;
  #scanner;
  #onText;
  #onMessage;
  #stream = null;
  #session = 0;
  #torchOn = false;
  #last = null; // the last code handed over in this session of the camera

  /**
   * `els`: {start, stop, panel, select, torch, video}; `scanner`: a WorkerScanner;
   * `onText(text)` gets each new QR text found; `onMessage(key|null)` a status line.
   */
  constructor(els, scanner, onText, onMessage) {
    this.#els = els;
    this.#scanner = scanner;
    this.#onText = onText;
    this.#onMessage = onMessage;
    els.video.muted = true;
    els.video.playsInline = true;
    els.select.addEventListener('change', () => {
      const id = els.select.value;
      if (!id) return;
      storage.set(CAMERA_KEY, id); // the user's choice, and only that, is remembered
      if (this.active) this.start(id);
    });
    els.torch.addEventListener('click', () => this.#toggleTorch());
  }

  get active() {
    return this.#stream !== null;
  }

  /** Starts (or restarts) the camera: `deviceId` if given, else the remembered one, else the rear camera. */
  async start(deviceId = storage.get(CAMERA_KEY)) {
    const switching = this.active; // another camera chosen in the picker: the controls stay in place
    const hadFocus = document.activeElement === this.#els.start;
    const session = switching ? this.#stopStream() : this.#stop();
    const media = navigator.mediaDevices;
    if (!media || typeof media.getUserMedia !== 'function') {
      this.#onMessage('cameraUnsupported');
      return;
    }
    this.#onMessage('cameraStarting');
    this.#els.start.disabled = true;
    let stream;
    try {
      stream = await open(media, deviceId);
    } catch (e) {
      if (session !== this.#session) return;
      this.#stop();
      this.#onMessage(cameraErrorKey(e));
      return;
    }
    if (session !== this.#session) {
      stopTracks(stream);
      return;
    }
    this.#stream = stream;
    const { video, panel, start, stop } = this.#els;
    video.srcObject = stream;
    panel.hidden = false;
    start.hidden = true;
    start.disabled = false;
    stop.hidden = false;
    if (hadFocus) stop.focus(); // the button pressed is gone: the focus goes to its counterpart
    try {
      await video.play();
    } catch {
      // autoplay of a muted inline video is allowed; a refusal still shows frames once playing
    }
    const track = stream.getVideoTracks()[0];
    track?.addEventListener('ended', () => {
      if (session !== this.#session) return;
      this.#stop(); // unplugged, or taken by another application
      this.#onMessage('cameraFailed');
    });
    await this.#listDevices(track);
    this.#showTorch(track);
    this.#onMessage('cameraScanning');
    this.#loop(session);
  }

  /** Stops the camera and hides its picture. */
  stop() {
    this.#stop();
    this.#onMessage(null);
  }

  /** Ends the stream and any frame loop; returns the new session number. */
  #stopStream() {
    this.#session += 1;
    this.#last = null;
    if (this.#stream) stopTracks(this.#stream);
    this.#stream = null;
    this.#torchOn = false;
    return this.#session;
  }

  #stop() {
    this.#stopStream();
    const { video, panel, start, stop, torch } = this.#els;
    video.srcObject = null;
    panel.hidden = true;
    torch.hidden = true;
    torch.setAttribute('aria-pressed', 'false');
    start.hidden = false;
    start.disabled = false;
    stop.hidden = true;
    return this.#session;
  }

  async #listDevices(track) {
    const select = this.#els.select;
    let devices = [];
    try {
      devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    } catch {
      devices = [];
    }
    const current = track && typeof track.getSettings === 'function' ? track.getSettings().deviceId : undefined;
    const options = devices.map((d, i) => {
      const option = document.createElement('option');
      option.value = d.deviceId;
      option.textContent = d.label || t('cameraDefault', { n: i + 1 });
      option.selected = d.deviceId === current;
      return option;
    });
    select.replaceChildren(...options);
  }

  #showTorch(track) {
    const caps = track && typeof track.getCapabilities === 'function' ? track.getCapabilities() : {};
    this.#els.torch.hidden = !caps.torch;
    this.#els.torch.setAttribute('aria-pressed', 'false');
  }

  async #toggleTorch() {
    const track = this.#stream && this.#stream.getVideoTracks()[0];
    if (!track) return;
    const on = !this.#torchOn;
    try {
      await track.applyConstraints({ advanced: [{ torch: on }] });
      this.#torchOn = on;
      this.#els.torch.setAttribute('aria-pressed', String(on));
    } catch {
      this.#els.torch.hidden = true;
    }
  }

  async #loop(session) {
    const video = this.#els.video;
    let failures = 0;
    let frame = 0;
    while (session === this.#session) {
      await sleep(FRAME_INTERVAL_MS);
      if (session !== this.#session) return;
      if (video.readyState < 2 || !video.videoWidth || !video.videoHeight) continue;
      let texts;
      try {
        texts = await this.#scanner.scan(pixelsOf(video, video.videoWidth, video.videoHeight, MAX_FRAME_SIDE), {
          quick: frame++ % FULL_PASS_EVERY !== FULL_PASS_EVERY - 1,
        });
        failures = 0;
      } catch (e) {
        failures += 1;
        if ((e instanceof ScanError && e.code === 'unavailable') || failures >= MAX_FAILED_FRAMES) {
          if (session === this.#session) {
            this.#stop();
            this.#onMessage('scannerUnavailable');
          }
          return;
        }
        continue;
      }
      if (session !== this.#session) return;
      const text = texts.length > 0 ? pickText(texts) : null;
      if (text && text !== this.#last) {
        this.#last = text;
        this.#onText(text);
      }
    }
  }
}

async function open(media, deviceId) {
  const size = { width: { ideal: 1280 }, height: { ideal: 720 } };
  if (deviceId) {
    try {
      return await media.getUserMedia({ audio: false, video: { ...size, deviceId: { exact: deviceId } } });
    } catch (e) {
      if (e && (e.name === 'NotAllowedError' || e.name === 'SecurityError')) throw e;
      // The remembered camera is gone: fall back to the rear camera.
    }
  }
  return media.getUserMedia({ audio: false, video: { ...size, facingMode: { ideal: 'environment' } } });
}

function stopTracks(stream) {
  for (const track of stream.getTracks()) track.stop();
}

function cameraErrorKey(e) {
  switch (e && e.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'cameraDenied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'cameraNone';
    default:
      return 'cameraFailed';
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
