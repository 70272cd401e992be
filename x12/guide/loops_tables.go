package guide

import "strings"

// The structure of each transaction the project reads or writes, from its
// implementation guide: loops (their first segment first), segments, usage
// (R required, S situational) and the most uses or repeats (>1: no limit).
// A segment whose qualifier is not listed takes any; where a guide has
// several entries of one segment ID with different qualifiers in a row
// (the 835's REFs), they are one entry here with their uses summed.

// x221A1 is the 835 (Health Care Claim Payment/Advice).
const x221A1 = `
ST R 1
BPR R 1
TRN R 1
CUR S 1
REF*EV S 1
REF*F2 S 1
DTM*405 S 1
loop 1000A R 1
  N1*PR R 1
  N3 R 1
  N4 R 1
  REF S 4
  PER*CX S 1
  PER*BL R >1
  PER*IC S 1
loop 1000B R 1
  N1*PE R 1
  N3 S 1
  N4 S 1
  REF S >1
  RDM S 1
loop 2000 S >1
  LX R 1
  TS3 S 1
  TS2 S 1
  loop 2100 R >1
    CLP R 1
    CAS S 99
    NM1*QC R 1
    NM1*IL S 1
    NM1*74 S 1
    NM1*82 S 1
    NM1*TT S 1
    NM1*PR S 1
    NM1*GB S 1
    MIA S 1
    MOA S 1
    REF S 15
    DTM S 4
    PER*CX S 2
    AMT S 13
    QTY S 14
    loop 2110 S 999
      SVC R 1
      DTM S 2
      CAS S 99
      REF S 24
      AMT S 9
      QTY S 6
      LQ S 99
PLB S >1
SE R 1
`

// x231A1 is the 999 (Implementation Acknowledgment).
const x231A1 = `
ST R 1
AK1 R 1
loop 2000 S >1
  AK2 R 1
  loop 2100 S >1
    IK3 R 1
    CTX S 10
    loop 2110 S 99
      IK4 R 1
      CTX S 10
  IK5 R 1
AK9 R 1
SE R 1
`

// x222A1 is the 837P (Health Care Claim: Professional).
var x222A1 = claim837(claim2300P, true)

// claim837 is an 837's table: the submitter, the receiver and the
// parties every claim type shares (the billing and pay-to providers, the
// subscriber and payer, the patient), with the claim (2300) of the type
// under the subscriber and, indented once more, under the patient. The
// 837P alone carries a PAT at the subscriber level and a PER for a
// property and casualty claim's subscriber and patient.
func claim837(claim2300 string, professional bool) string {
	opt := func(line string) string {
		if professional {
			return line
		}
		return ""
	}
	return `
ST R 1
BHT R 1
loop 1000A R 1
  NM1*41 R 1
  PER*IC R 2
loop 1000B R 1
  NM1*40 R 1
loop 2000A R >1
  HL*20 R 1
  PRV*BI S 1
  CUR S 1
  loop 2010AA R 1
    NM1*85 R 1
    N3 R 1
    N4 R 1
    REF R 3
    PER*IC S 2
  loop 2010AB S 1
    NM1*87 R 1
    N3 R 1
    N4 R 1
  loop 2010AC S 1
    NM1*PE R 1
    N3 S 1
    N4 S 1
    REF S 3
  loop 2000B R >1
    HL*22 R 1
    SBR R 1
` + opt("    PAT S 1\n") + `    loop 2010BA R 1
      NM1*IL R 1
      N3 S 1
      N4 S 1
      DMG S 1
      REF S 2
` + opt("      PER*IC S 1\n") + `    loop 2010BB R 1
      NM1*PR R 1
      N3 S 1
      N4 S 1
      REF S 4
` + claim2300 + `
    loop 2000C S >1
      HL*23 R 1
      PAT R 1
      loop 2010CA R 1
        NM1*QC R 1
        N3 R 1
        N4 R 1
        DMG R 1
        REF S 2
` + opt("        PER*IC S 1\n") + indent(claim2300, "    ") + `
SE R 1
`
}

// claim2300P is the 837P's claim (2300) and what it holds, as a loop of
// 2000B (and, indented once more, of 2000C).
const claim2300P = `    loop 2300 S 100
      CLM R 1
      DTP S 20
      PWK S 10
      CN1 S 1
      AMT S 1
      REF S 15
      K3 S 10
      NTE S 1
      CR1 S 1
      CR2 S 1
      CRC S 8
      HI R 4
      HCP S 1
      loop 2310A S 2
        NM1*DN|P3 R 1
        REF S 3
      loop 2310B S 1
        NM1*82 R 1
        PRV S 1
        REF S 4
      loop 2310C S 1
        NM1*77 R 1
        N3 R 1
        N4 R 1
        REF S 3
        PER S 1
      loop 2310D S 1
        NM1*DQ R 1
        REF S 4
      loop 2310E S 1
        NM1*PW R 1
        N3 R 1
        N4 R 1
      loop 2310F S 1
        NM1*45 R 1
        N3 R 1
        N4 R 1
      loop 2320 S 10
        SBR R 1
        CAS S 5
        AMT S 3
        OI R 1
        MOA S 1
        loop 2330A R 1
          NM1*IL R 1
          N3 S 1
          N4 S 1
          REF S 1
        loop 2330B R 1
          NM1*PR R 1
          N3 S 1
          N4 S 1
          DTP S 1
          REF S 6
        loop 2330C S 2
          NM1*DN|P3 R 1
          REF R 3
        loop 2330D S 1
          NM1*82 R 1
          REF R 3
        loop 2330E S 1
          NM1*77 R 1
          REF R 3
        loop 2330F S 1
          NM1*DQ R 1
          REF R 3
        loop 2330G S 1
          NM1*85 R 1
          REF R 2
      loop 2400 R 50
        LX R 1
        SV1 R 1
        SV5 S 1
        PWK S 10
        CR1 S 1
        CR3 S 1
        CRC S 5
        DTP S 11
        QTY S 2
        MEA S 5
        CN1 S 1
        REF S 20
        AMT S 2
        K3 S 10
        NTE S 2
        PS1 S 1
        HCP S 1
        loop 2410 S 1
          LIN R 1
          CTP R 1
          REF S 1
        loop 2420A S 1
          NM1*82 R 1
          PRV S 1
          REF S 20
        loop 2420B S 1
          NM1*QB R 1
          REF S 20
        loop 2420C S 1
          NM1*77 R 1
          N3 R 1
          N4 R 1
          REF S 3
        loop 2420D S 1
          NM1*DQ R 1
          REF S 20
        loop 2420E S 1
          NM1*DK R 1
          N3 S 1
          N4 S 1
          REF S 20
          PER S 1
        loop 2420F S 2
          NM1*DN|P3 R 1
          REF S 20
        loop 2420G S 1
          NM1*PW R 1
          N3 R 1
          N4 R 1
        loop 2420H S 1
          NM1*45 R 1
          N3 R 1
          N4 R 1
        loop 2430 S 15
          SVD R 1
          CAS S 5
          DTP R 1
          AMT S 1
        loop 2440 S >1
          LQ R 1
          FRM R 99`

// x223A2 is the 837I (Health Care Claim: Institutional).
var x223A2 = claim837(claim2300I, false)

// claim2300I is the 837I's claim (2300), as claim2300P is the 837P's.
const claim2300I = `    loop 2300 S 100
      CLM R 1
      DTP S 4
      CL1 R 1
      PWK S 10
      CN1 S 1
      AMT S 1
      REF S 15
      K3 S 10
      NTE S 11
      CRC S 1
      HI R 25
      HCP S 1
      loop 2310A S 1
        NM1*71 R 1
        PRV S 1
        REF S 4
      loop 2310B S 1
        NM1*72 R 1
        REF S 4
      loop 2310C S 1
        NM1*ZZ R 1
        REF S 4
      loop 2310D S 1
        NM1*82 R 1
        REF S 4
      loop 2310E S 1
        NM1*77 R 1
        N3 R 1
        N4 R 1
        REF S 3
      loop 2310F S 1
        NM1*DN R 1
        REF S 3
      loop 2320 S 10
        SBR R 1
        CAS S 5
        AMT S 3
        OI R 1
        MIA S 1
        MOA S 1
        loop 2330A R 1
          NM1*IL R 1
          N3 S 1
          N4 S 1
          REF S 1
        loop 2330B R 1
          NM1*PR R 1
          N3 S 1
          N4 S 1
          DTP S 1
          REF S 6
        loop 2330C S 1
          NM1*71 R 1
          REF R 4
        loop 2330D S 1
          NM1*72 R 1
          REF R 4
        loop 2330E S 1
          NM1*ZZ R 1
          REF R 4
        loop 2330F S 1
          NM1*77 R 1
          REF R 3
        loop 2330G S 1
          NM1*82 R 1
          REF R 3
        loop 2330H S 1
          NM1*DN R 1
          REF R 3
        loop 2330I S 1
          NM1*85 R 1
          REF R 2
      loop 2400 R 999
        LX R 1
        SV2 R 1
        PWK S 10
        DTP S 1
        REF S 3
        AMT S 2
        NTE S 1
        HCP S 1
        loop 2410 S 1
          LIN R 1
          CTP R 1
          REF S 1
        loop 2420A S 1
          NM1*72 R 1
          REF S 20
        loop 2420B S 1
          NM1*ZZ R 1
          REF S 20
        loop 2420C S 1
          NM1*82 R 1
          REF S 20
        loop 2420D S 1
          NM1*DN R 1
          REF S 20
        loop 2430 S 15
          SVD R 1
          CAS S 5
          DTP R 1
          AMT S 1`

// indent puts prefix before each line of a table part.
func indent(table, prefix string) string {
	lines := strings.Split(table, "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

// x224A2 is the 837D (Health Care Claim: Dental).
var x224A2 = claim837(claim2300D, false)

// claim2300D is the 837D's claim (2300), as claim2300P is the 837P's.
const claim2300D = `    loop 2300 S 100
      CLM R 1
      DTP S 8
      DN1 S 1
      DN2 S 35
      PWK S 10
      CN1 S 1
      AMT S 1
      REF S 10
      NTE S 1
      HI S 1
      HCP S 1
      loop 2310A S 2
        NM1*DN|P3 R 1
        PRV S 1
        REF S 3
      loop 2310B S 1
        NM1*82 R 1
        PRV S 1
        REF S 4
      loop 2310C S 1
        NM1*77 R 1
        N3 R 1
        N4 R 1
        REF S 3
      loop 2310D S 1
        NM1*DD R 1
        PRV S 1
        REF S 4
      loop 2310E S 1
        NM1*DQ R 1
        REF S 4
      loop 2320 S 10
        SBR R 1
        CAS S 5
        AMT S 3
        OI R 1
        MOA S 1
        loop 2330A R 1
          NM1*IL R 1
          N3 S 1
          N4 S 1
          REF S 1
        loop 2330B R 1
          NM1*PR R 1
          N3 S 1
          N4 S 1
          DTP S 1
          REF S 6
        loop 2330C S 2
          NM1*DN|P3 R 1
          REF R 3
        loop 2330D S 1
          NM1*82 R 1
          REF R 3
        loop 2330E S 1
          NM1*DD R 1
          REF R 3
        loop 2330F S 1
          NM1*DQ R 1
          REF R 3
        loop 2330G S 1
          NM1*85 R 1
          REF R 2
      loop 2400 R 50
        LX R 1
        SV3 R 1
        TOO S 32
        # DTP: service (472), prior placement (441), appliance placement
        # (452), replacement (446), treatment start (196) and completion
        # (198), one each.
        DTP S 6
        QTY S 5
        REF S 7
        AMT S 2
        NTE S 1
        HCP S 1
        loop 2420A S 1
          NM1*82 R 1
          PRV S 1
          REF S 4
        loop 2420B S 1
          NM1*DD R 1
          PRV S 1
          REF S 4
        loop 2420C S 1
          NM1*DQ R 1
          REF S 4
        loop 2420D S 1
          NM1*77 R 1
          N3 R 1
          N4 R 1
          REF S 3
        loop 2430 S 15
          SVD R 1
          CAS S 5
          DTP R 1`

// x214 is the 277CA (Health Care Claim Acknowledgment).
const x214 = `
ST R 1
BHT R 1
loop 2000A R >1
  HL*20 R 1
  loop 2100A R 1
    NM1 R 1
  loop 2200A R 1
    TRN R 1
    DTP*050 R 1
    DTP*009 R 1
  loop 2000B R >1
    HL*21 R 1
    loop 2100B R 1
      NM1 R 1
    loop 2200B R 1
      TRN R 1
      STC S >1
      QTY S 2
      AMT S 2
    loop 2000C S >1
      HL*19 R 1
      loop 2100C R 1
        NM1 R 1
      loop 2200C S 1
        TRN R 1
        STC S >1
        REF S 3
        QTY S 2
        AMT S 2
      loop 2000D S >1
        HL*PT R 1
        loop 2100D R 1
          NM1 R 1
        loop 2200D R >1
          TRN R 1
          STC R >1
          REF S 3
          DTP S 1
          loop 2220D S >1
            SVC R 1
            STC R >1
            REF S 1
            DTP S 1
SE R 1
`

// x212 is the 277 (Health Care Claim Status Response), its levels nested:
// the source, the receiver, the provider, the subscriber, the dependent.
var x212 = `
ST R 1
BHT R 1
loop 2000A R >1
  HL*20 R 1
  loop 2100A R 1
    NM1*PR R 1
    PER S 1
  loop 2000B R >1
    HL*21 R 1
    loop 2100B R 1
      NM1*41 R 1
    loop 2200B S 1
      TRN R 1
      STC S >1
    loop 2000C S >1
      HL*19 R 1
      loop 2100C R 1
        NM1*1P R 1
      loop 2200C S 1
        TRN R 1
        STC S >1
      loop 2000D S >1
        HL*22 R 1
        loop 2100D R 1
          NM1*IL R 1
` + claimStatus212("D", "        ") + `
        loop 2000E S >1
          HL*23 R 1
          loop 2100E R 1
            NM1*QC R 1
` + claimStatus212("E", "          ") + `
SE R 1
`

// claimStatus212 is the 277's claim status (2200D, 2200E) and its service
// lines, at a level's depth.
func claimStatus212(level, prefix string) string {
	return indent(`loop 2200`+level+` S >1
  TRN R 1
  STC R >1
  REF S 6
  DTP S 1
  loop 2220`+level+` S >1
    SVC R 1
    STC R >1
    REF S 1
    DTP S 1`, prefix)
}

// structures are the tables by transaction set ID and guide, parsed once.
var structures = map[string]*loopT{
	"835":          parseLoops("835", x221A1),
	"999":          parseLoops("999", x231A1),
	"005010X222A1": parseLoops("837P", x222A1),
	"005010X223A2": parseLoops("837I", x223A2),
	"005010X224A2": parseLoops("837D", x224A2),
	"005010X214":   parseLoops("277CA", x214),
	"005010X212":   parseLoops("277", x212),
}
