package transfer

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameLen is the longest name most file systems take (NAME_MAX).
const maxNameLen = 255

// SafeName returns an error wrapping ErrUnsafeName unless name is a plain
// file name that stays in its directory: not empty, not "." or "..", no
// slash or backslash (so no absolute or traversing path), no NUL or other
// control characters, valid UTF-8 and at most 255 bytes.
func SafeName(name string) error {
	reason := ""
	switch {
	case name == "":
		reason = "empty"
	case name == "." || name == "..":
		reason = "dot name"
	case len(name) > maxNameLen:
		reason = "too long"
	case !utf8.ValidString(name):
		reason = "not UTF-8"
	case strings.ContainsAny(name, `/\`):
		reason = "path separator"
	case strings.ContainsFunc(name, unicode.IsControl):
		reason = "control character"
	default:
		return nil
	}
	return fmt.Errorf("%w: %q: %s", ErrUnsafeName, name, reason)
}

// inProgress reports names that are not finished files: dotfiles (which
// include this package's own temporary names) and the usual suffixes of
// other clients' partial uploads.
func inProgress(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	for _, suffix := range []string{".part", ".tmp", ".filepart"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// tempName is the name an upload of name is written under before its rename:
// hidden, unique per attempt, and recognised by inProgress.
func tempName(name string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "." + name + "." + hex.EncodeToString(b[:]) + ".part"
}
