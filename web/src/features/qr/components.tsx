import { useEffect, useRef, useState } from 'preact/hooks';
import { qrSvg, type QRPayload, type ScannedQR } from './qr.js';
import { scanImageFile, scanQR } from './scan.js';

/** How often a camera frame is searched for a code, in ms (each search decodes a full frame). */
const scanInterval = 150;

/** Shows payload as a QR code image; alt names what it is for screen readers. */
export function QRImage({ payload, alt }: { payload: QRPayload; alt: string }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let live = true;
    void qrSvg(payload).then((svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`));
    return () => {
      live = false;
    };
  }, [payload]);
  return src ? <img class="qr" src={src} alt={alt} role="img" /> : <p>Drawing the QR code…</p>;
}

/**
 * Reads a QR code three ways: the camera (polling frames until a code shows up), an uploaded
 * picture, or a picture pasted from the clipboard. label prefixes the controls' names
 * (e.g. "Safety code" → "Scan safety code with the camera").
 */
export function QRScanner({ label, binary, onScan }: { label: string; binary: boolean; onScan: (code: ScannedQR) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream>();
  const [error, setError] = useState('');
  const lower = label.toLowerCase();

  useEffect(() => {
    if (!stream || !video.current) return;
    const v = video.current;
    v.srcObject = stream;
    void v.play().catch(() => undefined);
    let live = true;
    const tick = async () => {
      if (!live) return;
      const code = v.readyState >= 2 ? await scanQR(v, { binary }).catch(() => undefined) : undefined;
      if (code && live) {
        stop();
        onScan(code);
        return;
      }
      setTimeout(() => void tick(), scanInterval);
    };
    void tick();
    return () => {
      live = false;
    };
  }, [stream]);

  useEffect(() => () => stream?.getTracks().forEach((t) => t.stop()), [stream]);

  function stop() {
    stream?.getTracks().forEach((t) => t.stop());
    setStream(undefined);
  }

  async function camera() {
    setError('');
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }));
    } catch (err) {
      setError(`The camera is not available (${(err as Error).message}). Upload or paste a picture instead.`);
    }
  }

  async function fromFile(file: Blob | null | undefined) {
    if (!file) return;
    setError('');
    const code = await scanImageFile(file, { binary }).catch(() => undefined);
    if (code) onScan(code);
    else setError('No QR code found in that picture.');
  }

  return (
    <div class="row" onPaste={(e) => void fromFile([...(e.clipboardData?.items ?? [])].find((i) => i.type.startsWith('image/'))?.getAsFile())}>
      {stream ? (
        <>
          <video ref={video} muted playsInline aria-label={`${label} camera preview`} />
          <button type="button" onClick={stop}>Stop camera</button>
        </>
      ) : (
        <button type="button" onClick={() => void camera()}>{`Scan ${lower} with the camera`}</button>
      )}
      <label>
        {`Upload a picture of the ${lower}`}{' '}
        <input type="file" accept="image/*" onChange={(e) => void fromFile(e.currentTarget.files?.[0])} />
      </label>
      <textarea aria-label={`Paste a picture of the ${lower}`} placeholder="Or paste a picture here (Ctrl+V)" rows={1} value="" onInput={() => undefined} />
      {error && <p role="alert" class="error">{error}</p>}
    </div>
  );
}
