// The navigation bar: the screens, the relay connection state and sign-out.
import { useEffect, useState } from 'preact/hooks';
import type { AppContext, RelayState } from '../app/context.js';
import { Avatar, nameOf, useProfile } from './common.js';
import { useRequests } from './Requests.js';
import { usePath } from './router.js';

const stateText: Record<RelayState, string> = { open: 'Connected', connecting: 'Connecting…', offline: 'Offline' };

/** Returns the relay's connection state, re-rendering on changes. */
export function useRelayState(app: AppContext): RelayState {
  const [s, setS] = useState(app.relay.state);
  useEffect(() => {
    setS(app.relay.state);
    return app.relay.on('state', setS);
  }, [app.relay]);
  return s;
}

/** The side (desktop) or top (phone) navigation. */
export function Nav({ app, links }: { app: AppContext; links: { label: string; href: string }[] }) {
  const path = usePath();
  const state = useRelayState(app);
  const me = useProfile(app.api, app.account);
  const pending = useRequests(app).incoming.filter((r) => r.status === 'pending').length;
  const [dropped, setDropped] = useState(0);
  useEffect(() => app.relay.on('hello', (h) => h.dropped > 0 && setDropped((d) => d + h.dropped)), [app.relay]);
  const items = [
    { label: 'Chats', href: '/chat' },
    { label: 'People', href: '/people' },
    { label: 'Requests', href: '/requests' },
    { label: 'Contacts', href: '/contacts' },
    ...links.filter((l, i) => links.findIndex((x) => x.href === l.href) === i),
    { label: 'Profile', href: '/profile' },
  ];
  return (
    <nav class="nav" aria-label="Main">
      <div class="me">
        <Avatar profile={me} address={app.account} size={32} />
        <span class="me-name">{nameOf(me, app.account)}</span>
      </div>
      <ul>
        {items.map((i) => (
          <li key={i.href}>
            <a href={i.href} aria-current={path === i.href || path.startsWith(`${i.href}/`) ? 'page' : undefined}>
              {i.label}
              {i.href === '/requests' && pending > 0 && (
                <span class="badge" aria-label={`${pending} pending`}>
                  {pending}
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
      {dropped > 0 && (
        <p class="muted" role="note">
          {dropped} message{dropped === 1 ? '' : 's'} expired on the server before this device fetched them.
        </p>
      )}
      <p class={`conn conn-${state}`} role="status" aria-label="Connection">
        {stateText[state]}
      </p>
      <button type="button" class="link" onClick={() => void app.signOut()}>
        Sign out
      </button>
    </nav>
  );
}
