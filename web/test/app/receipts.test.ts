import { describe, expect, it } from 'vitest';
import { applyReceipt, memberReceipts, receiptLabel, type Receipted } from '../../src/app/receipts.js';

const bob = '0x00000000000000000000000000000000000000b0';
const carol = '0x00000000000000000000000000000000000000c0';
const dave = '0x00000000000000000000000000000000000000d0';

/** Applies receipts in order the way the store does: each one's change on top of the last. */
function apply(m: Receipted, ...receipts: [kind: 'delivered' | 'read', from: string][]): Receipted {
  return receipts.reduce((x, [kind, from]) => ({ ...x, ...applyReceipt(x, kind, from) }), m);
}

describe('receipts of a direct message', () => {
  it('only move the state forward', () => {
    const sent: Receipted = { state: 'sent' };
    expect(applyReceipt(sent, 'delivered', bob)).toEqual({ state: 'delivered' });
    expect(applyReceipt(sent, 'read', bob)).toEqual({ state: 'read' });
    expect(applyReceipt({ state: 'read' }, 'delivered', bob)).toBeUndefined();
    expect(applyReceipt({ state: 'delivered' }, 'delivered', bob)).toBeUndefined();
    expect(applyReceipt({ state: 'sending' }, 'read', bob)).toEqual({ state: 'read' }); // the receipt overtook the relay's answer
    expect(applyReceipt({ state: 'failed' }, 'read', bob)).toBeUndefined();
    expect(receiptLabel({ state: 'read' })).toBe('Read');
    expect(receiptLabel({ state: 'failed' })).toBe('Not sent');
  });
});

describe('receipts of a group message', () => {
  const fresh = (): Receipted => ({ state: 'sent', receipts: { audience: [bob, carol], delivered: [], read: [] } });

  it('count each member once and reach read when everyone has', () => {
    const one = apply(fresh(), ['read', bob]);
    expect(one).toEqual({ state: 'sent', receipts: { audience: [bob, carol], delivered: [bob], read: [bob] } });
    expect(receiptLabel(one)).toBe('Read by 1 of 2');
    expect(applyReceipt(one, 'read', bob)).toBeUndefined();
    expect(applyReceipt(one, 'delivered', bob)).toBeUndefined();
    const both = apply(one, ['read', carol.toUpperCase().replace('0X', '0x')]);
    expect(both.state).toBe('read');
    expect(receiptLabel(both)).toBe('Read by everyone');
  });

  it('are delivered to everyone before being read by anyone', () => {
    const half = apply(fresh(), ['delivered', carol]);
    expect([half.state, receiptLabel(half)]).toEqual(['sent', 'Delivered to 1 of 2']);
    const all = apply(half, ['delivered', bob]);
    expect([all.state, receiptLabel(all)]).toEqual(['delivered', 'Delivered to everyone']);
    const read = apply(all, ['read', carol]);
    expect([read.state, receiptLabel(read)]).toEqual(['delivered', 'Read by 1 of 2']);
  });

  it('ignore accounts the message was not sent to and failed messages, and count on one the relay has not answered for yet', () => {
    expect(applyReceipt(fresh(), 'read', dave)).toBeUndefined();
    expect(applyReceipt({ ...fresh(), state: 'sending' }, 'read', bob)).toEqual({ state: 'sent', receipts: { audience: [bob, carol], delivered: [bob], read: [bob] } });
    expect(applyReceipt({ ...fresh(), state: 'failed' }, 'read', bob)).toBeUndefined();
    expect(receiptLabel(fresh())).toBe('Sent');
    expect(receiptLabel({ state: 'sent', receipts: { audience: [], delivered: [], read: [] } })).toBe('Sent');
    expect(memberReceipts(fresh())).toEqual(fresh().receipts);
    expect(memberReceipts({ ...fresh(), state: 'failed' })).toBeUndefined();
    expect(memberReceipts({ state: 'sent', receipts: { audience: [], delivered: [], read: [] } })).toBeUndefined();
  });
});
