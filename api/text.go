package api

import (
	"fmt"
	"unicode"
)

// hiddenRune reports whether runes[i] changes or hides how the text around it is shown: a
// control, format (bidi overrides and isolates, zero-width characters; a joiner only inside an
// emoji sequence), line or paragraph separator character.
func hiddenRune(runes []rune, i int) bool {
	r := runes[i]
	if r == zeroWidthJoiner && i > 0 && i < len(runes)-1 && isEmojiPart(runes[i-1]) && unicode.Is(unicode.So, runes[i+1]) {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}

// plainText refuses (400 invalid_request) text with a hidden character (hiddenRune), bar line
// breaks when multiline: a name or bio must not pose as another on screen.
func plainText(field, text string, multiline bool) error {
	runes := []rune(text)
	for i, r := range runes {
		if multiline && (r == '\n' || r == '\r') {
			continue
		}
		if hiddenRune(runes, i) {
			return ErrInvalidRequest.with(fmt.Sprintf("%s may not contain control, bidi override or zero-width characters (U+%04X)", field, r), nil)
		}
	}
	return nil
}

// oneLineName refuses (400) a name with a hidden character, line breaks included.
func oneLineName(field, name string) error { return plainText(field, name, false) }
