// Read a checkpoint's printed QR code with the camera: BarcodeDetector where the browser has it,
// the vendored jsQR (npm jsqr, static/vendor/jsQR.js) otherwise. No outside call.
const JSQR_URL = "/static/vendor/jsQR.js";
let jsqrLoading = null;

// Load jsQR once (a classic script defining window.jsQR).
function loadJsQR() {
  if (window.jsQR) return Promise.resolve(window.jsQR);
  jsqrLoading ??= new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = JSQR_URL;
    s.onload = () => resolve(window.jsQR);
    s.onerror = () => { jsqrLoading = null; reject(new Error("jsQR did not load")); };
    document.head.append(s);
  });
  return jsqrLoading;
}

// Fetch the fallback decoder ahead (when the browser has no BarcodeDetector), so the service worker
// keeps it and scanning works offline too.
export function preloadDecoder() {
  if (!("BarcodeDetector" in window)) loadJsQR().catch(() => {});
}

// Return a decoder: async (source: video|canvas|img) -> the QR text, or null when none is seen.
export async function qrDecoder() {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats?.();
      if (!formats || formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async (source) => (await detector.detect(source))[0]?.rawValue ?? null;
      }
    } catch { /* fall through to jsQR */ }
  }
  const jsQR = await loadJsQR();
  const canvas = document.createElement("canvas");
  const g = canvas.getContext("2d", { willReadFrequently: true });
  return async (source) => {
    const w = source.videoWidth || source.naturalWidth || source.width;
    const h = source.videoHeight || source.naturalHeight || source.height;
    if (!w || !h) return null;
    canvas.width = w;
    canvas.height = h;
    g.drawImage(source, 0, 0, w, h);
    const found = jsQR(g.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
    return found?.data ?? null;
  };
}

// Split a Gatewatch checkpoint payload ("GW1.<venue>.<key>.<checkpoint>.<sig>"), or return null.
export function parsePayload(text) {
  const parts = String(text || "").trim().split(".");
  if (parts.length !== 5 || parts[0] !== "GW1" || parts.some((p) => !p)) return null;
  return { venue: parts[1], keyId: parts[2], checkpoint: parts[3], code: parts.join(".") };
}

// Open the camera in `video` and resolve with the first QR text seen; reject with the reason
// the camera cannot be used. stop() ends it early (resolves null).
export function scan(video) {
  let stream = null;
  let stopped = false;
  let finish;
  const done = new Promise((resolve, reject) => {
    finish = (value, error) => {
      if (stopped) return;
      stopped = true;
      for (const track of stream?.getTracks?.() || []) track.stop();
      video.srcObject = null;
      if (error) reject(error); else resolve(value);
    };
  });
  (async () => {
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
      throw new Error(window.isSecureContext ? "no camera" : "not HTTPS");
    }
    const decode = await qrDecoder();
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    if (stopped) { for (const track of stream.getTracks()) track.stop(); return; }
    video.srcObject = stream;
    await video.play();
    while (!stopped) {
      const text = await decode(video).catch(() => null);
      if (text) { finish(text); return; }
      await new Promise((r) => setTimeout(r, 200));
    }
  })().catch((err) => finish(null, err));
  return { done, stop: () => finish(null) };
}
