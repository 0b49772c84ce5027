package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/labstack/echo/v4"

	"github.com/parleychat/parley/api/gen"
	"github.com/parleychat/parley/internal/store/appdb"
)

// Problems of groups.
var (
	ErrGroupFull = &Problem{Status: http.StatusConflict, Code: "group_full", Detail: "the group has reached its member limit"}
	ErrNotAdmin  = &Problem{Status: http.StatusForbidden, Code: "not_group_admin", Detail: "only the group's owner or admins may do this"}
)

// memberRole is the caller's role in a group; a non-member gets not found (the group stays hidden).
func memberRole(ctx context.Context, q *appdb.Queries, group uuid.UUID, who string) (gen.Role, error) {
	role, err := q.MemberRole(ctx, appdb.MemberRoleParams{GroupID: pgUUID(group), Account: who})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound.with("no such group", err)
	}
	return gen.Role(role), wrap("member role", err)
}

// lockGroup locks a group's row for the rest of the transaction: every change to a group or its
// members holds it, so checks made after it see the outcome of earlier changes. A missing group
// is not found.
func lockGroup(ctx context.Context, q *appdb.Queries, group uuid.UUID) (appdb.LockGroupRow, error) {
	g, err := q.LockGroup(ctx, pgUUID(group))
	if errors.Is(err, pgx.ErrNoRows) {
		return g, ErrNotFound.with("no such group", err)
	}
	return g, wrap("lock group", err)
}

// lockedRole locks the group, then answers who's role in it (see memberRole).
func lockedRole(ctx context.Context, q *appdb.Queries, group uuid.UUID, who string) (appdb.LockGroupRow, gen.Role, error) {
	g, err := lockGroup(ctx, q, group)
	if err != nil {
		return g, "", err
	}
	role, err := memberRole(ctx, q, group, who)
	return g, role, err
}

func isAdmin(r gen.Role) bool { return r == gen.RoleOwner || r == gen.RoleAdmin }

// mayJoin checks that who exists and accepts by: neither blocked the other and who did not
// deny by consent (as for chat requests); it reports whether who is a stranger to by (consent
// not allowed), whose add counts against by's quota.
func mayJoin(ctx context.Context, q *appdb.Queries, by, who string) (stranger bool, err error) {
	if _, err := resolve(ctx, q, who); err != nil {
		return false, err
	}
	return accepts(ctx, q, who, by)
}

// addMembers adds accounts to g, a group locked by lockGroup, within its size limit, settles
// their pending join requests as approved by by, and bumps the epoch.
func (s *Server) addMembers(ctx context.Context, q *appdb.Queries, g appdb.LockGroupRow, accounts []string, role gen.Role, by, reason string, now time.Time) error {
	group := g.ID.Bytes
	if int(g.MemberCount)+len(accounts) > int(g.MaxMembers) {
		return ErrGroupFull.with(fmt.Sprintf("the group allows %d members", g.MaxMembers), nil)
	}
	n, err := q.InsertGroupMembers(ctx, appdb.InsertGroupMembersParams{GroupID: pgUUID(group), Accounts: accounts, Role: string(role), Now: ts(now)})
	if err != nil {
		return fmt.Errorf("insert members: %w", err)
	}
	if int(n) != len(accounts) {
		return ErrConflict.with("already a member", nil)
	}
	err = q.SettleJoinRequests(ctx, appdb.SettleJoinRequestsParams{GroupID: pgUUID(group), Accounts: accounts, Now: ts(now), DecidedBy: ptrText(by)})
	if err != nil {
		return fmt.Errorf("settle join requests: %w", err)
	}
	_, err = q.BumpEpoch(ctx, appdb.BumpEpochParams{GroupID: pgUUID(group), Reason: reason, Now: ts(now)})
	return wrap("bump epoch", err)
}

// groupOf loads a group with its members.
func (s *Server) groupOf(ctx context.Context, q *appdb.Queries, group uuid.UUID) (gen.Group, error) {
	g, err := q.GetGroup(ctx, pgUUID(group))
	if err != nil {
		return gen.Group{}, fmt.Errorf("get group: %w", err)
	}
	rows, err := q.ListGroupMembers(ctx, pgUUID(group))
	if err != nil {
		return gen.Group{}, fmt.Errorf("list members: %w", err)
	}
	out := gen.Group{Id: g.ID.Bytes, Name: g.Name, Epoch: g.Epoch, MaxMembers: int(g.MaxMembers), Members: make([]gen.Member, 0, len(rows))}
	for _, r := range rows {
		out.Members = append(out.Members, gen.Member{Address: r.Account, Role: gen.Role(r.Role), JoinedAt: r.JoinedAt.Time})
	}
	return out, nil
}

// CreateGroup creates a group owned by the caller with the given members; those who have not
// allowed the caller count against the caller's chat-request quota.
func (s *Server) CreateGroup(c echo.Context) error {
	var in gen.GroupInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := oneLineName("name", in.Name); err != nil {
		return err
	}
	ctx, me, now := c.Request().Context(), account(c), s.now()
	members := make([]string, 0, len(in.Members))
	for _, m := range in.Members {
		if m = strings.ToLower(m); m != me && !slices.Contains(members, m) {
			members = append(members, m)
		}
	}
	if len(members)+1 > s.cfg.MaxGroupSize {
		return ErrGroupFull.with(fmt.Sprintf("a group has at most %d members", s.cfg.MaxGroupSize), nil)
	}
	id := uuid.New()
	var out gen.Group
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		var strangers []string
		for _, m := range members {
			stranger, err := mayJoin(ctx, q, me, m)
			if err != nil {
				return err
			}
			if stranger {
				strangers = append(strangers, m)
			}
		}
		if err := s.countStrangerAdds(ctx, q, me, strangers, now); err != nil {
			return err
		}
		if err := q.InsertGroup(ctx, appdb.InsertGroupParams{ID: pgUUID(id), Name: in.Name, MaxMembers: int32(s.cfg.MaxGroupSize), CreatedAt: ts(now)}); err != nil {
			return fmt.Errorf("insert group: %w", err)
		}
		for role, accounts := range map[gen.Role][]string{gen.RoleOwner: {me}, gen.RoleMember: members} {
			if _, err := q.InsertGroupMembers(ctx, appdb.InsertGroupMembersParams{GroupID: pgUUID(id), Accounts: accounts, Role: string(role), Now: ts(now)}); err != nil {
				return fmt.Errorf("insert %s: %w", role, err)
			}
		}
		for _, m := range members {
			if err := notify(ctx, q, m, "group_added", map[string]any{"groupId": id, "by": me}, now); err != nil {
				return err
			}
		}
		var err error
		out, err = s.groupOf(ctx, q, id)
		return err
	})
	return jsonOr(c, http.StatusCreated, out, err)
}

// ListGroups answers the caller's groups.
func (s *Server) ListGroups(c echo.Context) error {
	rows, err := s.q.ListMyGroups(c.Request().Context(), account(c))
	if err != nil {
		return fmt.Errorf("list groups: %w", err)
	}
	out := make([]gen.GroupSummary, 0, len(rows))
	for _, r := range rows {
		out = append(out, gen.GroupSummary{Id: r.ID.Bytes, Name: r.Name, Epoch: r.Epoch, Role: gen.Role(r.Role), MemberCount: int(r.MemberCount)})
	}
	return c.JSON(http.StatusOK, struct {
		Groups []gen.GroupSummary `json:"groups"`
	}{out})
}

// GetGroup answers a group the caller belongs to.
func (s *Server) GetGroup(c echo.Context, group uuid.UUID) error {
	ctx := c.Request().Context()
	if _, err := memberRole(ctx, s.q, group, account(c)); err != nil {
		return err
	}
	out, err := s.groupOf(ctx, s.q, group)
	return jsonOr(c, http.StatusOK, out, err)
}

// AddGroupMember lets an admin or the owner add someone; someone who has not allowed the caller
// counts against the caller's chat-request quota.
func (s *Server) AddGroupMember(c echo.Context, group uuid.UUID) error {
	var in gen.MemberInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, me, now := c.Request().Context(), account(c), s.now()
	who := strings.ToLower(in.Address)
	role := gen.RoleMember
	if in.Role != nil && *in.Role == gen.MemberInputRoleAdmin {
		role = gen.RoleAdmin
	}
	var out gen.Group
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		g, mine, err := lockedRole(ctx, q, group, me)
		if err != nil {
			return err
		}
		switch {
		case !isAdmin(mine):
			return ErrNotAdmin
		case role == gen.RoleAdmin && mine != gen.RoleOwner:
			return ErrNotAdmin.with("only the owner may make admins", nil)
		}
		stranger, err := mayJoin(ctx, q, me, who)
		if err != nil {
			return err
		}
		if stranger {
			if err := s.countStrangerAdds(ctx, q, me, []string{who}, now); err != nil {
				return err
			}
		}
		if err := s.addMembers(ctx, q, g, []string{who}, role, me, "member_added", now); err != nil {
			return err
		}
		if err := notify(ctx, q, who, "group_added", map[string]any{"groupId": group, "by": me}, now); err != nil {
			return err
		}
		out, err = s.groupOf(ctx, q, group)
		return err
	})
	return jsonOr(c, http.StatusOK, out, err)
}

// RemoveGroupMember removes someone or, for the caller's own address, leaves. The owner may
// remove anyone, admins plain members; the owner leaves only as the last member (which
// deletes the group).
func (s *Server) RemoveGroupMember(c echo.Context, group uuid.UUID, address gen.PeerAddress) error {
	ctx, me, now := c.Request().Context(), account(c), s.now()
	who := strings.ToLower(address)
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		g, mine, err := lockedRole(ctx, q, group, me)
		if err != nil {
			return err
		}
		theirs, err := memberRole(ctx, q, group, who)
		if err != nil {
			return ErrNotFound.with("not a member", err)
		}
		reason := "member_removed"
		switch {
		case who == me && mine == gen.RoleOwner && g.MemberCount > 1:
			return ErrConflict.with("hand over ownership before leaving", nil)
		case who == me && mine == gen.RoleOwner:
			return wrap("delete group", q.DeleteGroup(ctx, pgUUID(group)))
		case who == me:
			reason = "member_left"
		case theirs == gen.RoleOwner || (mine == gen.RoleAdmin && theirs == gen.RoleAdmin) || !isAdmin(mine):
			return ErrNotAdmin.with("you may not remove this member", nil)
		}
		if _, err := q.DeleteGroupMember(ctx, appdb.DeleteGroupMemberParams{GroupID: pgUUID(group), Account: who}); err != nil {
			return fmt.Errorf("delete member: %w", err)
		}
		if _, err := q.BumpEpoch(ctx, appdb.BumpEpochParams{GroupID: pgUUID(group), Reason: reason, Now: ts(now)}); err != nil {
			return fmt.Errorf("bump epoch: %w", err)
		}
		return notify(ctx, q, who, "group_removed", map[string]any{"groupId": group, "reason": reason}, now)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// SetGroupMemberRole lets the owner change a member's role or hand over ownership.
func (s *Server) SetGroupMemberRole(c echo.Context, group uuid.UUID, address gen.PeerAddress) error {
	var in struct {
		Role gen.Role `json:"role"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx, me := c.Request().Context(), account(c)
	who := strings.ToLower(address)
	var out gen.Group
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		// Under the group's lock, so that concurrent handovers see each other's outcome.
		_, mine, err := lockedRole(ctx, q, group, me)
		switch {
		case err != nil:
			return err
		case mine != gen.RoleOwner:
			return ErrNotAdmin.with("only the owner may change roles", nil)
		case who == me:
			return ErrInvalidRequest.with("hand over ownership to another member instead", nil)
		}
		if in.Role == gen.RoleOwner {
			if _, err := q.SetMemberRole(ctx, appdb.SetMemberRoleParams{GroupID: pgUUID(group), Account: me, Role: string(gen.RoleAdmin)}); err != nil {
				return fmt.Errorf("demote owner: %w", err)
			}
		}
		n, err := q.SetMemberRole(ctx, appdb.SetMemberRoleParams{GroupID: pgUUID(group), Account: who, Role: string(in.Role)})
		switch {
		case err != nil:
			return fmt.Errorf("set role: %w", err)
		case n == 0:
			return ErrNotFound.with("not a member", nil)
		}
		out, err = s.groupOf(ctx, q, group)
		return err
	})
	return jsonOr(c, http.StatusOK, out, err)
}

func joinRequestOf(r appdb.InsertJoinRequestRow) gen.JoinRequest {
	return gen.JoinRequest{Id: r.ID.Bytes, GroupId: r.GroupID.Bytes, Address: r.Account, Status: gen.JoinRequestStatus(r.Status), CreatedAt: r.CreatedAt.Time}
}

// ListJoinRequests answers a group's pending join requests to its members.
func (s *Server) ListJoinRequests(c echo.Context, group uuid.UUID) error {
	ctx := c.Request().Context()
	if _, err := memberRole(ctx, s.q, group, account(c)); err != nil {
		return err
	}
	rows, err := s.q.ListPendingJoinRequests(ctx, pgUUID(group))
	if err != nil {
		return fmt.Errorf("list join requests: %w", err)
	}
	out := make([]gen.JoinRequest, 0, len(rows))
	for _, r := range rows {
		out = append(out, joinRequestOf(appdb.InsertJoinRequestRow(r)))
	}
	return c.JSON(http.StatusOK, struct {
		Requests []gen.JoinRequest `json:"requests"`
	}{out})
}

// DecideJoinRequest lets any member approve (adding the requester and bumping the epoch) or
// decline a pending join request.
func (s *Server) DecideJoinRequest(c echo.Context, group uuid.UUID, id uuid.UUID, decision string) error {
	ctx, me, now := c.Request().Context(), account(c), s.now()
	status := map[string]string{"approve": "approved", "decline": "declined"}[decision]
	var out gen.JoinRequest
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		g, _, err := lockedRole(ctx, q, group, me)
		if err != nil {
			return err
		}
		r, err := q.DecideJoinRequest(ctx, appdb.DecideJoinRequestParams{ID: pgUUID(id), GroupID: pgUUID(group), Status: status, Now: ts(now), DecidedBy: ptrText(me)})
		if errors.Is(err, pgx.ErrNoRows) {
			if exists, _ := q.JoinRequestExists(ctx, appdb.JoinRequestExistsParams{ID: pgUUID(id), GroupID: pgUUID(group)}); exists {
				return ErrConflict.with("this join request was already decided", nil)
			}
			return ErrNotFound.with("no such join request", err)
		}
		if err != nil {
			return fmt.Errorf("decide join request: %w", err)
		}
		out = joinRequestOf(appdb.InsertJoinRequestRow(r))
		if status == "approved" {
			if err := s.addMembers(ctx, q, g, []string{r.Account}, gen.RoleMember, me, "member_joined", now); err != nil {
				return err
			}
		}
		return notify(ctx, q, r.Account, "join_request_"+status, out, now)
	})
	return jsonOr(c, http.StatusOK, out, err)
}

// CreateInvite makes an invite link token: to chat with the caller, or (group admins) to ask
// to join a group.
func (s *Server) CreateInvite(c echo.Context) error {
	var in gen.InviteInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Email != nil {
		if err := plainAddress(*in.Email); err != nil {
			return err
		}
	}
	ctx, me, now := c.Request().Context(), account(c), s.now()
	var group pgtype.UUID
	if in.GroupId != nil {
		role, err := memberRole(ctx, s.q, *in.GroupId, me)
		if err != nil {
			return err
		}
		if !isAdmin(role) {
			return ErrNotAdmin
		}
		group = pgUUID(*in.GroupId)
	}
	token, hash := newRefreshToken()
	out := gen.Invite{Token: token, GroupId: in.GroupId, MaxUses: cmpInt(in.MaxUses, 1),
		ExpiresAt: now.Add(time.Duration(cmpInt(in.TtlSeconds, 604800)) * time.Second).UTC()}
	// The mail goes first: an invite whose mail failed is never stored.
	if in.Email != nil {
		if err := s.inTx(ctx, func(q *appdb.Queries) error { return s.countMail(ctx, q, me, now) }); err != nil {
			return err
		}
		link := s.cfg.PublicURL + "/invite?token=" + url.QueryEscape(token)
		body := fmt.Sprintf("%s invites you to Parley, an end-to-end encrypted messenger for Ethereum accounts.\r\n\r\n"+
			"Open this link to accept (valid until %s):\r\n%s\r\n", me, out.ExpiresAt.Format("2006-01-02 15:04 MST"), link)
		if err := s.mail.send(ctx, *in.Email, "You are invited to Parley", body, now); err != nil {
			return ErrUnavailable.with("the invitation email could not be sent; try again later", err)
		}
	}
	err := s.q.InsertInvite(ctx, appdb.InsertInviteParams{TokenHash: hash, Creator: me, GroupID: group, MaxUses: int32(out.MaxUses), CreatedAt: ts(now), ExpiresAt: ts(out.ExpiresAt)})
	if err != nil {
		return fmt.Errorf("insert invite: %w", err)
	}
	return c.JSON(http.StatusCreated, out)
}

// RedeemInvite uses one of an invite's uses (refused when the creator blocked or denied the
// caller, or the caller blocked the creator): a chat invite makes caller and creator mutual
// contacts with consent allowed; a group invite, while its creator is still an admin of the
// group, files a join request the members decide.
func (s *Server) RedeemInvite(c echo.Context, token string) error {
	ctx, me, now := c.Request().Context(), account(c), s.now()
	var out gen.Redemption
	err := s.inTx(ctx, func(q *appdb.Queries) error {
		inv, err := q.UseInvite(ctx, appdb.UseInviteParams{TokenHash: hashRefreshToken(token), Now: ts(now)})
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound.with("the invite is unknown, expired or used up", err)
		}
		if err != nil {
			return fmt.Errorf("use invite: %w", err)
		}
		if inv.Creator == me && !inv.GroupID.Valid {
			return ErrInvalidRequest.with("this is your own invite", nil)
		}
		if _, err := accepts(ctx, q, inv.Creator, me); err != nil {
			return err
		}
		if !inv.GroupID.Valid {
			for _, pair := range [][2]string{{me, inv.Creator}, {inv.Creator, me}} {
				if err := q.SetConsent(ctx, appdb.SetConsentParams{Owner: pair[0], Peer: pair[1], Consent: string(gen.Allowed), Now: ts(now)}); err != nil {
					return fmt.Errorf("set consent: %w", err)
				}
			}
			out = gen.Redemption{Kind: gen.RedemptionKindContact, Contact: &inv.Creator}
			return notify(ctx, q, inv.Creator, "invite_redeemed", map[string]any{"by": me}, now)
		}
		// Under the group's lock, so a concurrent add either comes first (and this conflicts)
		// or settles the request filed here.
		if _, err := lockGroup(ctx, q, inv.GroupID.Bytes); err != nil {
			return err
		}
		if _, err := memberRole(ctx, q, inv.GroupID.Bytes, me); err == nil {
			return ErrConflict.with("you are already a member", nil)
		}
		r, err := q.InsertJoinRequest(ctx, appdb.InsertJoinRequestParams{ID: pgUUID(uuid.New()), GroupID: inv.GroupID, Account: me, CreatedAt: ts(now)})
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation {
			return ErrConflict.with("you already asked to join this group", err)
		}
		if err != nil {
			return fmt.Errorf("insert join request: %w", err)
		}
		jr := joinRequestOf(r)
		out = gen.Redemption{Kind: gen.RedemptionKindJoinRequest, JoinRequest: &jr}
		members, err := q.ListGroupAccounts(ctx, inv.GroupID)
		if err != nil {
			return fmt.Errorf("list group accounts: %w", err)
		}
		for _, m := range members {
			if err := notify(ctx, q, m, "group_join_request", jr, now); err != nil {
				return err
			}
		}
		return nil
	})
	return jsonOr(c, http.StatusOK, out, err)
}
