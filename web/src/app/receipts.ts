// Delivery and read receipts of my messages. A direct message has one state that receipts move
// forward (sent → delivered → read); a group message keeps which of the accounts it went to have
// it on a device and have read it, and is 'delivered' or 'read' once all of them have.

/** Where a message of mine is: sealing and sending, durable at the relay, on a peer device, read; or failed. */
export type DeliveryState = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** What a receipt says about a message: it reached a device of the reader, or the reader read it. */
export type ReceiptKind = 'delivered' | 'read';

/** The receipts of a group message of mine, by account (lowercase). */
export interface GroupReceipts {
  /** The other accounts the message was encrypted to when it was sent. */
  audience: string[];
  /** Who of them has it on a device (readers included). */
  delivered: string[];
  /** Who of them has read it. */
  read: string[];
}

/** The receipt-relevant part of a message of mine. */
export interface Receipted {
  /** Its delivery state. */
  state: DeliveryState;
  /** Per-member receipts; only group messages have them. */
  receipts?: GroupReceipts;
}

const order: DeliveryState[] = ['sending', 'sent', 'delivered', 'read'];

/** Whether state a comes after state b (neither failed); a receipt may overtake the relay's answer to the send. */
function after(a: DeliveryState, b: DeliveryState): boolean {
  return order.indexOf(b) >= 0 && order.indexOf(a) > order.indexOf(b);
}

/**
 * Applies account from's receipt to a message of mine; returns the changed fields, or undefined
 * when the receipt changes nothing (a message that failed, a group
 * message from someone it was not sent to, a receipt already counted).
 */
export function applyReceipt(m: Receipted, kind: ReceiptKind, from: string): Partial<Receipted> | undefined {
  const r = m.receipts;
  if (!r) return after(kind, m.state) ? { state: kind } : undefined;
  const who = from.toLowerCase();
  if (!r.audience.includes(who) || !order.includes(m.state)) return undefined;
  const delivered = r.delivered.includes(who) ? r.delivered : [...r.delivered, who];
  const read = kind === 'read' && !r.read.includes(who) ? [...r.read, who] : r.read;
  if (delivered === r.delivered && read === r.read) return undefined;
  const all = (xs: string[]) => xs.length >= r.audience.length;
  const reached: DeliveryState = all(read) ? 'read' : all(delivered) ? 'delivered' : 'sent';
  return { receipts: { ...r, delivered, read }, state: after(reached, m.state) ? reached : m.state };
}

const stateLabel: Record<DeliveryState, string> = { sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' };

/** The per-member receipts worth showing: those of a group message to other accounts that has not failed. */
export function memberReceipts(m: Receipted): GroupReceipts | undefined {
  const r = m.receipts;
  return r && r.audience.length > 0 && order.includes(m.state) ? r : undefined;
}

/**
 * The delivery line of a message of mine: its state, and for a group message on its way to some
 * members "Delivered to N of M", "Read by N of M" and "Read by everyone".
 */
export function receiptLabel(m: Receipted): string {
  const r = memberReceipts(m);
  if (!r) return stateLabel[m.state];
  if (m.state === 'read') return 'Read by everyone';
  if (r.read.length > 0) return `Read by ${r.read.length} of ${r.audience.length}`;
  if (m.state === 'delivered') return 'Delivered to everyone';
  if (r.delivered.length > 0) return `Delivered to ${r.delivered.length} of ${r.audience.length}`;
  return stateLabel[m.state];
}
