// Chats: the conversation list and one conversation (with a person, or a group: key group:<id>), laid out like ChatGPT's: the history
// scrolls up from the input at the bottom, my messages on the right with their delivery state,
// theirs on the left, a typing line, read receipts, older history loaded from IPFS.
import type { ComponentType } from 'preact';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import { groupOf, isConversationKey } from '../app/conversations.js';
import type { AppContext, ChatMessage, TipButtonProps, TipStatusProps } from '../app/context.js';
import { Avatar, ErrorText, Name, nameOf, short, useProfile } from './common.js';
import { useContacts } from './Contacts.js';
import { Delivery } from './Delivery.js';
import { features } from './routes.js';

/** Re-renders on every change of the conversation store. */
function useStore(app: AppContext): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => app.conversations.subscribe(() => bump(undefined)), [app.conversations]);
}

/** The tips feature's chat pieces, once its module has loaded (none when the build lacks it). */
interface Tips {
  TipButton?: ComponentType<TipButtonProps>;
  TipStatus?: ComponentType<TipStatusProps>;
}

function useTips(): Tips {
  const [tips, setTips] = useState<Tips>({});
  useEffect(() => {
    const f = features.find((x) => x.name === 'tips');
    if (f) void f.load().then((m) => setTips({ TipButton: m.TipButton as Tips['TipButton'], TipStatus: m.TipStatus as Tips['TipStatus'] }), () => undefined);
  }, []);
  return tips;
}

const groupNames = new Map<string, Promise<string>>();

/** The name of a group (GET /v1/groups/{id}, once per page); undefined until loaded or when it cannot be read. */
function useGroupName(app: AppContext, group: string | undefined): string | undefined {
  const [name, setName] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setName(undefined);
    if (!group) return;
    let p = groupNames.get(group);
    if (!p) {
      p = app.api.get<{ name: string }>(`/v1/groups/${encodeURIComponent(group)}`).then((g) => g.name);
      groupNames.set(group, p);
      p.catch(() => groupNames.delete(group));
    }
    p.then((n) => live && setName(n), () => undefined);
    return () => {
      live = false;
    };
  }, [app, group]);
  return name;
}

/** A conversation's title and avatar: the person's profile, or the group's name. */
function useTitle(app: AppContext, key: string) {
  const group = groupOf(key);
  const profile = useProfile(app.api, group ? undefined : key);
  const groupName = useGroupName(app, group);
  const title = group ? (groupName ?? 'Group') : nameOf(profile, key);
  const avatar = group ? (
    <span class="avatar initials group" aria-hidden="true">
      #
    </span>
  ) : (
    <Avatar profile={profile} address={key} size={36} />
  );
  return { group, title, avatar };
}

function Bubble({ app, m, peerName, group, TipStatus }: { app: AppContext; m: ChatMessage; peerName: string; group: boolean; TipStatus: Tips['TipStatus'] }) {
  const time = new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const sender = useProfile(app.api, group && !m.mine ? m.sender : undefined);
  const who = m.mine ? 'You' : group ? nameOf(sender, m.sender) : peerName;
  return (
    <li class={`msg ${m.mine ? 'mine' : 'theirs'} ${m.state}`} aria-label={`${who}, ${time}`}>
      {group && !m.mine && (
        <p class="sender" title={m.sender}>
          {who}
        </p>
      )}
      {m.body.kind === 'text' ? (
        <p class="text">{m.body.text}</p>
      ) : (
        <p class="text tip">
          {TipStatus ? <TipStatus app={app} message={m} /> : <>{m.mine ? 'You sent a tip' : `${who} sent you a tip`}: {m.body.amount} wei</>}
          {m.body.note && <> — {m.body.note}</>}{' '}
          <code title={m.body.txHash}>{short(m.body.txHash)}</code>
        </p>
      )}
      <div class="meta">
        <time dateTime={new Date(m.at).toISOString()}>{time}</time>
        {m.mine && <Delivery api={app.api} m={m} />}
      </div>
      {m.state === 'failed' && m.mine && m.body.kind === 'text' && (
        <button type="button" class="link" onClick={() => void app.conversations.send(m.peer, m.body).catch(() => undefined)}>
          Send again
        </button>
      )}
    </li>
  );
}

/** One conversation. */
function Conversation({ app, peer }: { app: AppContext; peer: string }) {
  useStore(app);
  const { group, title: peerName, avatar } = useTitle(app, peer);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [older, setOlder] = useState('');
  const log = useRef<HTMLDivElement>(null);
  const { TipButton, TipStatus } = useTips();
  const messages = app.conversations.messages(peer);
  const hasSafety = !group && features.some((f) => f.name === 'safety'); // safety numbers and tips are per person
  const typers = app.conversations.typers(peer);

  useEffect(() => void app.conversations.open(peer), [peer]);

  // Read receipts while the conversation is on screen.
  useEffect(() => {
    const read = () => document.visibilityState === 'visible' && app.conversations.markRead(peer);
    read();
    document.addEventListener('visibilitychange', read);
    return () => document.removeEventListener('visibilitychange', read);
  }, [peer, messages.length]);

  // Keep the newest message in view.
  useLayoutEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, peer]);

  const send = (e?: Event) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText('');
    setError(undefined);
    app.conversations.send(peer, { kind: 'text', text: body }).catch((err: unknown) => setError(`Not sent: ${err instanceof Error ? err.message : String(err)}`));
  };

  return (
    <section class="conversation" aria-label={`Chat with ${peerName}`}>
      <header class="conv-head">
        <a href="/chat" class="back" aria-label="Back to chats">
          ‹
        </a>
        {avatar}
        <h2>{peerName}</h2>
        <div class="conv-actions">
          {hasSafety && <a href={`/safety/${peer}`}>Safety number</a>}
          {TipButton && !group && <TipButton app={app} peer={peer} lastCid={[...messages].reverse().find((m) => m.state !== 'sending' && m.state !== 'failed')?.key} />}
        </div>
      </header>
      <div class="log" role="log" aria-label="Conversation history" ref={log}>
        <ol>
        <li class="older">
          <button
            type="button"
            class="link"
            onClick={() =>
              void app.conversations.loadOlder(peer).then(
                (n) => setOlder(n ? `Loaded ${n} older message${n === 1 ? '' : 's'}.` : 'No older messages to load.'),
                () => setOlder('Older messages could not be loaded.'),
              )
            }
          >
            Load older messages
          </button>
          <span role="status">{older}</span>
        </li>
        {messages.length === 0 && (
          <li class="empty">No messages yet. Say hello — only {group ? `the members of ${peerName}` : `you and ${peerName}`} can read this chat.</li>
        )}
        {messages.map((m) => (
          <Bubble app={app} m={m} peerName={peerName} group={!!group} TipStatus={TipStatus} key={m.key} />
        ))}
        </ol>
      </div>
      <p class="typing" aria-live="polite">
        {group
          ? typers.map((a, i) => (
              <span key={a}>
                {i > 0 && ' '}
                <Name api={app.api} address={a} /> is typing…
              </span>
            ))
          : typers.length > 0 && `${peerName} is typing…`}
      </p>
      <ErrorText error={error} />
      <form class="composer" onSubmit={send}>
        <label class="sr-only" for="composer-input">
          Message
        </label>
        <textarea
          id="composer-input"
          rows={1}
          value={text}
          placeholder={`Message ${peerName}`}
          onInput={(e) => {
            setText(e.currentTarget.value);
            app.conversations.typing(peer);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
          }}
        />
        <button type="submit" disabled={!text.trim()}>
          Send message
        </button>
      </form>
    </section>
  );
}

function ConvItem({ app, peer, active }: { app: AppContext; peer: string; active: boolean }) {
  const { title: name, avatar } = useTitle(app, peer);
  const last = app.conversations.messages(peer).at(-1) ?? app.conversations.list().find((c) => c.peer === peer)?.last;
  const unread = app.conversations.list().find((c) => c.peer === peer)?.unread ?? 0;
  const preview = last ? (last.body.kind === 'text' ? last.body.text : 'Tip') : '';
  return (
    <li>
      <a href={`/chat/${peer}`} aria-current={active ? 'page' : undefined} aria-label={`Chat with ${name}`} class="conv-item">
        {avatar}
        <span class="grow">
          <span class="conv-name">{name}</span>
          <span class="conv-preview">{app.conversations.isTyping(peer) ? 'typing…' : preview}</span>
        </span>
        {unread > 0 && (
          <span class="badge" aria-label={`${unread} unread`}>
            {unread}
          </span>
        )}
      </a>
    </li>
  );
}

/** The chats screen: the list, and the conversation with peer when one is open. */
export function Chat({ app, peer }: { app: AppContext; peer?: string }) {
  useStore(app);
  const contacts = useContacts(app);
  const active = peer?.toLowerCase();
  const peers = [...new Set([...app.conversations.list().map((c) => c.peer), ...contacts.filter((c) => c.consent === 'allowed').map((c) => c.address.toLowerCase())])];
  return (
    <div class={`chats ${active ? 'has-active' : ''}`}>
      <aside class="conv-list">
        <h2>Chats</h2>
        {peers.length === 0 && (
          <p class="muted">
            No chats yet. Accept a <a href="/requests">request</a> or find <a href="/people">people</a>.
          </p>
        )}
        <ul aria-label="Conversations">
          {peers.map((p) => (
            <ConvItem app={app} peer={p} active={p === active} key={p} />
          ))}
        </ul>
      </aside>
      {active ? (
        isConversationKey(active) ? (
          <Conversation app={app} peer={active} key={active} />
        ) : (
          <p role="alert">That is not an account address or a group.</p>
        )
      ) : (
        <section class="conversation empty-state">
          <p>
            Choose a chat, or start one from your <a href="/contacts">contacts</a>.
          </p>
        </section>
      )}
    </div>
  );
}
