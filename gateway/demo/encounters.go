package demo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Encounters makes n realistic encounters for payer, following the intake
// contract: about seven in ten professional (837P), the rest institutional
// (837I), with valid NPIs, ICD-10-CM and CPT codes, and service dates in the
// month before now. One in twenty-five has a member ID ending in 99, which
// the simulated payer's 277CA rejects. The same seed gives the same
// encounters.
func Encounters(n int, payer string, seed uint64, now time.Time) [][]byte {
	return RunEncounters(n, payer, seed, 1, now)
}

// RunEncounters is Encounters for the run-th demo run on one data
// directory: from the second on, the ids and patient control numbers
// name the run (demo-SEED-rRUN-N, PCNSEEDRRUN-N), so a run is never the
// replay of an earlier one.
func RunEncounters(n int, payer string, seed uint64, run int, now time.Time) [][]byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x5DEECE66D))
	out := make([][]byte, n)
	for i := range out {
		id := fmt.Sprintf("demo-%d-%06d", seed, i+1)
		pcn := fmt.Sprintf("PCN%d%06d", seed%1000, i+1)
		if run > 1 {
			id, pcn = fmt.Sprintf("demo-%d-r%d-%06d", seed, run, i+1), fmt.Sprintf("PCN%dR%d-%06d", seed%1000, run, i+1)
		}
		var e map[string]any
		if rng.IntN(10) < 7 {
			e = professional(rng, now)
		} else {
			e = institutional(rng, now)
		}
		out[i] = finish(rng, e, i, id, pcn, payer)
	}
	return out
}

// Dentals is how many of n demo encounters are dental (837D): one in
// ten.
func Dentals(n int) int { return n / 10 }

// RunMix is the demo's encounters for its run-th run: Dentals(n) dental
// encounters (DentalEncounters), then the professional and institutional
// ones (RunEncounters of the rest), n in all; one in three of those has a
// secondary payer (WithSecondary).
func RunMix(n int, payer string, seed uint64, run int, now time.Time) [][]byte {
	d := Dentals(n)
	rest := WithSecondary(RunEncounters(n-d, payer, seed, run, now), 3, SecondPayerID, SecondPayerName, seed)
	return append(DentalEncounters(d, payer, seed, run, now), rest...)
}

// WithSecondary gives every k-th encounter (the first, then each k-th
// after) a secondary payer in other_payers, as the contract's section
// "Other payers" has it: half of them the spouse's plan (relationship
// 01, the spouse the subscriber there), the others the patient's own
// second plan (18).
func WithSecondary(encounters [][]byte, k int, payerID, name string, seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, seed^0xC0B))
	for i := 0; i < len(encounters); i += k {
		var e map[string]any
		if err := json.Unmarshal(encounters[i], &e); err != nil {
			panic(err) // the generators' JSON always reads back
		}
		first := e["subscriber"].(map[string]any)
		sub := map[string]any{"member_id": fmt.Sprintf("SEC%09d", rng.IntN(1e9)), "group_number": fmt.Sprintf("SG%04d", rng.IntN(1e4)),
			"claim_filing_indicator": "CI"}
		rel := "18"
		if rng.IntN(2) == 0 {
			rel = "01"
			other := map[string]string{"M": "F", "F": "M"}[first["gender"].(string)]
			sub["last_name"], sub["first_name"], sub["gender"] = first["last_name"], firstNames[rng.IntN(len(firstNames))], other
			sub["birth_date"] = fmt.Sprintf("%d-%02d-%02d", 1940+rng.IntN(60), 1+rng.IntN(12), 1+rng.IntN(28))
		} else {
			self := first // the patient: the subscriber, or the patient given
			if p, ok := e["patient"].(map[string]any); ok {
				self = p
			}
			for _, f := range []string{"last_name", "first_name", "birth_date", "gender"} {
				sub[f] = self[f]
			}
		}
		e["other_payers"] = []map[string]any{{"payer_id": payerID, "name": name, "responsibility": "S", "subscriber": sub, "relationship": rel}}
		b, err := json.Marshal(e)
		if err != nil {
			panic(err)
		}
		encounters[i] = b
	}
	return encounters
}

// DentalEncounters makes n dental encounters (837D) for payer, following
// the contract's section "Dental": a dental group's exams, cleanings of
// the whole mouth (oral cavity area 00), two-surface composites on a
// posterior tooth, crowns (a replacement names the prior placement's
// date), a diagnosis on one in three, service dates in the month before
// now. Their ids and patient control numbers have a D (demo-SEED-dN,
// PCNSEEDDN; from the second run on, demo-SEED-rRUN-dN and PCNSEEDRRUNDN).
// The CDT codes are those of the contract's example and of the corpus's
// 837Ds; the project ships no CDT list. The same seed gives the same
// encounters.
func DentalEncounters(n int, payer string, seed uint64, run int, now time.Time) [][]byte {
	rng := rand.New(rand.NewPCG(seed^0xD3A7, seed^0x5DEECE66D^0xD3A7))
	out := make([][]byte, n)
	for i := range out {
		id := fmt.Sprintf("demo-%d-d%06d", seed, i+1)
		pcn := fmt.Sprintf("PCN%dD%06d", seed%1000, i+1)
		if run > 1 {
			id, pcn = fmt.Sprintf("demo-%d-r%d-d%06d", seed, run, i+1), fmt.Sprintf("PCN%dR%dD%05d", seed%1000, run, i+1)
		}
		e := dental(rng, now)
		out[i] = finish(rng, e, i, id, pcn, payer)
	}
	return out
}

// dentalCodes are the demo's dental procedures: CDT codes of the
// contract's example and of the corpus, with what each line carries.
var dentalCodes = []struct {
	code  string
	cents int64
	kind  string // exam, cleaning, composite, crown
}{{"D0120", 6000, "exam"}, {"D1110", 9500, "cleaning"}, {"D2392", 19000, "composite"}, {"D2750", 110000, "crown"}}

// posteriorTeeth are the molars and premolars a composite or a crown is
// put on in the demo.
var posteriorTeeth = []string{"2", "3", "4", "5", "12", "13", "14", "15", "18", "19", "20", "21", "28", "29", "30", "31"}

func dental(rng *rand.Rand, now time.Time) map[string]any {
	date := day(now, rng)
	withDiagnosis := rng.IntN(3) == 0
	var lines []map[string]any
	for _, k := range rng.Perm(len(dentalCodes))[:1+rng.IntN(3)] {
		c := dentalCodes[k]
		l := map[string]any{"procedure": map[string]any{"code": c.code}, "cents": c.cents, "units": "1", "service_date": date.Format("2006-01-02")}
		tooth := posteriorTeeth[rng.IntN(len(posteriorTeeth))]
		switch c.kind {
		case "cleaning":
			l["oral_cavity_areas"] = []string{"00"}
		case "composite":
			surfaces := [][]string{{"M", "O"}, {"O", "D"}, {"B", "O"}, {"O", "L"}}[rng.IntN(4)]
			l["teeth"] = []map[string]any{{"number": tooth, "surfaces": surfaces}}
		case "crown":
			l["teeth"] = []map[string]any{{"number": tooth}}
			if rng.IntN(2) == 0 {
				l["prosthesis"] = map[string]any{"placement": "I"}
			} else {
				l["prosthesis"] = map[string]any{"placement": "R", "prior_date": date.AddDate(-6-rng.IntN(10), 0, 0).Format("2006-01-02")}
			}
		}
		if withDiagnosis {
			l["diagnosis_pointers"] = []int{1}
		}
		lines = append(lines, l)
	}
	claim := map[string]any{"place_of_service": "11", "frequency": "1"}
	if withDiagnosis {
		claim["diagnoses"] = []map[string]any{{"code": []string{"K02.52", "K05.10", "K08.89"}[rng.IntN(3)]}}
	}
	return map[string]any{
		"claim_type": "dental",
		"billing_provider": map[string]any{"organization_name": "LAKESIDE DENTAL GROUP", "npi": npi(5511), "tax_id": "621235511", "taxonomy": "1223G0001X",
			"address": map[string]any{"line1": "200 LAKE ST", "city": "NASHVILLE", "state": "TN", "postal_code": "372031234"}},
		"rendering_provider": map[string]any{"npi": npi(5512), "last_name": "NGUYEN", "first_name": "MAI", "taxonomy": "1223G0001X"},
		"claim":              claim,
		"service_lines":      lines,
	}
}

// RunsFile is the file of a demo data directory counting the runs made
// on it.
const RunsFile = "demo-runs"

// NextRun is the number of the next demo run on a data directory (1 on a
// new one), for RunEncounters; it writes nothing (CountRun does).
func NextRun(dir string) (int, error) {
	path := filepath.Join(dir, RunsFile)
	if b, err := os.ReadFile(path); err == nil {
		n, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			return 0, fmt.Errorf("%s: %v", path, err)
		}
		return n + 1, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	if _, err := os.Stat(filepath.Join(dir, "ledger.db")); err == nil {
		return 2, nil // a directory used before the runs were counted
	}
	return 1, nil
}

// CountRun records run as the last demo run on a data directory: once
// the demo's daemon holds it, so that a directory refused is not written
// to.
func CountRun(dir string, run int) error {
	return os.WriteFile(filepath.Join(dir, RunsFile), []byte(strconv.Itoa(run)+"\n"), 0o600)
}

func cents(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

var (
	lastNames  = []string{"DOE", "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "GARCIA", "MILLER", "DAVIS", "LOPEZ", "NGUYEN"}
	firstNames = []string{"JOHN", "JANE", "MARIA", "JAMES", "LINDA", "ROBERT", "PATRICIA", "MICHAEL", "ANA", "WEI"}
	clinics    = []struct{ name, npi, tin, taxonomy string }{
		{"RIVERSIDE FAMILY MEDICINE", "1234567893", "621234567", "207Q00000X"},
		{"LAKEVIEW PEDIATRICS", npi(4411), "621239876", "208000000X"},
	}
	officeCodes = []struct {
		code  string
		cents int64
	}{{"99213", 12500}, {"99214", 18500}, {"99203", 16000}, {"87804", 5000}, {"85025", 3500}, {"80053", 4800}, {"71046", 9500}, {"93000", 7500}, {"36415", 1500}}
	diagnoses = []string{"J10.1", "R50.9", "E11.9", "I10", "J20.9", "M54.50", "K21.9", "R05.9", "N39.0", "E78.5"}
)

// npi makes a valid NPI (check digit with the 80840 prefix) from a seed.
func npi(seed int) string {
	base := fmt.Sprintf("1%08d", seed)
	sum := 24
	for i := 8; i >= 0; i-- {
		d := int(base[i] - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return fmt.Sprintf("%s%d", base, (10-sum%10)%10)
}

func address(rng *rand.Rand) map[string]any {
	return map[string]any{"line1": fmt.Sprintf("%d OAK AVE", 10+rng.IntN(900)), "city": "NASHVILLE", "state": "TN", "postal_code": "37205"}
}

func subscriber(rng *rand.Rand) map[string]any {
	member := fmt.Sprintf("XJH%09d", rng.IntN(1e9))
	if strings.HasSuffix(member, "99") { // only the chosen ones are rejected
		member = member[:len(member)-1] + "8"
	}
	return map[string]any{
		"member_id": member, "last_name": lastNames[rng.IntN(len(lastNames))],
		"first_name": firstNames[rng.IntN(len(firstNames))], "birth_date": fmt.Sprintf("%d-%02d-%02d", 1940+rng.IntN(60), 1+rng.IntN(12), 1+rng.IntN(28)),
		"gender": []string{"M", "F"}[rng.IntN(2)], "address": address(rng), "group_number": fmt.Sprintf("GRP%04d", rng.IntN(1e4)),
		"claim_filing_indicator": "CI", "payer_responsibility": "P",
	}
}

func day(now time.Time, rng *rand.Rand) time.Time { return now.AddDate(0, 0, -2-rng.IntN(28)) }

func professional(rng *rand.Rand, now time.Time) map[string]any {
	c := clinics[rng.IntN(len(clinics))]
	date := day(now, rng).Format("2006-01-02")
	nDiag := 1 + rng.IntN(4)
	var diags []map[string]any
	for _, k := range rng.Perm(len(diagnoses))[:nDiag] {
		diags = append(diags, map[string]any{"code": diagnoses[k]})
	}
	var lines []map[string]any
	for _, k := range rng.Perm(len(officeCodes))[:1+rng.IntN(3)] {
		l := map[string]any{"procedure": map[string]any{"code": officeCodes[k].code}, "cents": officeCodes[k].cents,
			"units": "1", "service_date": date, "diagnosis_pointers": []int{1 + rng.IntN(nDiag)}}
		lines = append(lines, l)
	}
	return map[string]any{
		"claim_type": "professional",
		"billing_provider": map[string]any{"organization_name": c.name, "npi": c.npi, "tax_id": c.tin, "taxonomy": c.taxonomy,
			"address": map[string]any{"line1": "100 MAIN ST", "city": "NASHVILLE", "state": "TN", "postal_code": "372031234"}},
		"rendering_provider": map[string]any{"npi": "1245319599", "last_name": "SMITH", "first_name": "ANNA", "taxonomy": c.taxonomy},
		"claim":              map[string]any{"place_of_service": "11", "frequency": "1", "diagnoses": diags},
		"service_lines":      lines,
	}
}

func institutional(rng *rand.Rand, now time.Time) map[string]any {
	from := day(now, rng)
	to := from.AddDate(0, 0, 1+rng.IntN(3))
	if !to.Before(now) {
		to = from
	}
	f, t := from.Format("2006-01-02"), to.Format("2006-01-02")
	days := int64(to.Sub(from).Hours()/24) + 1
	return map[string]any{
		"claim_type": "institutional",
		"billing_provider": map[string]any{"organization_name": "SAINT MARY GENERAL HOSPITAL", "npi": "1730145889", "tax_id": "620987654", "taxonomy": "282N00000X",
			"address": map[string]any{"line1": "900 HOSPITAL DR", "city": "MEMPHIS", "state": "TN", "postal_code": "381031000"}},
		"attending_provider": map[string]any{"npi": "1497758544", "last_name": "JONES", "first_name": "ROBERT", "taxonomy": "207R00000X"},
		"claim": map[string]any{"facility_type": "11", "frequency": "1", "statement_from": f, "statement_to": t,
			"admission":      map[string]any{"date": f, "hour": "0930", "type": "1", "source": "7"},
			"discharge_hour": "1400", "patient_status": "01",
			"diagnoses": []map[string]any{
				{"code": "I21.4", "type": "principal", "present_on_admission": "Y"},
				{"code": "I21.4", "type": "admitting"},
				{"code": diagnoses[rng.IntN(len(diagnoses))], "present_on_admission": "Y"},
			},
			"procedures": []map[string]any{{"code": "4A023N7", "date": f, "type": "principal"}}},
		"service_lines": []map[string]any{
			{"revenue_code": "0120", "cents": 200000 * days, "units": fmt.Sprint(days), "unit_type": "DA", "service_date": f},
			{"revenue_code": "0481", "procedure": map[string]any{"code": "93458"}, "cents": int64(520000), "units": "1", "service_date": f},
			{"revenue_code": "0300", "procedure": map[string]any{"code": "80053"}, "cents": int64(16500), "units": "1", "service_date": t},
		},
	}
}

// finish gives the i-th encounter e its id, payer, subscriber (one in 25
// with a member ID the simulated payer rejects), patient control number,
// line ids and charges, and marshals it.
func finish(rng *rand.Rand, e map[string]any, i int, id, pcn, payer string) []byte {
	e["id"], e["payer_id"] = id, payer
	sub := subscriber(rng)
	if i%25 == 24 {
		sub["member_id"] = fmt.Sprintf("MBR%07d99", rng.IntN(1e7))
	}
	e["subscriber"] = sub
	claim := e["claim"].(map[string]any)
	claim["patient_control_number"] = pcn
	var total int64
	for j, l := range e["service_lines"].([]map[string]any) {
		l["line_id"] = fmt.Sprintf("%s-%d", pcn, j+1)
		total += l["cents"].(int64)
		l["charge"] = cents(l["cents"].(int64))
		delete(l, "cents")
	}
	claim["total_charge"] = cents(total)
	b, err := json.Marshal(e)
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return b
}
