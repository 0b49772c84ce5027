// Contacts (GET /v1/contacts): people I may chat with, with a link to each chat.
import { useEffect, useState } from 'preact/hooks';
import type { AppContext } from '../app/context.js';
import { Avatar, nameOf, Screen, useProfile } from './common.js';

/** A contact (api/openapi.yaml Contact). */
export interface Contact {
  address: string;
  nickname: string;
  consent: 'allowed' | 'denied' | 'unknown';
  createdAt: string;
}

/** Returns my contacts, reloaded when a chat request is accepted. */
export function useContacts(app: AppContext): Contact[] {
  const [contacts, setContacts] = useState<Contact[]>([]);
  useEffect(() => {
    const load = () => void app.api.get<{ contacts: Contact[] }>('/v1/contacts').then((r) => setContacts(r.contacts), () => undefined);
    load();
    return app.relay.on('notification', (n) => n.kind.startsWith('chat_request') && load());
  }, [app]);
  return contacts;
}

function ContactItem({ app, c }: { app: AppContext; c: Contact }) {
  const p = useProfile(app.api, c.address);
  const name = c.nickname || nameOf(p, c.address);
  return (
    <li class="contact">
      <Avatar profile={p} address={c.address} />
      <span class="grow">{name}</span>
      {c.consent === 'allowed' && <a href={`/chat/${c.address.toLowerCase()}`}>Chat with {name}</a>}
      {c.consent === 'denied' && <span class="muted">blocked</span>}
    </li>
  );
}

/** The contacts screen. */
export function Contacts({ app }: { app: AppContext }) {
  const contacts = useContacts(app);
  return (
    <Screen title="Contacts">
      {contacts.length === 0 && (
        <p>
          No contacts yet. Find <a href="/people">people</a> with your interests or send a <a href="/requests">chat request</a>.
        </p>
      )}
      <ul class="contacts" aria-label="Contacts">
        {contacts.map((c) => (
          <ContactItem app={app} c={c} key={c.address} />
        ))}
      </ul>
    </Screen>
  );
}
