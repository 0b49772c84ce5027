import jsQR from 'jsqr';
import QRCode from 'qrcode';

/** What a QR code carries: binary payloads (the safety number's 105 bytes) as a byte segment, text as is. */
export type QRPayload = string | Uint8Array;

/** A decoded QR code: its raw bytes and their text reading. */
export interface ScannedQR {
  /** The payload bytes (byte segments exactly as encoded). */
  bytes: Uint8Array;
  /** The payload as text (for text codes such as a device-link invite). */
  text: string;
}

const segments = (p: QRPayload) => (typeof p === 'string' ? p : [{ data: p, mode: 'byte' as const }]);

/** Renders payload as an SVG document (error correction M, a quiet zone of 4 modules). */
export function qrSvg(payload: QRPayload): Promise<string> {
  return QRCode.toString(segments(payload), { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

/** Finds and decodes a QR code in an RGBA image (a camera frame or a pasted picture); undefined when none is found. */
export function decodeQR(image: { data: Uint8ClampedArray; width: number; height: number }): ScannedQR | undefined {
  const code = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
  return code ? { bytes: Uint8Array.from(code.binaryData), text: code.data } : undefined;
}
