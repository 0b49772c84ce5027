import { useEffect, useRef, useState } from 'preact/hooks';
import { isAddress } from 'viem';
import type { AppContext, FeatureProps } from '../../app/context.js';
import { groupKey } from '../../app/conversations.js';
import '../features.css';
import { groupsApi, inviteLink, inviteToken, type Group, type GroupSummary, type JoinRequest } from './api.js';

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;
const message = (err: unknown) => (err as Error).message;

/** Whether a notification kind concerns groups (added, removed, epoch, join request and its decision). */
const isGroupEvent = (kind: string) => kind.startsWith('group_') || kind.startsWith('join_request_');

/** Calls refresh whenever the relay brings a group notification. */
function useGroupEvents(app: AppContext, refresh: () => void) {
  useEffect(() => app.relay.on('notification', (n) => isGroupEvent(n.kind) && refresh()), [app]);
}

/** Creates a group from a name and a list of addresses. */
function CreateGroup({ app, onCreated }: { app: AppContext; onCreated: (g: Group) => void }) {
  const [name, setName] = useState('');
  const [members, setMembers] = useState('');
  const [error, setError] = useState('');
  async function create(e: Event) {
    e.preventDefault();
    const list = members.split(/[\s,]+/).filter(Boolean);
    const bad = list.find((a) => !isAddress(a));
    if (bad) return setError(`${bad} is not an address.`);
    try {
      onCreated(await groupsApi.create(app.api, name.trim(), list));
      setName('');
      setMembers('');
      setError('');
    } catch (err) {
      setError(`Could not create the group: ${message(err)}`);
    }
  }
  return (
    <form onSubmit={(e) => void create(e)} aria-label="Create a group">
      <input type="text" required maxLength={64} value={name} aria-label="Group name" placeholder="Group name" onInput={(e) => setName(e.currentTarget.value)} />
      <input type="text" value={members} aria-label="Members to add (addresses)" placeholder="0x… addresses, comma separated" onInput={(e) => setMembers(e.currentTarget.value)} />
      <button type="submit">Create group</button>
      {error && <p role="alert" class="error">{error}</p>}
    </form>
  );
}

/** Redeems an invite link or token: files a join request the members approve. */
function JoinWithInvite({ app, initial }: { app: AppContext; initial: string }) {
  const [value, setValue] = useState(initial);
  const [state, setState] = useState<{ text: string; error?: boolean }>();
  async function join(e: Event) {
    e.preventDefault();
    const token = inviteToken(value);
    if (!token) return setState({ text: 'That is not an invite link.', error: true });
    try {
      const r = await groupsApi.redeem(app.api, token);
      setState({ text: r.kind === 'join_request' ? 'Join request sent. A member of the group has to approve it.' : `You and ${r.contact} are now contacts.` });
    } catch (err) {
      setState({ text: `The invite did not work: ${message(err)}`, error: true });
    }
  }
  return (
    <form onSubmit={(e) => void join(e)} aria-label="Join with an invite">
      <input type="text" value={value} aria-label="Invite link" placeholder="Paste an invite link" onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit">Ask to join</button>
      {state && <p role={state.error ? 'alert' : 'status'} class={state.error ? 'error' : ''}>{state.text}</p>}
    </form>
  );
}

/** One group: members (remove), add, invite link, join requests (approve / decline), leave. */
function GroupDetail({ app, id, onLeft }: { app: AppContext; id: string; onLeft: () => void }) {
  const [group, setGroup] = useState<Group>();
  const [requests, setRequests] = useState<JoinRequest[]>([]);
  const [add, setAdd] = useState('');
  const [invite, setInvite] = useState('');
  const [error, setError] = useState('');
  const me = app.account.toLowerCase();

  const refresh = () => {
    Promise.all([groupsApi.get(app.api, id), groupsApi.joinRequests(app.api, id)]).then(
      ([g, rs]) => {
        setGroup(g);
        setRequests(rs.filter((r) => r.status === 'pending'));
      },
      (err) => setError(message(err)),
    );
  };
  useEffect(refresh, [id]);
  // Once I left or was removed the group is no longer mine to read: stop refreshing and go back.
  const gone = useRef(false);
  useEffect(
    () =>
      app.relay.on('notification', (n) => {
        if (gone.current) return;
        if (n.kind === 'group_removed' && (n.data as { groupId?: string } | undefined)?.groupId === id) {
          gone.current = true;
          onLeft();
        } else if (isGroupEvent(n.kind)) refresh();
      }),
    [app, id],
  );

  const act = (what: string, f: () => Promise<unknown>, after = refresh) => async () => {
    setError('');
    try {
      await f();
      after();
    } catch (err) {
      setError(`Could not ${what}: ${message(err)}`);
    }
  };

  if (!group) return <p role="status">{error || 'Loading the group…'}</p>;
  const myRole = group.members.find((m) => m.address.toLowerCase() === me)?.role;
  const canRemove = (role: string) => myRole === 'owner' || (myRole === 'admin' && role === 'member');

  return (
    <article aria-labelledby="group-title">
      <h3 id="group-title">{group.name}</h3>
      <p>
        {group.members.length} of {group.maxMembers} members · epoch {group.epoch}
      </p>
      {myRole && (
        <p>
          <a href={`/chat/${groupKey(group.id)}`}>
            Open chat
          </a>
        </p>
      )}
      <h4>Members</h4>
      <ul class="plain" aria-label="Group members">
        {group.members.map((m) => (
          <li key={m.address} class="row">
            <span class="mono" title={m.address}>{m.address.toLowerCase() === me ? 'You' : short(m.address)}</span>
            <span>{m.role}</span>
            {m.address.toLowerCase() !== me && canRemove(m.role) && (
              <button type="button" aria-label={`Remove ${m.address}`} onClick={act('remove the member', () => groupsApi.remove(app.api, id, m.address))}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {(myRole === 'owner' || myRole === 'admin') && (
        <>
          <form
            aria-label="Add a member"
            onSubmit={(e) => {
              e.preventDefault();
              if (!isAddress(add)) return setError(`${add} is not an address.`);
              void act('add the member', () => groupsApi.add(app.api, id, add).then(() => setAdd('')))();
            }}
          >
            <input type="text" value={add} aria-label="Address to add" placeholder="0x…" onInput={(e) => setAdd(e.currentTarget.value)} />
            <button type="submit">Add member</button>
          </form>
          <div class="row">
            <button type="button" onClick={act('create an invite', async () => setInvite(inviteLink(location.origin, (await groupsApi.invite(app.api, id)).token)), () => undefined)}>
              Create invite link
            </button>
            {invite && <input type="text" readOnly value={invite} aria-label="Group invite link" onFocus={(e) => e.currentTarget.select()} />}
          </div>
        </>
      )}
      <h4>Join requests</h4>
      {requests.length === 0 ? (
        <p>No pending requests.</p>
      ) : (
        <ul class="plain" aria-label="Join requests">
          {requests.map((r) => (
            <li key={r.id} class="row">
              <span class="mono" title={r.address}>{short(r.address)}</span>
              <button type="button" aria-label={`Approve ${r.address}`} onClick={act('approve', () => groupsApi.decide(app.api, id, r.id, 'approve'))}>
                Approve
              </button>
              <button type="button" aria-label={`Decline ${r.address}`} onClick={act('decline', () => groupsApi.decide(app.api, id, r.id, 'decline'))}>
                Decline
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        onClick={act(
          'leave',
          () => {
            gone.current = true;
            return groupsApi.remove(app.api, id, app.account);
          },
          onLeft,
        )}
      >
        Leave group
      </button>
      {error && <p role="alert" class="error">{error}</p>}
    </article>
  );
}

/** /groups[/:groupId] (and /invite?token=…): my groups, creating one, joining with an invite, and the selected group. */
export default function GroupsScreen({ app, base, params }: FeatureProps) {
  const [groups, setGroups] = useState<GroupSummary[]>([]);
  const selected = params.groupId;
  const setSelected = (id: string | undefined) => base.navigate(id ? `/groups/${id}` : '/groups');
  const [error, setError] = useState('');
  const refresh = () => {
    if (app) groupsApi.list(app.api).then(setGroups, (err) => setError(message(err)));
  };
  useEffect(refresh, [app]);
  if (!app) return <p role="alert">Sign in to use groups.</p>;
  return (
    <section class="feature" aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      <GroupEvents app={app} refresh={refresh} />
      <CreateGroup
        app={app}
        onCreated={(g) => {
          refresh();
          setSelected(g.id);
        }}
      />
      <JoinWithInvite app={app} initial={new URLSearchParams(location.search).get('token') ?? ''} />
      {error && <p role="alert" class="error">{error}</p>}
      <ul class="plain" aria-label="My groups">
        {groups.map((g) => (
          <li key={g.id}>
            <button type="button" aria-pressed={selected === g.id} onClick={() => setSelected(g.id)}>
              {g.name} · {g.memberCount} members · {g.role}
            </button>
          </li>
        ))}
      </ul>
      {groups.length === 0 && <p>You are not in any group yet.</p>}
      {selected && (
        <GroupDetail
          key={selected}
          app={app}
          id={selected}
          onLeft={() => {
            setSelected(undefined);
            refresh();
          }}
        />
      )}
    </section>
  );
}

/** Keeps the group list fresh from relay notifications (a component, so the hook runs only when signed in). */
function GroupEvents({ app, refresh }: { app: AppContext; refresh: () => void }) {
  useGroupEvents(app, refresh);
  return null;
}
