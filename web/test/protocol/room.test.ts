import { describe, expect, it } from 'vitest';
import { fromHex, Room, toHex, utf8 } from '../../src/protocol/index.js';
import { expectCode, vectors, type Negative } from './vectors.js';

interface Vectors {
  roomKey: string;
  roomId: string;
  link: string;
  messageKey: string;
  messages: { nonce: string; plaintext: string; aad: string; message: string }[];
  invalid: (Negative & { envelope: string })[];
  invalidLinks: (Negative & { input: string })[];
}
const v = vectors<Vectors>('rooms.json');
const text = new TextDecoder();

describe('room vectors', () => {
  it('derives the id and link from the key, and parses the link back', () => {
    const r = new Room(fromHex(v.roomKey));
    expect(r.id).toBe(v.roomId);
    expect(r.link('https://parley.example/')).toBe(v.link);
    expect(Room.fromLink(v.link).id).toBe(v.roomId);
  });

  it.each(v.messages)('seals "$plaintext" byte for byte and opens it', (m) => {
    const r = Room.fromLink(v.link);
    expect(toHex(r.seal(utf8(m.plaintext), fromHex(m.nonce)))).toBe(m.message);
    expect(text.decode(r.open(fromHex(m.message)))).toBe(m.plaintext);
  });

  it.each(v.invalid)('rejects message $name with $error', async (n) => {
    await expectCode(() => Room.fromLink(v.link).open(fromHex(n.envelope)), n.error);
  });

  it.each(v.invalidLinks)('rejects link $name with $error', async (n) => {
    await expectCode(() => Room.fromLink(n.input), n.error);
  });
});
