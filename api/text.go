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

// joinerScripts write words with zero-width (non-)joiners between their letters: Persian's
// ZWNJ, the half forms of Indic scripts.
var joinerScripts = []*unicode.RangeTable{
	unicode.Arabic, unicode.Syriac, unicode.Nko, unicode.Mongolian, unicode.Devanagari, unicode.Bengali,
	unicode.Gurmukhi, unicode.Gujarati, unicode.Oriya, unicode.Tamil, unicode.Telugu, unicode.Kannada,
	unicode.Malayalam, unicode.Sinhala,
}

// joinsLetters reports whether runes[i] is a zero-width joiner or non-joiner between two
// characters of a script that writes them inside words.
func joinsLetters(runes []rune, i int) bool {
	r := runes[i]
	return (r == zeroWidthJoiner || r == zeroWidthNonJoiner) && i > 0 && i < len(runes)-1 &&
		unicode.In(runes[i-1], joinerScripts...) && unicode.In(runes[i+1], joinerScripts...)
}

// plainText refuses (400 invalid_request) text with a hidden character (hiddenRune), bar line
// breaks when multiline and joiners inside words of scripts that need them: a name or bio must
// not pose as another on screen.
func plainText(field, text string, multiline bool) error {
	runes := []rune(text)
	for i, r := range runes {
		if multiline && (r == '\n' || r == '\r') || joinsLetters(runes, i) {
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
