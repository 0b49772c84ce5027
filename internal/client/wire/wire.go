// Package wire defines the JSON frames spoken over the relay's WebSocket (GET /v1/ws) and the
// deterministic ids of direct conversations. The relay (api/relay) and the Go client
// (internal/client) both import it, so the two sides cannot drift apart.
package wire

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"

	"github.com/parleychat/parley/internal/protocol"
)

// Frame types. A device sends send, frame, ack and ping; the relay sends hello, sent,
// envelope, frame, notification, chain, pong and error.
const (
	// TypeHello is the relay's first frame: the device's delivery limits and drop count.
	TypeHello = "hello"
	// TypeSend carries a message envelope to store and deliver.
	TypeSend = "send"
	// TypeSent acknowledges a send: the envelope is durable; CID names it.
	TypeSent = "sent"
	// TypeEnvelope pushes one pending envelope with its per-device sequence number.
	TypeEnvelope = "envelope"
	// TypeAck acknowledges pushed envelopes by sequence number; the relay then deletes them.
	TypeAck = "ack"
	// TypeFrame carries an ephemeral frame (typing, read receipt): relayed, never stored.
	TypeFrame = "frame"
	// TypeNotification carries an account event stored by the API (chat request, group change,
	// join approval, device change, tip); the backlog before the socket opened is read over HTTP.
	TypeNotification = "notification"
	// TypeChain carries an indexed chain event of the account (a tip received, a device added,
	// revoked or rotated) with whether its block is final.
	TypeChain = "chain"
	// TypeError reports a rejected frame; the connection stays usable unless the relay closes it.
	TypeError = "error"
	// TypePing is a device's heartbeat probe, for clients that cannot send WebSocket pings
	// (browsers); the relay answers with TypePong and the same ID.
	TypePing = "ping"
	// TypePong answers TypePing.
	TypePong = "pong"
)

// Error codes of TypeError frames.
const (
	// CodeMalformed is a frame or envelope that does not parse or validate.
	CodeMalformed = "malformed"
	// CodeOversize is an envelope beyond the protocol's size limit.
	CodeOversize = "oversize"
	// CodeRateLimited is a device sending more frames per second than allowed.
	CodeRateLimited = "rate_limited"
	// CodeForbidden is an envelope whose sender is not the connected device.
	CodeForbidden = "forbidden"
	// CodeNotMember is a conversation the sender may not post to (unknown or blocked).
	CodeNotMember = "not_member"
	// CodeUnknownDevice is a sender device that is not registered.
	CodeUnknownDevice = "unknown_device"
	// CodeRevokedDevice is a sender device that is revoked.
	CodeRevokedDevice = "revoked_device"
	// CodeBadSignature is an envelope whose device signature does not verify.
	CodeBadSignature = "bad_signature"
	// CodeDevicesMismatch is a recipient list that differs from the members' registered,
	// unrevoked devices; Missing and Stale say how.
	CodeDevicesMismatch = "devices_mismatch"
	// CodeStaleEpoch is a group envelope whose sender chain belongs to an earlier membership
	// epoch: the members changed, so the sender must re-read them and start a new chain.
	CodeStaleEpoch = "stale_epoch"
	// CodeDuplicate is an envelope accepted before (a replay or a resend); CID names it.
	CodeDuplicate = "duplicate"
	// CodeInternal is a server-side failure; the device may retry.
	CodeInternal = "internal"
)

// DeviceRef names one device of one account.
type DeviceRef struct {
	// Account is the device's account address.
	Account common.Address `json:"account"`
	// Device is the registry's device id.
	Device uint32 `json:"device"`
}

// Compare orders device references by account, then device id.
func (d DeviceRef) Compare(o DeviceRef) int {
	if c := bytes.Compare(d.Account[:], o.Account[:]); c != 0 {
		return c
	}
	return int(d.Device) - int(o.Device)
}

// String formats the reference as account:device.
func (d DeviceRef) String() string { return fmt.Sprintf("%s:%d", d.Account.Hex(), d.Device) }

// Hello is the content of a TypeHello frame.
type Hello struct {
	// Device is the connected device.
	Device DeviceRef `json:"device"`
	// TTLSeconds is how long an unacknowledged envelope is kept for the device.
	TTLSeconds int64 `json:"ttl_seconds"`
	// MaxPending is how many unacknowledged envelopes are kept for the device; older ones drop.
	MaxPending int64 `json:"max_pending"`
	// Dropped counts envelopes dropped by TTL or cap since the device last connected.
	Dropped int64 `json:"dropped"`
	// MaxFrameSize is the largest frame the relay reads, in bytes.
	MaxFrameSize int64 `json:"max_frame_size"`
}

// Notification is an account event from the API's notifications table.
type Notification struct {
	// ID increases per notification; the API's GET notifications pages by it.
	ID int64 `json:"id"`
	// Kind names the event, e.g. chat_request.
	Kind string `json:"kind"`
	// Data is the event's JSON document.
	Data json.RawMessage `json:"data"`
	// CreatedAt is when the event happened.
	CreatedAt time.Time `json:"created_at"`
}

// ChainEvent is the indexer's change notification as the relay forwards it.
type ChainEvent struct {
	// Kind is tip, device_added, device_revoked or key_rotated.
	Kind string `json:"kind"`
	// ChainID is the chain the event happened on.
	ChainID uint64 `json:"chain_id"`
	// Block is the event's block.
	Block uint64 `json:"block"`
	// TxHash and LogIndex identify the event.
	TxHash   string `json:"tx_hash,omitempty"`
	LogIndex uint   `json:"log_index,omitempty"`
	// Account is the device owner or the tip's receiver.
	Account string `json:"account,omitempty"`
	// DeviceID is the device of a key change.
	DeviceID uint32 `json:"device_id,omitempty"`
	// Final says whether the block was final when the indexer wrote the event.
	Final bool `json:"final"`
}

// Frame is every frame of the protocol; Type says which fields are set.
type Frame struct {
	// Type is one of the Type constants.
	Type string `json:"type"`
	// ID is the device's request id on send and frame, echoed on sent and error.
	ID string `json:"id,omitempty"`
	// Peer names the other account of a direct conversation (send, frame).
	Peer *common.Address `json:"peer,omitempty"`
	// Group names the group conversation (send, frame) by the group's id, instead of Peer.
	Group string `json:"group,omitempty"`
	// To lists the recipient devices of a send: every registered, unrevoked device of every
	// member, the sender's other devices included, the sending device excluded.
	To []DeviceRef `json:"to,omitempty"`
	// Envelope is the encoded protocol envelope (send, envelope, frame).
	Envelope []byte `json:"envelope,omitempty"`
	// CID is the envelope's CID (sent, envelope, duplicate errors).
	CID string `json:"cid,omitempty"`
	// Seq is the per-device sequence number of a pushed envelope.
	Seq int64 `json:"seq,omitempty"`
	// Seqs lists the acknowledged sequence numbers (ack).
	Seqs []int64 `json:"seqs,omitempty"`
	// Notification is set on TypeNotification.
	Notification *Notification `json:"notification,omitempty"`
	// Chain is set on TypeChain.
	Chain *ChainEvent `json:"chain,omitempty"`
	// Hello is set on TypeHello.
	Hello *Hello `json:"hello,omitempty"`
	// Code is the error code of TypeError.
	Code string `json:"code,omitempty"`
	// Message is a human-readable error detail of TypeError.
	Message string `json:"message,omitempty"`
	// Missing lists registered devices a send left out (CodeDevicesMismatch).
	Missing []DeviceRef `json:"missing,omitempty"`
	// Stale lists devices a send named that are not registered and unrevoked (CodeDevicesMismatch).
	Stale []DeviceRef `json:"stale,omitempty"`
}

const (
	directDomain = "parley/direct/v1"
	groupDomain  = "parley/group/v1"
)

// DirectConversationID is the id of the direct conversation between two accounts:
// SHA-256("parley/direct/v1" || lower address || higher address). a == b is the note-to-self
// conversation.
func DirectConversationID(a, b common.Address) [32]byte {
	if bytes.Compare(a[:], b[:]) > 0 {
		a, b = b, a
	}
	h := sha256.New()
	h.Write([]byte(directDomain))
	h.Write(a[:])
	h.Write(b[:])
	return [32]byte(h.Sum(nil))
}

// GroupConversationID is the id of a group's conversation: SHA-256("parley/group/v1" || the
// group id's 16 bytes).
func GroupConversationID(group uuid.UUID) [32]byte {
	return sha256.Sum256(append([]byte(groupDomain), group[:]...))
}

// MaxFrameSize is the largest frame either side needs to read: a maximal envelope
// base64-encoded inside a JSON frame, with room for the other fields.
const MaxFrameSize = (protocol.MaxEnvelopeSize+2)/3*4 + 64<<10
