import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/app/api.js';
import { conversationId, decodeBody, directConversationId, encodeBody, fetchMembers, groupConversationId, groupKey, groupOf, isConversationKey, type MessageBody } from '../../src/app/conversations.js';
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

describe('group conversations', () => {
  const group = '6f1c2b7e-3d4a-4e5f-9a8b-0c1d2e3f4a5b';
  // wire.GroupConversationID(uuid.MustParse(group)), printed by the Go code.
  const fromGo = 'b7f9e5f111a7acdfa6e73c7829bda19a735bb1d839b5a17716de53a1009c76cd';
  const me = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';

  it('has the id wire.GroupConversationID gives: SHA-256 of the domain and the UUID bytes', () => {
    expect(toHex(groupConversationId(group))).toBe(fromGo);
    expect(toHex(groupConversationId(group.toUpperCase()))).toBe(fromGo);
  });

  it('is keyed group:<uuid>, lowercase, beside the direct keys (a peer address)', () => {
    const key = groupKey(group.toUpperCase());
    expect(key).toBe(`group:${group}`);
    expect(groupOf(key)).toBe(group);
    expect(groupOf(me)).toBeUndefined();
    expect(toHex(conversationId(me, key))).toBe(fromGo);
    const peer = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
    expect(toHex(conversationId(me, peer))).toBe(toHex(directConversationId(me, peer)));
  });

  it('refuses a group id that is not a UUID', () => {
    expect(() => groupConversationId('not-a-uuid')).toThrow(/not a group id/);
  });
});

describe('fetchMembers', () => {
  it('keeps only confirmed, valid, unrevoked suite-1 devices: a gasless registration still pending is no recipient', async () => {
    const account = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
    const device = (deviceId: number, extra: object) => ({
      deviceId, suite: 1, signingKey: `0x${'11'.repeat(32)}`, keyAgreementKey: `0x${'22'.repeat(32)}`, valid: true, revoked: false, state: 'confirmed', ...extra,
    });
    const devices = [device(1, {}), device(2, { state: 'pending', txHash: `0x${'33'.repeat(32)}` }), device(3, { revoked: true }), device(4, { valid: false }), device(5, { suite: 2 })];
    const api = new ApiClient(async (path) => (path === `/v1/users/${account}/devices` ? Response.json({ devices }) : new Response(null, { status: 404 })));
    expect((await fetchMembers(api, account.toUpperCase().replace('0X', '0x'))).map((m) => m.deviceId)).toEqual([1]);
  });
});

describe('isConversationKey', () => {
  it.each([
    { key: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', want: true },
    { key: groupKey('3F2504E0-4F89-11D3-9A0C-0305E82C3301'), want: true },
    { key: '0x70997970C51812dc3a010c7d01b50e0d17dc79c8', want: false },
    { key: 'group:not-a-uuid', want: false },
    { key: 'bob', want: false },
  ])('$key: $want', ({ key, want }) => {
    expect(isConversationKey(key)).toBe(want);
  });
});
