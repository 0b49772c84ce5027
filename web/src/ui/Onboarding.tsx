// Onboarding and profile editing: username, display name, bio, avatar, interests from the
// taxonomy plus free tags (PUT /v1/me/profile, /v1/me/avatar, /v1/me/interests).
import { useEffect, useState } from 'preact/hooks';
import type { AppContext } from '../app/context.js';
import { Avatar, ErrorText, forgetProfile, Screen, useAction, type Profile } from './common.js';
import { navigate } from './router.js';

interface Interest {
  id: string;
  label: string;
  category: string;
}

const tagPattern = /^[a-z0-9][a-z0-9-]{1,31}$/;
const maxTags = 20;

/** The profile form; welcome says it is the first visit (then it continues to People). */
export function Onboarding({ app, welcome }: { app: AppContext; welcome: boolean }) {
  const [profile, setProfile] = useState<Profile | undefined>(undefined);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [bio, setBio] = useState('');
  const [discoverable, setDiscoverable] = useState(true);
  const [taxonomy, setTaxonomy] = useState<Interest[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [newTag, setNewTag] = useState('');
  const [saved, setSaved] = useState('');
  const save = useAction();
  const upload = useAction();

  useEffect(() => {
    void app.api.get<{ interests: Interest[] }>('/v1/interests').then((r) => setTaxonomy(r.interests), () => undefined);
    void app.api.get<{ tags: string[] }>('/v1/me/interests').then((r) => setTags(r.tags), () => undefined);
    void app.api.get<Profile>('/v1/me/profile').then(
      (p) => {
        setProfile(p);
        setUsername(p.username ?? '');
        setDisplayName(p.displayName);
        setBio(p.bio);
        setDiscoverable(p.displayName ? p.discoverable : true);
      },
      () => undefined,
    );
  }, [app.api]);

  const toggle = (id: string) => setTags((t) => (t.includes(id) ? t.filter((x) => x !== id) : t.length < maxTags ? [...t, id] : t));

  const addTag = () => {
    const t = newTag.trim().toLowerCase().replace(/\s+/g, '-');
    if (!tagPattern.test(t)) {
      save.setError('A tag is 2–32 lowercase letters, digits or dashes.');
      return;
    }
    if (!tags.includes(t) && tags.length < maxTags) setTags([...tags, t]);
    setNewTag('');
  };

  const submit = (ev: Event) => {
    ev.preventDefault();
    void save.run(async () => {
      const body: Record<string, unknown> = { displayName: displayName.trim(), bio: bio.trim(), discoverable };
      if (username.trim()) body.username = username.trim().toLowerCase();
      const p = await app.api.put<Profile>('/v1/me/profile', body);
      await app.api.put('/v1/me/interests', { tags });
      forgetProfile(app.account);
      setProfile(p);
      setSaved('Profile saved.');
      if (welcome) navigate('/people');
    });
  };

  const onAvatar = (ev: Event) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (!file) return;
    void upload.run(async () => {
      if (file.type !== 'image/png' && file.type !== 'image/jpeg') throw new Error('the avatar must be a PNG or JPEG image');
      const p = await app.api.request<Profile>('PUT', '/v1/me/avatar', { raw: file, contentType: file.type });
      forgetProfile(app.account);
      setProfile((old) => ({ ...(old ?? p), avatarCid: p.avatarCid }));
    });
  };

  const categories = [...new Set(taxonomy.map((i) => i.category))];
  const free = tags.filter((t) => !taxonomy.some((i) => i.id === t));
  return (
    <Screen title={welcome ? 'Welcome to Parley' : 'Your profile'}>
      {welcome && <p>Tell people who you are and what you like; people with shared interests can find you.</p>}
      <form class="form" onSubmit={submit}>
        <div class="avatar-row">
          <Avatar profile={profile} address={app.account} size={64} />
          <label>
            Avatar
            <input type="file" accept="image/png,image/jpeg" onChange={onAvatar} disabled={upload.busy} />
          </label>
        </div>
        <ErrorText error={upload.error} />
        <label>
          Username
          <input value={username} onInput={(e) => setUsername(e.currentTarget.value)} pattern="[a-z][a-z0-9_]{2,29}" placeholder="alice" autocomplete="username" />
        </label>
        <label>
          Display name
          <input value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} maxLength={64} required />
        </label>
        <label>
          Bio
          <textarea value={bio} onInput={(e) => setBio(e.currentTarget.value)} maxLength={500} rows={3} />
        </label>
        <label class="check">
          <input type="checkbox" checked={discoverable} onChange={(e) => setDiscoverable(e.currentTarget.checked)} />
          Let people find me by my interests
        </label>
        <fieldset>
          <legend>Interests</legend>
          {categories.map((c) => (
            <div class="chips" role="group" aria-label={c} key={c}>
              {taxonomy
                .filter((i) => i.category === c)
                .map((i) => (
                  <label class="chip" key={i.id}>
                    <input type="checkbox" checked={tags.includes(i.id)} onChange={() => toggle(i.id)} />
                    {i.label}
                  </label>
                ))}
            </div>
          ))}
          <div class="chips" role="group" aria-label="Your own tags">
            {free.map((t) => (
              <label class="chip" key={t}>
                <input type="checkbox" checked onChange={() => toggle(t)} />
                {t}
              </label>
            ))}
          </div>
          <div class="row">
            <label class="grow">
              Add a tag
              <input
                value={newTag}
                onInput={(e) => setNewTag(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    addTag();
                  }
                }}
                placeholder="e.g. zk-proofs"
              />
            </label>
            <button type="button" onClick={addTag}>
              Add tag
            </button>
          </div>
        </fieldset>
        <ErrorText error={save.error} />
        <button type="submit" disabled={save.busy}>
          Save profile
        </button>
        <p role="status">{saved}</p>
      </form>
    </Screen>
  );
}
