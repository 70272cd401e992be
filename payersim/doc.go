// Package payersim is the payer simulator's SFTP server: a real SSH server
// (golang.org/x/crypto/ssh) running pkg/sftp's request server, jailed to a
// root directory on disk.
//
// Directory layout under the root, created by Start:
//
//	inbound/   the gateway uploads 837 files here
//	outbound/  the payer puts its answers here (TA1, 999, 277CA, 835)
//
// The jail is an os.Root: whatever path a client sends ("..", absolute
// paths, symlinks inside the root that point outside) resolves inside the
// root or fails.
//
// Operations served: open/read/write/close, stat, lstat, list, mkdir, remove
// (files only), rename (refused when the target exists, as OpenSSH does) and
// posix-rename@openssh.com (replaces the target). The request server
// advertises posix-rename@openssh.com, hardlink@openssh.com and
// statvfs@openssh.com; hard links, symlinks, readlink, setstat, rmdir and
// statvfs are answered "operation unsupported". fsync@openssh.com is not
// offered.
//
// # What the payer answers
//
// Payer says what it answers to an 837 file: its Outcome for a claim it
// pays as primary, and the following for the other claims.
//
// # Coordination of benefits
//
// A Payer answers a claim as its secondary (or tertiary) payer when the
// claim's 2000B SBR01 is S (or T): whatever its ID, its behaviour follows
// from the 837 (the demo's second payer is SIMPAYER2, SECOND HEALTH PLAN;
// nothing here depends on it).
//
// What the prior payers did with each line is read from the 837: the
// 2320/2330B of each payer whose SBR01 comes before this payer's (P before
// S before T) and that has adjudicated the claim (an AMT*D, a CAS, or a
// 2430 whose SVD01 is its 2330B NM109). For each line:
//
//   - prior paid = the SVD02s of those payers' 2430s on the line;
//   - prior PR = what the last of them (the payer just before this one)
//     left to the patient: the PR CAS amounts of its 2430 on the line.
//
// A payer's claim-level figures (what its AMT*D adds to its SVD02s, and
// the PR CAS of its 2320 or, without a 2430 and without a PR CAS, its
// AMT*EAF) are spread over its lines without a 2430 (all lines when each
// has one) in proportion to their charges, the rounding on the last;
// prior PR is kept between 0 and the line's charge.
//
// The payer then answers each line, allowed = 80% of the charge (as a
// primary), with:
//
//	due   = min(max(0, allowed - prior paid), prior PR)
//	paid  = due - due/10         (SVC03)
//	OA-23 = charge - prior PR    (the impact of the prior payers' adjudication)
//	CO-45 = prior PR - due       (what it does not allow of what was left)
//	PR-2  = due/10               (its 10% coinsurance, left to the patient)
//
// so that charge = paid + OA-23 + CO-45 + PR-2 and paid + CO-45 + PR-2 =
// prior PR. Hence, for each line and each claim (the payer's CAS are all
// line-level), across the payers: charge = Σ paid + Σ non-PR adjustments
// other than OA-23 + the last payer's PR; the gateway's finance reports
// rely on it. A zero amount is left out. CLP02 is 2 (processed as
// secondary; 3 as tertiary), CLP05 the PR total, what the patient still
// owes.
//
// A deterministic share of secondary claims (15%, by a hash of the seed
// and the PCN) is denied: CLP02 4, nothing paid, each line OA-23 as above
// and PR-204 (not covered by this plan) for the prior PR, which stays with
// the patient. A secondary claim that carries no prior payer's
// adjudication is denied CO-16 (lacks information) with remark MA04
// (secondary payment cannot be considered without the primary's payment
// information) for the whole charge. A payer does not apply its code
// edits (Codes) to a claim as secondary, nor split, forward or reverse it.
//
// Crossover: a primary payer forwards a claim (Outcome Forwarded, 835
// CLP02 19 with NM1*TT) only when the claim lists a secondary payer (a
// 2320 with SBR01 S, named by its 2330B): 25% of such claims, by a hash of
// the seed and the PCN; NM1*TT names that payer with the name and PI id of
// its 2330B. A claim listing no secondary payer is never forwarded (the 6%
// share it had is Paid). The primary then calls its Crossover hook with the claim as
// the secondary receives it (its 2330A subscriber, and the primary's
// adjudication of each line as the prior payer's); the secondary payer
// (CrossOver, which takes only the claims naming its ID) answers it with
// an 835 of its own, priced as above (CLP02 2, or 4 for its denied share),
// on its next answering round (CrossoverAnswers; Run writes it to
// outbound/ as NNNNNN_crossover.835). The claims wait in memory.
//
// # Voids and replacements
//
// A void (CLM05-3 8) names the claim it voids by the payer's claim number
// (2300 REF*F8) and repeats it. The payer knows
// the claim when REF*F8 is its claim number for the PCN (payerClaimNumber:
// the void keeps the original's PCN); it then reverses its last
// adjudication of it, as a real payer does: one CLP02 22 for each CLP of
// that adjudication (a split claim has two; a claim reversed and paid
// again is reversed from its second payment), with the same payer claim
// number and every amount negated (CLP03/04/05, SVC02/03, each CAS), CLP09
// 8. A claim the payer denied is reversed too, with nothing paid: the
// reversal closes it all the same. Its 277CA accepts the void (A2:20).
// A void whose REF*F8 is not the payer's number for the PCN (a claim it
// never adjudicated, or with another PCN) is rejected by the 277CA,
// A7:464 (payer claim control number), and gets no 835.
//
// A replacement (CLM05-3 7) is adjudicated as a new claim, its CLP09 7.
package payersim
