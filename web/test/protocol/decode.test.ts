import { describe, expect, it } from 'vitest';
import { decodeEnvelope, decodeLinkMessage, decodeRoomMessage, fromHex, ProtocolError, restore, utf8 } from '../../src/protocol/index.js';
import { vectors } from './vectors.js';

const messages = vectors<{ messages: { envelope: string }[] }>('messages.json');
const rooms = vectors<{ messages: { message: string }[] }>('rooms.json');
const links = vectors<{ frames: { plaintextCbor: string }[] }>('link.json');
const backups = vectors<{ archive: string }>('backup.json');

/** Every single-bit flip and every truncation of b. */
function* mutations(b: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < b.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const m = b.slice();
      m[i]! ^= 1 << bit;
      yield m;
    }
    yield b.slice(0, i);
  }
}

describe('decoders on mutated input', () => {
  it.each([
    { name: 'envelope', input: messages.messages[1]!.envelope, decode: decodeEnvelope },
    { name: 'room message', input: rooms.messages[0]!.message, decode: decodeRoomMessage },
    { name: 'link hello', input: links.frames[1]!.plaintextCbor, decode: decodeLinkMessage },
    { name: 'backup archive', input: backups.archive, decode: (b: Uint8Array) => restore(utf8('x'), b) },
  ])('$name: accepts or throws a ProtocolError, never anything else', ({ input, decode }) => {
    let rejected = 0;
    for (const m of mutations(fromHex(input))) {
      try {
        decode(m);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
