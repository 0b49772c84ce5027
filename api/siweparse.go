package api

import (
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spruceid/siwe-go"
)

// siweGreeting ends the first line of an EIP-4361 message, after the domain.
const siweGreeting = " wants you to sign in with your Ethereum account:"

// parseSiwe parses an EIP-4361 message. The shape clients send (optional statement and
// Expiration Time / Not Before, no Request ID or Resources) is read line by line; anything
// else goes to siwe.ParseMessage, whose whole-message regular expression cost a sixth of a
// sign-in's server CPU. A line-by-line result is built with siwe.InitMessage (which checks the
// domain, URI and times) and kept only when it serializes back to exactly message, so this
// accepts nothing that siwe.ParseMessage rejects (TestParseSiweMatchesSiweGo).
func parseSiwe(message string) (*siwe.Message, error) {
	if msg, ok := parseSiweLines(message); ok {
		return msg, nil
	}
	return siwe.ParseMessage(message)
}

func parseSiweLines(message string) (*siwe.Message, bool) {
	lines := strings.Split(message, "\n")
	if len(lines) < 9 {
		return nil, false
	}
	domain, ok := strings.CutSuffix(lines[0], siweGreeting)
	address := lines[1]
	if !ok || domain == "" || strings.ContainsAny(domain, "/?#") || lines[2] != "" ||
		len(address) != 42 || common.HexToAddress(address).Hex() != address {
		return nil, false
	}
	opts := map[string]any{}
	rest := lines[3:]
	if rest[0] != "" {
		opts["statement"] = rest[0]
		rest = rest[1:]
		if rest[0] != "" {
			return nil, false
		}
	}
	rest = rest[1:]
	var vals [5]string
	for i, prefix := range [...]string{"URI: ", "Version: ", "Chain ID: ", "Nonce: ", "Issued At: "} {
		if len(rest) == 0 {
			return nil, false
		}
		if vals[i], ok = strings.CutPrefix(rest[0], prefix); !ok {
			return nil, false
		}
		rest = rest[1:]
	}
	uri, chainID, nonce := vals[0], vals[2], vals[3]
	if vals[1] != "1" || !onlyBytes(chainID, "0123456789") || len(nonce) < 8 ||
		!onlyBytes(nonce, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") || !isSiweTime(vals[4]) {
		return nil, false
	}
	opts["chainId"], opts["issuedAt"] = chainID, vals[4]
	for _, f := range [...]struct{ prefix, key string }{{"Expiration Time: ", "expirationTime"}, {"Not Before: ", "notBefore"}} {
		if len(rest) == 0 {
			break
		}
		if v, ok := strings.CutPrefix(rest[0], f.prefix); ok {
			if !isSiweTime(v) {
				return nil, false
			}
			opts[f.key] = v
			rest = rest[1:]
		}
	}
	if len(rest) != 0 || strings.ContainsAny(uri, " ") {
		return nil, false
	}
	msg, err := siwe.InitMessage(domain, address, uri, nonce, opts)
	if err != nil || msg.String() != message {
		return nil, false
	}
	return msg, true
}

// isSiweTime accepts the RFC 3339 times of EIP-4361 ('T', 'Z' or ±hh:mm, '.' fractions).
func isSiweTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil && onlyBytes(s, "0123456789-:.TZ+")
}

// onlyBytes reports whether s is non-empty and every byte of s is in set.
func onlyBytes(s, set string) bool {
	for i := range len(s) {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return s != ""
}
