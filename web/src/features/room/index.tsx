import { useEffect, useRef, useState } from 'preact/hooks';
import type { FeatureProps } from '../../app/context.js';
import '../features.css';
import { createRoom, getRoom, parseRoomLink, roomLink, roomSocketURL, RoomSession, type RoomLine, type RoomLink } from './client.js';

/** Creates an anonymous room and opens it; no account or wallet needed. */
function NewRoom({ onCreated }: { onCreated: (link: RoomLink) => void }) {
  const [ttl, setTtl] = useState('86400');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function create(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const { link } = await createRoom((p, i) => fetch(p, i), { ttlSeconds: Number(ttl) });
      onCreated(link);
    } catch (err) {
      setError(`Could not create the room: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void create(e)} aria-label="New anonymous room">
      <p>Anyone with the link can read and write. The key stays in the link after “#”, so the server never sees it.</p>
      <label>
        Room lifetime{' '}
        <select value={ttl} onChange={(e) => setTtl(e.currentTarget.value)}>
          <option value="3600">1 hour</option>
          <option value="86400">1 day</option>
          <option value="604800">7 days</option>
        </select>
      </label>
      <button type="submit" disabled={busy}>New room</button>
      {error && <p role="alert" class="error">{error}</p>}
    </form>
  );
}

/** The room conversation: the shareable link, a nickname, the lines and the input. */
function RoomChat({ link }: { link: RoomLink }) {
  const [lines, setLines] = useState<{ line: RoomLine; mine: boolean }[]>([]);
  const [state, setState] = useState('Connecting…');
  const [nick, setNick] = useState(() => sessionStorage.getItem('parley.room.nick') ?? '');
  const [text, setText] = useState('');
  const [copied, setCopied] = useState(false);
  const session = useRef<RoomSession | undefined>(undefined);
  const log = useRef<HTMLOListElement>(null);
  const url = roomLink(location.origin, link);

  useEffect(() => {
    let s: RoomSession | undefined;
    let live = true;
    void (async () => {
      try {
        const info = await getRoom((p, i) => fetch(p, i), link.id);
        if (!live) return;
        s = new RoomSession(link, new WebSocket(roomSocketURL(location.origin, link.id)), (line, mine) => setLines((ls) => [...ls, { line, mine }]), (reason) => live && setState(`Disconnected: ${reason}`));
        session.current = s;
        await s.opened;
        if (live) setState(`Connected. The room closes ${new Date(info.expiresAt).toLocaleString()}; up to ${info.maxMembers} people.`);
      } catch (err) {
        if (live) setState(`This room is not available: ${(err as Error).message}`);
      }
    })();
    return () => {
      live = false;
      s?.close();
    };
  }, [link.id]);

  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [lines]);

  function send(e: Event) {
    e.preventDefault();
    const t = text.trim();
    if (!t || !session.current) return;
    sessionStorage.setItem('parley.room.nick', nick);
    try {
      session.current.send(nick.trim() || 'anonymous', t);
      setText('');
    } catch (err) {
      setState(`Not sent: ${(err as Error).message}`);
    }
  }

  async function copy() {
    await navigator.clipboard.writeText(url).catch(() => undefined);
    setCopied(true);
  }

  return (
    <>
      <div class="row">
        <input type="text" readOnly value={url} aria-label="Room link" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={() => void copy()}>{copied ? 'Link copied' : 'Copy room link'}</button>
      </div>
      <p role="status" aria-live="polite">{state}</p>
      <div role="log" aria-label="Room messages">
      <ol class="room-log" ref={log}>
        {lines.map(({ line, mine }) => (
          <li key={line.id} class={mine ? 'mine' : ''}>
            <span class="nick">{line.nick || 'anonymous'}</span>
            <span>{line.text}</span>
          </li>
        ))}
      </ol>
      </div>
      <form onSubmit={send} aria-label="Send to the room">
        <input type="text" value={nick} maxLength={32} placeholder="Nickname" aria-label="Nickname" onInput={(e) => setNick(e.currentTarget.value)} />
        <input type="text" value={text} maxLength={4000} placeholder="Message" aria-label="Room message" onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit">Send to room</button>
      </form>
    </>
  );
}

/** /r/:roomId: opens the room of the link in the address bar (key in the fragment); /r/new creates one. */
export default function RoomScreen({ base, params }: FeatureProps) {
  const [link, setLink] = useState<RoomLink | undefined>(() => parseRoomLink(location.pathname, location.hash));
  const created = (l: RoomLink) => {
    const u = new URL(roomLink(location.origin, l));
    base.navigate(u.pathname + u.hash);
    setLink(l);
  };
  return (
    <section class="feature" aria-labelledby="room-title">
      <h2 id="room-title">Anonymous room</h2>
      {link ? <RoomChat link={link} /> : params.roomId === 'new' ? <NewRoom onCreated={created} /> : (
        <>
          <p role="alert" class="error">This link has no room key (the part after “#k=”). Ask for the full link, or create a new room.</p>
          <NewRoom onCreated={created} />
        </>
      )}
    </section>
  );
}
