package sets

import (
	"bytes"
	"io"

	"github.com/claimsgw/claimsgw/x12"
)

// Kind tells what a payer file is from its first transaction set: 835,
// 277CA, 277, 999, 997, or TA1 for an interchange acknowledgment alone;
// "unknown" when it is none of them or not X12.
func Kind(data []byte) string {
	r := x12.NewReader(bytes.NewReader(data))
	kind := "unknown"
	for {
		s, err := r.Read()
		if err == io.EOF || err != nil {
			return kind
		}
		switch s.ID() {
		case "TA1":
			kind = "TA1"
		case "ST":
			switch t := s.Str(1); t {
			case "835", "999", "997":
				return t
			case "277":
				if s.Str(3) == "005010X214" {
					return "277CA"
				}
				return "277"
			}
			return "unknown"
		}
	}
}
