import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBody, directConversationId, encodeBody, type MessageBody } from '../../src/app/conversations.js';
import { toHex } from '../../src/protocol/index.js';

describe('message bodies', () => {
  it.each<{ name: string; body: MessageBody }>([
    { name: 'text', body: { kind: 'text', text: 'hello 👋' } },
    { name: 'text that looks like JSON', body: { kind: 'text', text: '{"parley":"tip"}' } },
    { name: 'tip', body: { kind: 'tip', txHash: '0xabc', amount: '0.01 ETH', note: 'thanks' } },
  ])('round-trips $name', ({ body }) => {
    expect(decodeBody(encodeBody(body))).toEqual(body);
  });

  it('sends text as its bare UTF-8 bytes, as the Go terminal chat reads it', () => {
    expect(new TextDecoder().decode(encodeBody({ kind: 'text', text: 'hi' }))).toBe('hi');
  });
});

describe('directConversationId', () => {
  const a = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
  const b = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
  it('is SHA-256 of the domain and both addresses, lower first, whoever asks (wire.DirectConversationID)', () => {
    const want = createHash('sha256')
      .update('parley/direct/v1')
      .update(Buffer.from(a.slice(2), 'hex'))
      .update(Buffer.from(b.slice(2), 'hex'))
      .digest('hex');
    expect(toHex(directConversationId(a, b))).toBe(want);
    expect(toHex(directConversationId(b, a))).toBe(want);
  });
});
