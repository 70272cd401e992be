package remit

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Code values of the 835 with short descriptions, from the 005010X221A1
// guide. The decoder warns (code_value) about codes not listed here.
var (
	claimStatuses = map[string]string{ // CLP02
		"1":  "processed as primary",
		"2":  "processed as secondary",
		"3":  "processed as tertiary",
		"4":  "denied",
		"19": "processed as primary, forwarded to additional payer(s)",
		"20": "processed as secondary, forwarded to additional payer(s)",
		"21": "processed as tertiary, forwarded to additional payer(s)",
		"22": "reversal of previous payment",
		"23": "not our claim, forwarded to additional payer(s)",
		"25": "predetermination pricing only, no payment",
	}
	adjustmentGroups = map[string]string{ // CAS01
		"CO": "contractual obligations",
		"CR": "corrections and reversals (004010 only)",
		"OA": "other adjustments",
		"PI": "payer initiated reductions",
		"PR": "patient responsibility",
	}
	plbReasons = map[string]string{ // PLB03-1
		"50": "late charge",
		"51": "interest penalty charge",
		"72": "authorized return",
		"90": "early payment allowance",
		"AH": "origination fee",
		"AM": "applied to borrower's account",
		"AP": "acceleration of benefits",
		"B2": "rebate",
		"B3": "recovery allowance",
		"BD": "bad debt adjustment",
		"BN": "bonus",
		"C5": "temporary allowance",
		"CR": "capitation interest",
		"CS": "adjustment",
		"CT": "capitation payment",
		"CV": "capital passthru",
		"CW": "certified registered nurse anesthetist passthru",
		"DM": "direct medical education passthru",
		"E3": "withholding",
		"FB": "forwarding balance",
		"FC": "fund allocation",
		"GO": "graduate medical education passthru",
		"HM": "hemophilia clotting factor supplement",
		"IP": "incentive premium payment",
		"IR": "internal revenue service withholding",
		"IS": "interim settlement",
		"J1": "nonreimbursable",
		"L3": "penalty",
		"L6": "interest owed",
		"LE": "levy",
		"LS": "lump sum",
		"OA": "organ acquisition passthru",
		"OB": "offset for affiliated providers",
		"PI": "periodic interim payment",
		"PL": "payment final",
		"RA": "retro-activity adjustment",
		"RE": "return on equity",
		"SL": "student loan repayment",
		"TL": "third party liability",
		"WO": "overpayment recovery",
		"WU": "unspecified recovery",
	}
	paymentMethods = map[string]string{ // BPR04
		"ACH": "automated clearing house",
		"BOP": "financial institution option",
		"CHK": "check",
		"FWT": "federal reserve funds/wire transfer, nonrepetitive",
		"NON": "non-payment data",
	}
	handlingCodes = map[string]string{ // BPR01
		"C": "payment accompanies remittance advice",
		"D": "make payment only",
		"H": "notification only",
		"I": "remittance information only",
		"P": "prenotification of future transfers",
		"U": "split payment and remittance",
		"X": "handling party's option to split payment and remittance",
	}
	creditDebitCodes = map[string]string{ // BPR03
		"C": "credit",
		"D": "debit",
	}
)

// ClaimStatus describes a CLP02 claim status code, "" when unknown.
func ClaimStatus(code string) string { return claimStatuses[code] }

// AdjustmentGroup describes a CAS01 claim adjustment group code.
func AdjustmentGroup(code string) string { return adjustmentGroups[code] }

// ProviderAdjustmentReason describes a PLB03-1 provider adjustment reason.
func ProviderAdjustmentReason(code string) string { return plbReasons[code] }

// PaymentMethod describes a BPR04 payment method code.
func PaymentMethod(code string) string { return paymentMethods[code] }

// HandlingCode describes a BPR01 transaction handling code.
func HandlingCode(code string) string { return handlingCodes[code] }

// ReasonCodes maps claim adjustment reason codes (CARC, CAS02) and
// remittance advice remark codes (RARC, LQ02, MIA/MOA remarks) to their
// descriptions. The code lists belong to X12 and CMS and change several
// times a year, so they are not built in: the operator supplies a file.
type ReasonCodes map[string]string

// Describe returns the description of code, "" when unknown.
func (rc ReasonCodes) Describe(code string) string { return rc[code] }

// LoadReasonCodes reads a CARC/RARC file supplied by the operator. It is
// never fetched at run time. The format:
//
//   - UTF-8 text, one code a line: the code, a separator, the description.
//   - The separator is a tab when the file name ends in .tsv or its first
//     line holds a tab; otherwise the file is CSV (RFC 4180: quote a
//     description that holds commas or quotes).
//   - Blank lines and lines starting with # are skipped; a first line whose
//     code is "code" (any case) is a header and skipped.
//   - Codes are kept as written (spaces around them trimmed): "45", "N130",
//     "MA01". A code listed twice is an error, as is a line without a
//     description.
//
// CARC and RARC codes do not collide, so one file may hold both; callers
// may also load two files and merge the maps.
func LoadReasonCodes(path string) (ReasonCodes, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rc, err := readReasonCodes(f, strings.EqualFold(filepath.Ext(path), ".tsv"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rc, nil
}

func readReasonCodes(rd io.Reader, tsv bool) (ReasonCodes, error) {
	br := bufio.NewReader(rd)
	if first, _ := br.Peek(4096); !tsv {
		line, _, _ := strings.Cut(string(first), "\n")
		tsv = strings.Contains(line, "\t")
	}
	rc := ReasonCodes{}
	add := func(line int, rec []string) error {
		if len(rec) == 0 || len(rec) == 1 && strings.TrimSpace(rec[0]) == "" || strings.HasPrefix(rec[0], "#") {
			return nil
		}
		code := strings.TrimSpace(rec[0])
		if len(rc) == 0 && strings.EqualFold(code, "code") {
			return nil
		}
		if len(rec) < 2 || strings.TrimSpace(rec[1]) == "" {
			return fmt.Errorf("line %d: code %q has no description", line, code)
		}
		if _, dup := rc[code]; dup {
			return fmt.Errorf("line %d: code %q is listed twice", line, code)
		}
		rc[code] = strings.TrimSpace(rec[1])
		return nil
	}
	if tsv {
		sc := bufio.NewScanner(br)
		for n := 1; sc.Scan(); n++ {
			text := strings.TrimRight(sc.Text(), "\r")
			if err := add(n, strings.SplitN(text, "\t", 3)); err != nil {
				return nil, err
			}
		}
		return rc, sc.Err()
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rc, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if err := add(line, rec); err != nil {
			return nil, err
		}
	}
}
