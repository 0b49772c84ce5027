import { decodeQR, type ScannedQR } from './qr.js';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorClass = (new (options: { formats: string[] }) => BarcodeDetectorLike) & { getSupportedFormats(): Promise<string[]> };

const utf8 = new TextEncoder();

/** Draws source (a video frame, an image, a bitmap) on a canvas and reads its pixels. */
function pixels(source: CanvasImageSource, width: number, height: number): ImageData {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('qr: no 2d canvas');
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

async function detectText(source: ImageBitmap | HTMLVideoElement): Promise<ScannedQR | undefined> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector || !(await Detector.getSupportedFormats()).includes('qr_code')) return undefined;
  const [code] = await new Detector({ formats: ['qr_code'] }).detect(source);
  return code && { text: code.rawValue, bytes: utf8.encode(code.rawValue) };
}

/**
 * Looks for a QR code in a camera frame or a picture. A text code goes through the platform's
 * BarcodeDetector when it has one; binary codes (whose bytes BarcodeDetector does not return) and
 * platforms without it use jsQR on the pixels.
 */
export async function scanQR(source: ImageBitmap | HTMLVideoElement, opts: { binary: boolean }): Promise<ScannedQR | undefined> {
  if (!opts.binary) {
    const found = await detectText(source);
    if (found) return found;
  }
  const [w, h] = source instanceof ImageBitmap ? [source.width, source.height] : [source.videoWidth, source.videoHeight];
  if (!w || !h) return undefined;
  return decodeQR(pixels(source, w, h));
}

/** Decodes a QR code in an image file or a pasted clipboard image. */
export async function scanImageFile(file: Blob, opts: { binary: boolean }): Promise<ScannedQR | undefined> {
  const bitmap = await createImageBitmap(file);
  try {
    return await scanQR(bitmap, opts);
  } finally {
    bitmap.close();
  }
}
