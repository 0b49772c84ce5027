// The delivery line under a message of mine: its state, and in a group who of the members has it
// and has read it ("Read by 1 of 2", an expandable list of their names).
import type { ApiClient } from '../app/api.js';
import type { ChatMessage } from '../app/conversations.js';
import { memberReceipts, receiptLabel, type DeliveryState } from '../app/receipts.js';
import { Name } from './common.js';

const stateMark: Record<DeliveryState, string> = { sending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };

/** The state of a message of mine; for a group message also the members' receipts, by name. */
export function Delivery({ api, m }: { api: ApiClient; m: ChatMessage }) {
  const label = receiptLabel(m);
  const state = (
    <span class={`state state-${m.state}`} title={m.error} aria-label={`Delivery: ${label}`}>
      {stateMark[m.state]} {label}
    </span>
  );
  const r = memberReceipts(m);
  if (!r) return state;
  return (
    <details class="receipts">
      <summary>{state}</summary>
      <ul aria-label="Receipts">
        {r.audience.map((a) => (
          <li key={a} title={a}>
            <Name api={api} address={a} />: {r.read.includes(a) ? 'read' : r.delivered.includes(a) ? 'delivered' : 'not yet'}
          </li>
        ))}
      </ul>
    </details>
  );
}
