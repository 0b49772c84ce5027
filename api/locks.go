package api

import "time"

// Advisory lock keys (appdb.AdvisoryXactLock): a prefix followed by an account serializes one
// kind of change of that account across API instances.
const (
	lockRelay     = "parley.relay."     // relayer limit check and insert
	lockMail      = "parley.mail."      // mail quota check and count
	lockRequests  = "parley.requests."  // chat-request anti-spam checks and insert, stranger adds
	lockInterests = "parley.interests." // replacements of the interests
	lockAvatar    = "parley.avatar."    // followed by a CID: setting that avatar, unpinning it once replaced
)

// quotaWindow is the span of the daily quotas (mail, chat requests with stranger adds, relayer).
const quotaWindow = 24 * time.Hour
