package protocol

import "errors"

// Sentinel errors returned by the protocol; callers match them with errors.Is.
var (
	// ErrMalformed reports input that does not follow the encoding rules of docs/protocol.md.
	ErrMalformed = errors.New("protocol: malformed input")
	// ErrOversize reports input larger than a limit of docs/protocol.md.
	ErrOversize = errors.New("protocol: input exceeds size limit")
	// ErrBadSignature reports an Ed25519 signature that does not verify.
	ErrBadSignature = errors.New("protocol: bad signature")
	// ErrUnsupportedSuite reports a key suite this implementation does not know.
	ErrUnsupportedSuite = errors.New("protocol: unsupported suite")
	// ErrUnsupportedVersion reports an envelope version this implementation does not know.
	ErrUnsupportedVersion = errors.New("protocol: unsupported envelope version")
	// ErrDowngrade reports an envelope below the version or suite negotiated for the conversation.
	ErrDowngrade = errors.New("protocol: downgrade rejected")
	// ErrDuplicate reports an envelope whose message key was already used (replay or redelivery).
	ErrDuplicate = errors.New("protocol: duplicate message")
	// ErrUnknownChain reports an envelope for a sender chain whose key this device never received.
	ErrUnknownChain = errors.New("protocol: unknown sender chain")
	// ErrUnknownSender reports an envelope from a device that is not a current member device.
	ErrUnknownSender = errors.New("protocol: unknown sender device")
	// ErrStaleKey reports a message key that was skipped too long ago or too far back to be kept.
	ErrStaleKey = errors.New("protocol: stale message key")
	// ErrTooManySkipped reports a counter jump larger than the skipped-key limit.
	ErrTooManySkipped = errors.New("protocol: too many skipped messages")
	// ErrWrongConversation reports an envelope addressed to another conversation.
	ErrWrongConversation = errors.New("protocol: wrong conversation")
	// ErrDecrypt reports an AEAD or HPKE authentication failure.
	ErrDecrypt = errors.New("protocol: decryption failed")
	// ErrNotRecipient reports a key wrap that carries no entry for this device.
	ErrNotRecipient = errors.New("protocol: no key wrap for this device")
	// ErrBadPassphrase reports a backup that does not open with the given passphrase.
	ErrBadPassphrase = errors.New("protocol: wrong passphrase or corrupted backup")
)
