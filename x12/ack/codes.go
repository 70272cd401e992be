package ack

// Short descriptions of the codes acknowledgments carry, for people reading
// them. Each function returns "" for a code it does not know.

// SegmentErrorDescription describes an IK304 (AK304) segment syntax error code.
func SegmentErrorDescription(code string) string { return segmentErrors[code] }

// ElementErrorDescription describes an IK403 (AK403) element syntax error code.
func ElementErrorDescription(code string) string { return elementErrors[code] }

// TransactionCodeDescription describes an IK501 (AK501) transaction set
// acknowledgment code.
func TransactionCodeDescription(code string) string { return transactionCodes[code] }

// GroupCodeDescription describes an AK901 functional group acknowledgment code.
func GroupCodeDescription(code string) string { return groupCodes[code] }

// TransactionErrorDescription describes an IK502–IK506 (AK502–AK506)
// transaction set syntax error code.
func TransactionErrorDescription(code string) string { return transactionErrors[code] }

// GroupErrorDescription describes an AK905–AK909 functional group syntax
// error code.
func GroupErrorDescription(code string) string { return groupErrors[code] }

// TA1AckDescription describes a TA104 interchange acknowledgment code.
func TA1AckDescription(code string) string { return ta1Acks[code] }

// TA1NoteDescription describes a TA105 interchange note code.
func TA1NoteDescription(code string) string { return ta1Notes[code] }

var segmentErrors = map[string]string{
	"1":  "unrecognized segment ID",
	"2":  "unexpected segment",
	"3":  "required segment missing",
	"4":  "loop occurs over maximum times",
	"5":  "segment exceeds maximum use",
	"6":  "segment not in defined transaction set",
	"7":  "segment not in proper sequence",
	"8":  "segment has data element errors",
	"I4": "implementation \"not used\" segment present",
	"I6": "implementation dependent segment missing",
	"I7": "implementation loop occurs under minimum times",
	"I8": "implementation segment below minimum use",
	"I9": "implementation dependent \"not used\" segment present",
}

var elementErrors = map[string]string{
	"1":   "required data element missing",
	"2":   "conditional required data element missing",
	"3":   "too many data elements",
	"4":   "data element too short",
	"5":   "data element too long",
	"6":   "invalid character in data element",
	"7":   "invalid code value",
	"8":   "invalid date",
	"9":   "invalid time",
	"10":  "exclusion condition violated",
	"12":  "too many repetitions",
	"13":  "too many components",
	"I6":  "code value not used in implementation",
	"I9":  "implementation dependent data element missing",
	"I10": "implementation \"not used\" data element present",
	"I11": "implementation too few repetitions",
	"I12": "implementation pattern match failure",
	"I13": "implementation dependent \"not used\" data element present",
}

var transactionCodes = map[string]string{
	"A": "accepted",
	"E": "accepted but errors were noted",
	"M": "rejected, message authentication code (MAC) failed",
	"R": "rejected",
	"W": "rejected, assurance failed validity tests",
	"X": "rejected, content after decryption could not be analyzed",
}

var groupCodes = map[string]string{
	"A": "accepted",
	"E": "accepted but errors were noted",
	"M": "rejected, message authentication code (MAC) failed",
	"P": "partially accepted, at least one transaction set was rejected",
	"R": "rejected",
	"W": "rejected, assurance failed validity tests",
	"X": "rejected, content after decryption could not be analyzed",
}

var transactionErrors = map[string]string{
	"1":  "transaction set not supported",
	"2":  "transaction set trailer missing",
	"3":  "transaction set control number in header and trailer do not match",
	"4":  "number of included segments does not match actual count",
	"5":  "one or more segments in error",
	"6":  "missing or invalid transaction set identifier",
	"7":  "missing or invalid transaction set control number",
	"8":  "authentication key name unknown",
	"9":  "encryption key name unknown",
	"10": "requested service (authentication or encryption) not available",
	"11": "unknown security recipient",
	"12": "incorrect message length (encryption only)",
	"13": "message authentication code failed",
	"15": "unknown security originator",
	"16": "syntax error in decrypted text",
	"17": "security not supported",
	"18": "transaction set not in functional group",
	"19": "invalid transaction set implementation convention reference",
	"23": "transaction set control number not unique within the functional group",
	"24": "S3E security end segment missing for S3S security start segment",
	"25": "S3S security start segment missing for S3E security end segment",
	"26": "S4E security end segment missing for S4S security start segment",
	"27": "S4S security start segment missing for S4E security end segment",
	"I5": "implementation one or more segments in error",
	"I6": "implementation convention not supported",
}

var groupErrors = map[string]string{
	"1":  "functional group not supported",
	"2":  "functional group version not supported",
	"3":  "functional group trailer missing",
	"4":  "group control number in the functional group header and trailer do not agree",
	"5":  "number of included transaction sets does not match actual count",
	"6":  "group control number violates syntax",
	"10": "authentication key name unknown",
	"11": "encryption key name unknown",
	"12": "requested service (authentication or encryption) not available",
	"13": "unknown security recipient",
	"14": "unknown security originator",
	"15": "syntax error in decrypted text",
	"16": "security not supported",
	"17": "incorrect message length (encryption only)",
	"18": "message authentication code failed",
	"19": "functional group control number not unique within interchange",
	"23": "S3E security end segment missing for S3S security start segment",
	"24": "S3S security start segment missing for S3E security end segment",
	"25": "S4E security end segment missing for S4S security start segment",
	"26": "S4S security start segment missing for S4E security end segment",
}

var ta1Acks = map[string]string{
	"A": "interchange accepted with no errors",
	"E": "interchange accepted, errors noted",
	"R": "interchange rejected because of errors",
}

var ta1Notes = map[string]string{
	"000": "no error",
	"001": "interchange control number in header and trailer do not match",
	"002": "standard in the control standards identifier is not supported",
	"003": "this version of the controls is not supported",
	"004": "segment terminator is invalid",
	"005": "invalid interchange ID qualifier for sender",
	"006": "invalid interchange sender ID",
	"007": "invalid interchange ID qualifier for receiver",
	"008": "invalid interchange receiver ID",
	"009": "unknown interchange receiver ID",
	"010": "invalid authorization information qualifier value",
	"011": "invalid authorization information value",
	"012": "invalid security information qualifier value",
	"013": "invalid security information value",
	"014": "invalid interchange date value",
	"015": "invalid interchange time value",
	"016": "invalid interchange standards identifier value",
	"017": "invalid interchange version ID value",
	"018": "invalid interchange control number value",
	"019": "invalid acknowledgment requested value",
	"020": "invalid test indicator value",
	"021": "invalid number of included groups value",
	"022": "invalid control structure",
	"023": "improper (premature) end-of-file (transmission)",
	"024": "invalid interchange content (e.g. invalid GS segment)",
	"025": "duplicate interchange control number",
	"026": "invalid data element separator",
	"027": "invalid component element separator",
	"028": "invalid delivery date in deferred delivery request",
	"029": "invalid delivery time in deferred delivery request",
	"030": "invalid delivery time code in deferred delivery request",
	"031": "invalid grade of service code",
}
