// Search people by shared interests (GET /v1/search/people) and ask them to chat.
import { useEffect, useState } from 'preact/hooks';
import type { AppContext } from '../app/context.js';
import { Avatar, ErrorText, nameOf, Screen, useAction, type Profile } from './common.js';
import { useContacts } from './Contacts.js';

interface Hit {
  profile: Profile;
  overlap: number;
  sharedTags: string[];
}

/** One person's card: avatar, name, bio, shared interests, and a chat request button (a link to the chat for a contact). */
export function ProfileCard({ app, profile, shared, contact }: { app: AppContext; profile: Profile; shared?: string[]; contact: boolean }) {
  const name = nameOf(profile, profile.address);
  const act = useAction();
  const [sent, setSent] = useState(false);
  return (
    <article class="card" aria-label={name}>
      <Avatar profile={profile} address={profile.address} size={48} />
      <div class="card-body">
        <h3>{name}</h3>
        {profile.username && <p class="muted">@{profile.username}</p>}
        {profile.ensName && <p class="muted">{profile.ensName}</p>}
        {profile.bio && <p>{profile.bio}</p>}
        {shared && shared.length > 0 && <p class="tags" aria-label="Shared interests">{shared.join(' · ')}</p>}
        <ErrorText error={act.error} />
        {contact ? (
          <a href={`/chat/${profile.address.toLowerCase()}`}>Chat with {name}</a>
        ) : (
          <button
            type="button"
            disabled={act.busy || sent}
            onClick={() =>
              void act.run(async () => {
                await app.api.post('/v1/chat-requests', { to: profile.address.toLowerCase(), note: '' });
                setSent(true);
              })
            }
          >
            {sent ? `Request sent to ${name}` : `Request chat with ${name}`}
          </button>
        )}
      </div>
    </article>
  );
}

/** The search screen. */
export function People({ app }: { app: AppContext }) {
  const [tags, setTags] = useState('');
  const [hits, setHits] = useState<Hit[] | undefined>(undefined);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const act = useAction();
  const contacts = new Set(useContacts(app).filter((c) => c.consent === 'allowed').map((c) => c.address.toLowerCase()));

  const search = (more: boolean) =>
    act.run(async () => {
      const q = new URLSearchParams({ limit: '20' });
      const list = tags
        .split(/[,\s]+/)
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean);
      if (list.length) q.set('tags', list.join(','));
      if (more && cursor) q.set('cursor', cursor);
      const page = await app.api.get<{ results: Hit[]; nextCursor?: string }>(`/v1/search/people?${q}`);
      setHits((old) => (more ? [...(old ?? []), ...page.results] : page.results));
      setCursor(page.nextCursor);
    });

  useEffect(() => void search(false), []);

  return (
    <Screen title="People">
      <form
        class="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(false);
        }}
      >
        <label class="grow">
          Interests to search
          <input value={tags} onInput={(e) => setTags(e.currentTarget.value)} placeholder="empty: your interests; or e.g. music, hiking" />
        </label>
        <button type="submit" disabled={act.busy}>
          Search
        </button>
      </form>
      <ErrorText error={act.error} />
      {hits && hits.length === 0 && <p>No one found yet. Add interests to your profile, or try other tags.</p>}
      <div class="cards" role="list" aria-label="Search results">
        {hits?.map((h) => (
          <div role="listitem" key={h.profile.address}>
            <ProfileCard app={app} profile={h.profile} shared={h.sharedTags} contact={contacts.has(h.profile.address.toLowerCase())} />
          </div>
        ))}
      </div>
      {cursor && (
        <button type="button" onClick={() => void search(true)} disabled={act.busy}>
          More results
        </button>
      )}
    </Screen>
  );
}
