// Chat requests: send one by address or username, accept or decline incoming ones; new ones
// arrive in real time through the relay's notifications.
import { useEffect, useState } from 'preact/hooks';
import type { AppContext } from '../app/context.js';
import { ErrorText, Name, Screen, useAction } from './common.js';
import { navigate } from './router.js';

/** A chat request (api/openapi.yaml ChatRequest). */
export interface ChatRequest {
  id: string;
  from: string;
  to: string;
  note: string;
  status: 'pending' | 'accepted' | 'declined';
  createdAt: string;
}

/** Returns the incoming and outgoing requests, reloaded on chat-request notifications. */
export function useRequests(app: AppContext): { incoming: ChatRequest[]; outgoing: ChatRequest[]; reload: () => void } {
  const [incoming, setIncoming] = useState<ChatRequest[]>([]);
  const [outgoing, setOutgoing] = useState<ChatRequest[]>([]);
  const reload = () => {
    void app.api.get<{ requests: ChatRequest[] }>('/v1/chat-requests?box=incoming').then((r) => setIncoming(r.requests), () => undefined);
    void app.api.get<{ requests: ChatRequest[] }>('/v1/chat-requests?box=outgoing').then((r) => setOutgoing(r.requests), () => undefined);
  };
  useEffect(() => {
    reload();
    const off = app.relay.on('notification', (n) => n.kind.startsWith('chat_request') && reload());
    const offOpen = app.relay.on('hello', reload);
    return () => {
      off();
      offOpen();
    };
  }, [app]);
  return { incoming, outgoing, reload };
}

function RequestItem({ app, r, reload }: { app: AppContext; r: ChatRequest; reload: () => void }) {
  const act = useAction();
  const decide = (d: 'accept' | 'decline') =>
    void act.run(async () => {
      await app.api.post(`/v1/chat-requests/${r.id}/${d}`);
      reload();
      if (d === 'accept') navigate(`/chat/${r.from.toLowerCase()}`);
    });
  return (
    <li class="request">
      <p>
        <strong>
          <Name api={app.api} address={r.from} />
        </strong>{' '}
        wants to chat{r.note && <>: “{r.note}”</>}
      </p>
      {r.status === 'pending' ? (
        <div class="row">
          <button type="button" onClick={() => decide('accept')} disabled={act.busy}>
            Accept
          </button>
          <button type="button" class="secondary" onClick={() => decide('decline')} disabled={act.busy}>
            Decline
          </button>
        </div>
      ) : (
        <p class="muted">{r.status}</p>
      )}
      <ErrorText error={act.error} />
    </li>
  );
}

/** The requests screen. */
export function Requests({ app }: { app: AppContext }) {
  const { incoming, outgoing, reload } = useRequests(app);
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [sent, setSent] = useState('');
  const act = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    setSent('');
    void act.run(async () => {
      await app.api.post('/v1/chat-requests', { to: to.trim().toLowerCase().replace(/^@/, ''), note: note.trim() });
      setSent(`Chat request sent to ${to.trim()}.`);
      setTo('');
      setNote('');
      reload();
    });
  };
  return (
    <Screen title="Chat requests">
      <form class="form" onSubmit={submit}>
        <label>
          Address or username
          <input value={to} onInput={(e) => setTo(e.currentTarget.value)} required minLength={3} maxLength={42} placeholder="0x… or alice" />
        </label>
        <label>
          Note
          <input value={note} onInput={(e) => setNote(e.currentTarget.value)} maxLength={280} placeholder="Hi! We both like…" />
        </label>
        <ErrorText error={act.error} />
        <button type="submit" disabled={act.busy}>
          Send chat request
        </button>
        <p role="status">{sent}</p>
      </form>
      <h3>Incoming</h3>
      {incoming.filter((r) => r.status === 'pending').length === 0 && <p class="muted">No pending requests.</p>}
      <ul class="requests" aria-label="Incoming requests">
        {incoming
          .filter((r) => r.status === 'pending')
          .map((r) => (
            <RequestItem app={app} r={r} reload={reload} key={r.id} />
          ))}
      </ul>
      <h3>Sent</h3>
      <ul class="requests" aria-label="Sent requests">
        {outgoing.map((r) => (
          <li key={r.id}>
            <Name api={app.api} address={r.to} /> — {r.status}
            {r.status === 'accepted' && (
              <>
                {' '}
                <a href={`/chat/${r.to.toLowerCase()}`}>Open chat</a>
              </>
            )}
          </li>
        ))}
      </ul>
    </Screen>
  );
}
