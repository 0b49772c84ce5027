import type { ApiClient } from '../../app/api.js';

/** A member's role (owner, admin or member). */
export type Role = 'owner' | 'admin' | 'member';

/** A group as GET /v1/groups lists it. */
export interface GroupSummary {
  id: string;
  name: string;
  epoch: number;
  role: Role;
  memberCount: number;
}

/** A member of a group. */
export interface Member {
  address: string;
  role: Role;
  joinedAt: string;
}

/** A group with its members (GET /v1/groups/{id}). */
export interface Group {
  id: string;
  name: string;
  epoch: number;
  maxMembers: number;
  members: Member[];
}

/** A request to join a group. */
export interface JoinRequest {
  id: string;
  groupId: string;
  address: string;
  status: 'pending' | 'approved' | 'declined';
  createdAt: string;
}

/** What redeeming an invite did. */
export interface Redemption {
  kind: 'contact' | 'join_request';
  contact?: string;
  joinRequest?: JoinRequest;
}

const g = (id: string) => `/v1/groups/${encodeURIComponent(id)}`;

/** The group endpoints of api/openapi.yaml over the app's API client. */
export const groupsApi = {
  /** My groups. */
  list: (api: ApiClient) => api.get<{ groups: GroupSummary[] }>('/v1/groups').then((r) => r.groups),
  /** Creates a group with me as owner and members. */
  create: (api: ApiClient, name: string, members: string[]) => api.post<Group>('/v1/groups', { name, members }),
  /** One group with its members. */
  get: (api: ApiClient, id: string) => api.get<Group>(g(id)),
  /** Adds someone (owner and admins). */
  add: (api: ApiClient, id: string, address: string) => api.post<Group>(`${g(id)}/members`, { address }),
  /** Removes someone, or leaves when address is mine. */
  remove: (api: ApiClient, id: string, address: string) => api.delete(`${g(id)}/members/${address.toLowerCase()}`),
  /** Pending join requests. */
  joinRequests: (api: ApiClient, id: string) => api.get<{ requests: JoinRequest[] }>(`${g(id)}/join-requests`).then((r) => r.requests),
  /** Approves or declines a join request. */
  decide: (api: ApiClient, id: string, requestId: string, decision: 'approve' | 'decline') =>
    api.post<JoinRequest>(`${g(id)}/join-requests/${encodeURIComponent(requestId)}/${decision}`),
  /** Creates a one-time invite to ask to join the group; the token is shown only now. */
  invite: (api: ApiClient, id: string) => api.post<{ token: string; expiresAt: string }>('/v1/invites', { groupId: id, maxUses: 1 }),
  /** Redeems an invite token: a group invite files a join request. */
  redeem: (api: ApiClient, token: string) => api.post<Redemption>(`/v1/invites/${encodeURIComponent(token)}/redeem`),
};

/** The invite link the API also mails: {origin}/invite?token=… */
export function inviteLink(origin: string, token: string): string {
  return `${origin.replace(/\/$/, '')}/invite?token=${encodeURIComponent(token)}`;
}

/** Reads an invite token from a pasted link or a bare token; undefined when there is none. */
export function inviteToken(input: string): string | undefined {
  const s = input.trim();
  let t = s;
  try {
    t = new URL(s).searchParams.get('token') ?? '';
  } catch {
    // not a URL: a bare token
  }
  return /^[A-Za-z0-9_-]{43}$/.test(t) ? t : undefined;
}
