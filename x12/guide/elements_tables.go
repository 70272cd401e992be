package guide

// The elements of each segment, by implementation guide, from the guides'
// segment pages: for each element in order, its usage (R required, S
// situational, N not used), its data element number in the X12 element
// dictionary (dataElements, below: type, minimum and maximum length) and,
// for an ID element with a list, the codes the guide allows. A composite
// is its number and its components in parentheses.
//
// Where a segment ID stands in several loops of one guide, its line is
// what every loop allows: an element is R only when every loop requires
// it, N only when none uses it, and its codes are those of all loops. So
// a value one loop refuses and another takes is not an error here; the
// loop-specific rules are in rules.go and the structure's in
// loops_tables.go. The envelope's segments (ISA, GS, ST, SE, GE, IEA) are
// the reader's. Transcribed from the guides with pyx12's maps as the
// reference (TestElementTablesAgreeWithPyx12 holds them to it); the 837D
// (X224A2), which pyx12 has no map for, is the 837P's with its dental
// segments (elementsX224A2).

const elementsX221A1 = `
AMT R 522 =I T AU B6 D8 DY F5 KH NL T2 ZK ZL ZM ZN ZO; R 782; N
BPR R 305 =C D H I P U X; R 782; R 478 =C D; R 591 =ACH BOP CHK FWT NON; S 812 =CCP CTX; S 506 =01 04; S 507; S 569 =DA; S 508; S 509; S 510; S 506 =01 04; S 507; S 569 =DA SG; S 508; R 373; N; N; N; N; N
CAS R 1033 =CO OA PI PR; R 1034; R 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380
CLP R 1028; R 1029 =1 2 3 4 19 20 21 22 23 25; R 782; R 782; S 782; R 1032 =12 13 14 15 16 17 AM CH DS HM LM MA MB MC OF TV VA WC ZZ; R 127; S 1331; S 1325; N; S 1354; S 380; S 954; N
CUR R 98 =PR; R 100; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N
DTM R 374 =036 050 150 151 232 233 405 472; R 373; N; N; N; N
LQ  R 1270 =HE RX; R 1271
LX  R 554
MIA R 380; S 782; S 380; S 782; S 127; S 782; S 782; S 782; S 782; S 782; S 782; S 782; S 782; S 782; S 380; S 782; S 782; S 782; S 782; S 127; S 127; S 127; S 127; S 782
MOA S 954; S 782; S 127; S 127; S 127; S 127; S 127; S 782; S 782
N1  R 98 =PE PR; R 93; S 66 =FI XV XX; S 67; N; N
N3  R 166; S 166
N4  R 19; S 156; S 116; S 26; N; N; S 1715
NM1 R 98 =74 82 GB IL PR QC TT; R 1065 =1 2; S 1035; S 1036; S 1037; N; S 1039; S 66 =C 34 AD BD BS FI HN II MC MI MR NI PC PI PP SL UP XV XX; S 67; N; N; N
PER R 366 =BL CX IC; S 93; S 365 =EM FX TE UR; S 364; S 365; S 364; S 365; S 364; N
PLB R 127; R 373; R C042(R 426 =50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU, S 127); R 782; S C042(R 426, S 127); S 782; S C042(R 426, S 127); S 782; S C042(R 426, S 127); S 782; S C042(R 426, S 127); S 782; S C042(R 426, S 127); S 782
QTY R 673 =CA CD LA LE NE NR OU PS VS ZK ZL ZM ZN ZO; R 380; N; N
RDM R 756 =BM EM FT OL; S 93; S 364; N; N
REF R 128 =0B 0K 1A 1B 1C 1D 1G 1H 1J 1L 1S 1W 28 2U 6P 6R 9A 9C BB CE D3 E9 EA EO EV F2 F8 G1 G2 G3 HI IG LU NF PQ RB SY TJ APC HPI; R 127; N; N
SVC R C003(R 235 =AD ER HC HP IV N4 N6 NU UI WK, R 234, S 1339, S 1339, S 1339, S 1339, N, N); R 782; R 782; S 234; S 380; S C003(R 235 =AD ER HC HP IV N4 NU WK, R 234, S 1339, S 1339, S 1339, S 1339, S 352, N); S 380
TRN R 481 =1; R 127; R 509; S 127
TS2 S 782; S 782; S 782; S 782; S 782; S 782; S 380; S 782; S 782; S 380; S 380; S 380; S 380; S 380; S 782; S 380; S 782; S 782; S 782
TS3 R 127; R 1331; R 373; R 380; R 782; N; N; N; N; N; N; N; S 782; N; S 782; N; S 782; S 782; N; S 782; S 782; S 782; S 380; S 782
`

const elementsX222A1 = `
AMT R 522 =D T A8 F4 F5 EAF; R 782; N
BHT R 1005 =0019; R 353 =00 18; R 127; R 373; R 337; R 640 =CH RP
CAS R 1033 =CO CR OA PI PR; R 1034; R 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380
CLM R 1028; R 782; N; N; R C023(R 1331, R 1332 =B, R 1325); R 1073 =N Y; R 1359 =A B C; R 1073 =N W Y; R 1363 =I Y; S 1351 =P; S C024(R 1362 =AA EM OA, S 1362 =AA EM OA, N, S 156, S 26); S 1366 =02 03 05 09; N; N; N; N; N; N; N; S 1514 =1 2 3 4 5 6 7 8 9 10 11 15
CN1 R 1166 =01 02 03 04 05 06 09; S 782; S 332; S 127; S 338; S 799
CR1 S 355 =LB; S 81; N; R 1317 =A B C D E; R 355 =DH; R 380; N; N; S 352; S 352
CR2 N; N; N; N; N; N; N; R 1342 =A C D E F G M; N; S 352; S 352; N
CR3 R 1322 =I R S; R 355 =MO; R 380; N; N
CRC R 1136 =07 09 70 75 E1 E2 E3 ZZ; R 1073 =N Y; R 1321 =01 04 05 06 07 08 09 12 38 65 AV IH L1 L2 L3 L4 L5 NU S2 ST ZV; S 1321; S 1321; S 1321; S 1321
CTP N; N; N; R 380; R C001(R 355 =F2 GR ME ML UN, N, N, N, N, N, N, N, N, N, N, N, N, N, N); N; N; N; N; N; N
CUR R 98 =85; R 100; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N
DMG R 1250 =D8; R 1251; R 1068 =F M U; N; N; N; N; N; N; N; N
DTP R 374 =011 050 090 091 096 296 297 304 314 360 361 431 435 439 444 453 454 455 461 463 471 472 484 573 607 738 739; R 1250 =D8 RD8; R 1251
FRM R 350; S 1073 =N W Y; S 127; S 373; S 332
HCP R 1473 =00 01 02 03 04 05 06 07 08 09 10 11 12 13 14; R 782; S 782; S 127; S 118; S 127; S 782; N; S 235; S 234; S 355; S 380; S 901 =T1 T2 T3 T4 T5 T6; S 1526 =1 2 3 4 5; S 1527 =1 2 3 4 5 6
HI  R C022(R 1270 =BG BK BP ABK, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG BO ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N); S C022(R 1270 =BF BG ABF, R 1271, N, N, N, N, N, N, N)
HL  R 628; S 734; R 735 =20 22 23; R 736 =0 1
K3  R 449; N; N
LIN N; R 235 =EN EO HI N4 ON UK UP; R 234; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N
LQ  R 1270 =AS UT; R 1271
LX  R 554
MEA R 737 =OG TR; R 738 =HT R1 R2 R3 R4; R 739; N; N; N; N; N; N; N; N; N
MOA S 954; S 782; S 127; S 127; S 127; S 127; S 127; S 782; S 782
N3  R 166; S 166
N4  R 19; S 156; S 116; S 26; N; N; S 1715
NM1 R 98 =40 41 45 77 82 85 87 DK DN DQ IL P3 PE PR PW QB QC; R 1065 =1 2; S 1035; S 1036; S 1037; N; S 1039; S 66; S 67; N; N; N
NTE R 363 =ADD CER DCP DGN TPO; R 352
OI  N; N; R 1073 =N W Y; S 1351 =P; N; R 1363 =I Y
PAT S 1069; N; N; N; S 1250 =D8; S 1251; S 355 =01; S 81; S 1073 =Y
PER R 366 =IC; S 93; R 365 =ED EM FX TE; R 364; S 365 =ED EM EX FX TE; S 364; S 365; S 364; N
PRV R 1221 =BI PE; R 128 =PXC; R 127; N; N; N
PS1 R 127; R 782; N
PWK R 755 =03 04 05 06 07 08 09 10 11 13 15 21 A3 A4 AM AS B2 B3 B4 BR BS BT CB CK CT D2 DA DB DG DJ DS EB HC HR I5 IR LA M1 MT NN OB OC OD OE OX OZ P4 P5 PE PN PO PQ PY PZ RB RR RT RX SG V5 XP; R 756 =AA AB AD AF AG BM EL EM FT FX NS; N; N; S 66; S 67; N; N; N
QTY R 673 =FL PT; R 380; N; N
REF R 128 =0B 1G 1J 1W 2U 4N 6R 9A 9B 9C 9D 9F BT D9 EA EI EW F4 F5 F8 FY G1 G2 LU LX NF P4 SY T4 VY X4 XZ Y4; R 127; N; S C040(R 128 =2U, R 127, N, N, N, N)
SBR R 1138 =A B C D E F G H P S T U; S 1069 =01 18 19 20 21 39 40 53 G8; S 127; S 93; S 1336 =12 13 14 15 16 41 42 43 47; N; N; N; S 1032 =11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ
SV1 R C003(R 235 =ER HC IV WK, R 234, S 1339, S 1339, S 1339, S 1339, S 352, N); R 782; R 355 =MJ UN; R 380; S 1331; N; R C004(R 1328, S 1328, S 1328, S 1328); N; S 1073 =Y; N; S 1073 =Y; S 1073 =Y; N; N; S 1327 =0; N; N; N; N; N; N
SV5 R C003(R 235 =HC, R 234, N, N, N, N, N, N); R 355 =DA; R 380; R 782; R 782; R 594 =1 4 6; N
SVD R 67; R 782; R C003(R 235 =ER HC IV WK, R 234, S 1339, S 1339, S 1339, S 1339, S 352, N); N; R 380; S 554
`

const elementsX223A2 = `
AMT R 522 =D A8 F3 GT N8 EAF; R 782; N
BHT R 1005 =0019; R 353 =00 18; R 127; R 373; R 337; R 640 =31 CH RP
CAS R 1033 =CO CR OA PI PR; R 1034; R 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380; S 1034; S 782; S 380
CL1 R 1315; S 1314; R 1352; N
CLM R 1028; R 782; N; N; R C023(R 1331, R 1332 =A, R 1325); N; R 1359 =A B C; R 1073 =N W Y; R 1363 =I Y; N; N; N; N; N; N; N; N; N; N; S 1514 =1 2 3 4 5 6 7 8 9 10 11 15
CN1 R 1166 =01 02 03 04 05 06 09; S 782; S 332; S 127; S 338; S 799
CRC R 1136 =ZZ; R 1073 =N Y; R 1321 =AV NU S2 ST; S 1321; S 1321; N; N
CTP N; N; N; R 380; R C001(R 355 =F2 GR ME ML UN, N, N, N, N, N, N, N, N, N, N, N, N, N, N); N; N; N; N; N; N
CUR R 98 =85; R 100; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N
DMG R 1250 =D8; R 1251; R 1068 =F M U; N; N; N; N; N; N; N; N
DTP R 374 =050 096 434 435 472 573; R 1250 =D8 DT TM RD8; R 1251
HCP R 1473 =00 01 02 03 04 05 06 07 08 09 10 11 12 13 14; R 782; S 782; S 127; S 118; S 127; S 782; S 234; S 235; S 234; S 355 =DA UN; S 380; S 901 =T1 T2 T3 T4 T5 T6; S 1526 =1 2 3 4 5; S 1527 =1 2 3 4 5 6
HI  R C022(R 1270 =BE BF BG BH BI BJ BK BN BQ BR DR PR TC ABF ABJ ABK ABN APR BBQ BBR CAH, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ PR TC ABF ABN APR BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ PR TC ABF ABN APR BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ TC ABF ABN BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ TC ABF ABN BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ TC ABF ABN BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ TC ABF ABN BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ TC ABF ABN BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ TC ABF ABN BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ TC ABF ABN BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ TC ABF ABN BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073); S C022(R 1270 =BE BF BG BH BI BN BQ TC ABF ABN BBQ, R 1271, S 1250, S 1251, S 782, N, N, N, S 1073)
HL  R 628; S 734; R 735 =20 22 23; R 736 =0 1
K3  R 449; N; N
LIN N; R 235 =N4; R 234; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N; N
LX  R 554
MIA R 380; N; S 380; S 782; S 127; S 782; S 782; S 782; S 782; S 782; S 782; S 782; S 782; S 782; S 380; S 782; S 782; S 782; S 782; S 127; S 127; S 127; S 127; S 782
MOA S 954; S 782; S 127; S 127; S 127; S 127; S 127; S 782; S 782
N3  R 166; S 166
N4  R 19; S 156; S 116; S 26; N; N; S 1715
NM1 R 98 =40 41 71 72 77 82 85 87 DN IL PE PR QC ZZ; R 1065 =1 2; S 1035; S 1036; S 1037; N; S 1039; S 66; S 67; N; N; N
NTE R 363 =ADD ALG DCP DGN DME MED NTR ODT RHB RLH RNH SET SFM SPT TPO UPI; R 352
OI  N; N; R 1073 =N W Y; N; N; R 1363 =I Y
PAT R 1069 =01 19 20 21 39 40 53 G8; N; N; N; N; N; N; N; N
PER R 366 =IC; S 93; R 365 =EM FX TE; R 364; S 365 =EM EX FX TE; S 364; S 365 =EM EX FX TE; S 364; N
PRV R 1221 =AT BI; R 128 =PXC; R 127; N; N; N
PWK R 755 =03 04 05 06 07 08 09 10 11 13 15 21 A3 A4 AM AS B2 B3 B4 BR BS BT CB CK CT D2 DA DB DG DJ DS EB HC HR I5 IR LA M1 MT NN OB OC OD OE OX OZ P4 P5 PE PN PO PQ PY PZ RB RR RT RX SG V5 XP; R 756 =AA BM EL EM FT FX; N; N; S 66 =AC; S 67; N; N; N
REF R 128 =0B 1G 1W 2U 4N 6R 9A 9B 9C 9D 9F D9 EA EI F8 FY G1 G2 G4 LU LX NF P4 SY T4 VY XZ Y4; R 127; N; S C040(R 128 =2U, R 127, N, N, N, N)
SBR R 1138 =A B C D E F G H P S T U; S 1069 =01 18 19 20 21 39 40 53 G8; S 127; S 93; N; N; N; N; S 1032 =11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ
SV2 R 234; S C003(R 235 =ER HC HP IV WK, R 234, S 1339, S 1339, S 1339, S 1339, S 352, N); R 782; R 355 =DA UN; R 380; N; S 782; N; N; N
SVD R 67; R 782; S C003(R 235 =ER HC HP IV WK, R 234, S 1339, S 1339, S 1339, S 1339, S 352, N); R 234; R 380; S 554
`

const elementsX231A1 = `
AK1 R 479 =BE HB HC HI HN HP HR HS RA; R 28; R 480
AK2 R 143 =270 271 276 277 278 820 834 835 837; R 329; S 1705
AK9 R 715 =A E M P R W X; R 97; R 123; R 2; S 716 =1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26; S 716 =1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26; S 716 =1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26; S 716 =1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26; S 716 =1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26
CTX R C998(R 9999, S 9998); S 721; S 719; S 447; S C030(R 722, S 1528, S 1686); S C999(R 725, N)
IK3 R 721; R 719; S 447; S 620 =1 2 3 4 5 6 7 8 I4 I6 I7 I8 I9
IK4 R C030(R 722, S 1528, S 1686); S 725; R 621 =1 2 3 4 5 6 7 8 9 10 11 12 13 I6 I9 I10 I11 I12 I13; S 724
IK5 R 717 =A E M R W X; S 618 =1 2 3 4 5 6 7 8 9 10 11 12 13 15 16 17 18 19 23 24 25 26 27 I5 I6; S 618 =1 2 3 4 5 6 7 8 9 10 11 12 13 15 16 17 18 19 23 24 25 26 27 I5 I6; S 618 =1 2 3 4 5 6 7 8 9 10 11 12 13 15 16 17 18 19 23 24 25 26 27 I5 I6; S 618 =1 2 3 4 5 6 7 8 9 10 11 12 13 15 16 17 18 19 23 24 25 26 27 I5 I6; S 618 =1 2 3 4 5 6 7 8 9 10 11 12 13 15 16 17 18 19 23 24 25 26 27 I5 I6
`

const elementsX214 = `
AMT R 522 =YU YY; R 782; N
BHT R 1005 =0085; R 353 =08; R 127; R 373; R 337; R 640 =TH
DTP R 374 =009 050 472; R 1250 =D8 RD8; R 1251
HL  R 628; S 734; R 735 =19 20 21 PT; S 736 =0 1
NM1 R 98 =41 85 AY PR QC; R 1065 =1 2; R 1035; S 1036; S 1037; S 1038; S 1039; R 66 =46 FI II MI PI SV XV XX; R 67; N; N; N
QTY R 673 =90 AA QA QC; R 380; N; N
REF R 128 =0B 1G 1K D9 FJ G2 LU SY TJ XZ BLT; R 127; N; N
STC R C043(R 1271, R 1271, S 98 =03 1P 1Z 36 40 41 71 72 73 77 82 85 87 AY DK DN DQ FA GB HK IL LI PR QB QC QD TL TU MSC PRP SEP TTP, N); S 373; R 306 =U WQ; S 782; N; N; N; N; N; S C043(R 1271, R 1271, S 98, N); S C043(R 1271, R 1271, S 98, N); S 933
SVC R C003(R 235 =AD ER HC HP IV NU WK, R 234, S 1339, S 1339, S 1339, S 1339, N); R 782; N; S 234; N; N; S 380
TRN R 481 =1 2; R 127; N; N
`

const elementsX212 = `
BHT R 1005 =0010; R 353 =08; R 127; R 373; R 337; R 640 =DG
DTP R 374 =472; R 1250 =D8 RD8; R 1251
HL  R 628; S 734; R 735 =19 20 21 22 23; S 736
NM1 R 98 =1P 41 IL PR QC; R 1065 =1 2; S 1035; S 1036; S 1037; N; S 1039; S 66; S 67; N; N; N
PER R 366 =IC; S 93; R 365 =ED EM FX TE; R 364; S 365 =ED EM EX FX TE; S 364; S 365 =ED EM EX FX TE; S 364; N
REF R 128 =1K D9 EJ FJ VV XZ BLT; R 127; N; N
STC R C043(R 1271, R 1271, S 98 =03 13 17 1E 1G 1H 1I 1O 1P 1Q 1R 1S 1T 1U 1V 1W 1X 1Y 1Z 28 2A 2B 2D 2E 2I 2K 2P 2Q 2S 2Z 30 36 3A 3C 3D 3E 3F 3G 3H 3I 3J 3K 3L 3M 3N 3O 3P 3Q 3R 3S 3T 3U 3V 3W 3X 3Y 3Z 40 41 43 44 4A 4B 4C 4D 4E 4F 4G 4H 4I 4J 4L 4M 4N 4O 4P 4Q 4R 4S 4U 4V 4W 4X 4Y 4Z 5A 5B 5C 5D 5E 5F 5G 5H 5I 5J 5K 5L 5M 5N 5O 5P 5Q 5R 5S 5T 5U 5V 5W 5X 5Y 5Z 61 6A 6B 6C 6D 6E 6F 6G 6H 6I 6J 6K 6L 6M 6N 6O 6P 6Q 6R 6S 6U 6V 6W 6X 6Y 71 72 73 74 77 7C 80 82 84 85 87 95 AY CK CZ D2 DD DJ DK DN DO DQ E1 E2 E7 E9 FA FD FE G0 G3 GB GD GI GJ GK GM GY HF HH I3 IJ IL IN LI LR MR OB OD OX P0 P2 P3 P4 P6 P7 PR PT PV PW QA QB QC QD QE QH QK QL QN QO QS QV QY RC RW S4 SJ SU T4 TL TQ TT TU UH X3 X4 X5 ZZ MSC PRP SEP TTP, S 1270); R 373; N; S 782; S 782; S 373; N; S 373; S 429; S C043(R 1271, R 1271, S 98, S 1270); S C043(R 1271, R 1271, S 98, S 1270); N
SVC R C003(R 235 =AD ER HC HP IV N4 NU WK, R 234, S 1339, S 1339, S 1339, S 1339, N, N); R 782; R 782; S 234; N; N; R 380
TRN R 481 =1 2; R 127; N; N
`

const dataElements = `
2 N0 1-6 Number of Accepted Transaction Sets
19 AN 2-30 City Name
26 ID 2-3 Country Code
28 N0 1-9 Group Control Number
61 AN 1-30 Free-form Information
66 ID 1-2 Identification Code Qualifier
67 AN 2-80 Identification Code
81 R 1-10 Weight
93 AN 1-60 Name
97 N0 1-6 97
98 ID 2-3 Entity Identifier Code
100 ID 3-3 Currency Code
116 ID 3-15 Postal Code
118 R 1-9 Rate
123 N0 1-6 Number of Received Transaction Sets
127 AN 1-50 Reference Identification
128 ID 2-3 Reference Identification Qualifier
143 ID 3-3 Transaction Set Identifier Code
156 ID 2-2 State or Province Code
166 AN 1-55 Address Information
212 R 1-17 Unit Price
234 AN 1-48 Product/Service ID
235 ID 2-2 Product/Service ID Qualifier
236 ID 3-3 Price Identifier Code
280 R 4-10 Exchange Rate
289 N0 1-2 Multiple Price Quantity
305 ID 1-2 Transaction Handling Code
306 ID 1-2 Action Code
309 ID 1-2 Location Qualifier
310 AN 1-30 Location Identifier
329 AN 4-9 Transaction Set Control Number
332 R 1-6 Percent, Decimal Format
337 TM 4-8 Time
338 R 1-6 Terms Discount Percent
350 AN 1-20 Assigned Identification
352 AN 1-80 Description
353 ID 2-2 Transaction Set Purpose Code
355 ID 2-2 Unit or Basis for Measurement Code
363 ID 3-3 Note Reference Code
364 AN 1-256 Communication Number
365 ID 2-2 Communication Number Qualifier
366 ID 2-2 Contact Function Code
373 DT 8-8 Date
374 ID 3-3 Date/Time Qualifier
380 R 1-15 Quantity
426 ID 2-2 Adjustment Reason Code
429 AN 1-16 Check Number
443 AN 1-20 Contact Inquiry Reference
447 AN 1-4 Loop Identifier Code
449 AN 1-80 Fixed Format Information
478 ID 1-1 Credit/Debit Flag Code
479 ID 2-2 Functional Identifier Code
480 AN 1-12 Version / Release / Industry Identifier Code
481 ID 1-2 Trace Type Code
499 AN 1-10 Condition Value
506 ID 2-2 (DFI) ID Number Qualifier
507 AN 3-12 (DFI) Identification Number
508 AN 1-35 Account Number
509 AN 10-10 Originating Company Identifier
510 AN 9-9 Originating Company Supplemental Code
522 ID 1-3 Amount Qualifier Code
554 N0 1-6 Assigned Number
569 ID 1-3 Account Number Qualifier
584 ID 2-2 Employment Status Code
591 ID 3-3 Payment Method Code
594 ID 1-1 Frequency Code
609 N0 1-9 Count
618 ID 1-3 Implementation Transaction Set Syntax Error Code
620 ID 1-3 Implementation Segment Syntax Error Code
621 ID 1-3 Implementation Data Element Syntax Error Code
623 ID 2-2 Time Code
628 AN 1-12 Hierarchical ID Number
639 ID 2-2 Basis of Unit Price Code
640 ID 2-2 Transaction Type Code
648 ID 3-3 Price Multiplier Qualifier
649 R 1-10 Multiplier
659 ID 1-2 Basis of Verification Code
669 ID 3-3 Currency Market/Exchange Code
673 ID 2-2 Quantity Qualifier
687 ID 2-2 Class of Trade Code
706 ID 2-2 Entity Relationship Code
715 ID 1-1 Functional Group Acknowledgment Code
716 ID 1-3 Functional Group Syntax Error Code
717 ID 1-1 Transaction Set Acknowledgment Code
719 N0 1-6 Segment Position in Transaction Set
721 ID 2-3 Segment ID Code
722 N0 1-2 Element Position in Segment
724 AN 1-99 Copy of Bad Data Element
725 N0 1-4 Data Element Reference Number
734 AN 1-12 Hierarchical Parent ID Number
735 ID 1-2 Hierarchical Level Code
736 ID 1-1 Hierarchical Child Code
737 ID 2-2 Measurement Reference ID Code
738 ID 1-3 Measurement Qualifier
739 R 1-20 Measurement Value
740 R 1-20 Range Minimum
741 R 1-20 Range Maximum
752 ID 2-2 Surface/Layer/Position Code
755 ID 2-2 Report Type Code
756 ID 1-2 Report Transmission Code
757 N0 1-2 Report Copies Needed
782 R 1-18 Monetary Amount
799 AN 1-30 Version Identifier
812 ID 1-10 Payment Format Code
901 ID 2-2 Reject Reason Code
923 ID 1-1 Prognosis Code
933 AN 1-264 Free-form Message Text
935 ID 2-2 Measurement Significance Code
936 ID 2-2 Measurement Attribute Code
954 R 1-10 Percentage as Decimal
1005 ID 4-4 Hierarchical Structure Code
1018 R 1-15 Exponent
1028 AN 1-38 Claim Submitter's Identifier
1029 ID 1-2 Claim Status Code
1032 ID 1-2 Claim Filing Indicator Code
1033 ID 1-2 Claim Adjustment Group Code
1034 ID 1-5 Claim Adjustment Reason Code
1035 AN 1-60 Name Last or Organization Name
1036 AN 1-35 Name First
1037 AN 1-25 Name Middle
1038 AN 1-10 Name Prefix
1039 AN 1-10 Name Suffix
1048 ID 1-3 Business Function Code
1065 ID 1-1 Entity Type Qualifier
1066 ID 1-2 Citizenship Status Code
1067 ID 1-1 Marital Status Code
1068 ID 1-1 Gender Code
1069 ID 2-2 Individual Relationship Code
1073 ID 1-1 Yes/No Condition or Response Code
1136 ID 2-2 Code Category
1138 ID 1-1 Payer Responsibility Sequence Number Code
1143 ID 1-1 Coordination of Benefits Code
1166 ID 2-2 Contract Type Code
1220 ID 1-1 Student Status Code
1221 ID 1-3 Provider Code
1223 ID 3-3 Provider Organization Code
1250 ID 2-3 Date Time Period Format Qualifier
1251 AN 1-35 Date Time Period
1270 ID 1-3 Code List Qualifier Code
1271 AN 1-30 Industry Code
1314 ID 1-1 Admission Source Code
1315 ID 1-1 Admission Type Code
1316 ID 1-1 Ambulance Transport Code
1317 ID 1-1 Ambulance Transport Reason Code
1321 ID 2-3 Condition Indicator
1322 ID 1-1 Certification Type Code
1325 ID 1-1 Claim Frequency Type Code
1327 ID 1-1 Copay Status Code
1328 N0 1-2 Diagnosis Code Pointer
1331 AN 1-2 Facility Code Value
1332 ID 1-2 Facility Code Qualifier
1333 ID 1-2 Record Format Code
1334 ID 1-1 Health Care Professional Shortage Area Code
1335 ID 1-1 Insulin Dependent Code
1336 ID 1-3 Insurance Type Code
1337 ID 1-1 Level of Care Code
1338 ID 1-3 Level of Service Code
1339 AN 2-2 Procedure Modifier
1340 ID 1-2 Multiple Procedure Code
1341 AN 1-2 National or Local Assigned Review Value
1342 ID 1-1 Nature of Condition Code
1343 ID 1-2 Non-Institutional Claim Type Code
1345 ID 1-1 Nursing Home Residential Status Code
1351 ID 1-1 Patient Signature Source Code
1352 ID 1-2 Patient Status Code
1354 ID 1-4 Diagnosis Related Group (DRG) Code
1358 ID 1-1 Prosthesis, Crown or Inlay Code
1359 ID 1-1 Provider Accept Assignment Code
1360 ID 1-1 Provider Agreement Code
1361 ID 1-3 Oral Cavity Designation Code
1362 ID 2-3 Related-Causes Code
1363 ID 1-1 Release of Information Code
1364 ID 1-2 Review Code
1365 ID 1-2 Service Type Code
1366 ID 2-3 Special Program Code
1367 ID 2-3 Subluxation Level Code
1368 ID 1-2 Tooth Status Code
1369 ID 1-2 Tooth Surface Code
1371 R 1-10 Unit Rate
1373 ID 2-4 Measurement Method or Device
1383 ID 2-2 Claim Submission Reason Code
1384 ID 1-1 Patient Location Code
1473 ID 2-2 Pricing Methodology
1514 ID 1-2 Delay Reason Code
1525 ID 1-2 Request Category Code
1526 ID 1-2 Policy Compliance Code
1527 ID 1-2 Exception Code
1528 N0 1-2 Composite Data Element Position in Composite
1686 N0 1-4 Repeating Data Element Position
1705 AN 1-35 Implementation Convention Reference
1715 ID 1-3 Country Subdivision Code
9998 AN 1-35 Context Reference
9999 AN 1-35 Context Name
`

// elementsX224A2 are the 837D's segments that differ from the 837P's:
// the dental ones (DN1, DN2, SV3, TOO, and SVD, whose SVD03-1 is AD), the dates (DTP*441 prior
// placement, DTP*452 appliance placement), the assistant surgeon (NM1*DD,
// PRV*AS), the predetermination's number (REF*G3) and the claim, whose CLM19 says a
// predetermination of benefits (PB) and whose CLM05-2 is B. The rest of
// the 837D's segments are the 837P's lines.
const elementsX224A2 = `
CLM R 1028; R 782; N; N; R C023(R 1331, R 1332 =B, R 1325); R 1073 =N Y; R 1359 =A B C; R 1073 =N W Y; R 1363 =I Y; S 1351 =P; S C024(R 1362 =AA AP EM OA, S 1362 =AA AP EM OA, N, S 156, S 26); S 1366 =02 03 05 09; N; N; N; N; N; N; S 1383 =PB; S 1514 =1 2 3 4 5 6 7 8 9 10 11 15
DTP R 374 =011 050 090 091 096 196 198 296 297 304 314 360 361 431 435 439 441 444 446 452 453 454 455 461 463 471 472 484 573 607 738 739; R 1250 =D8 RD8; R 1251
NM1 R 98 =40 41 45 77 82 85 87 DD DK DN DQ IL P3 PE PR PW QB QC; R 1065 =1 2; S 1035; S 1036; S 1037; N; S 1039; S 66; S 67; N; N; N
PRV R 1221 =AS BI PE; R 128 =PXC; R 127; N; N; N
REF R 128 =0B 1G 1J 1W 2U 4N 6R 9A 9B 9C 9D 9F BT D9 EA EI EW F4 F5 F8 FY G1 G2 G3 LU LX NF P4 SY T4 VY X4 XZ Y4; R 127; N; S C040(R 128 =2U, R 127, N, N, N, N)
DN1 S 380; S 380; N; S 352
DN2 R 127; R 1368 =E I M X; N; N; N; R 1270 =JP
SV3 R C003(R 235 =AD, R 234, S 1339, S 1339, S 1339, S 1339, S 352); R 782; S 1331; S C006(R 1361 =00 01 02 09 10 20 30 40 L R, S 1361 =00 01 02 09 10 20 30 40 L R, S 1361 =00 01 02 09 10 20 30 40 L R, S 1361 =00 01 02 09 10 20 30 40 L R, S 1361 =00 01 02 09 10 20 30 40 L R); S 1358 =I R; S 380; N; N; N; N; S C004(R 1328, S 1328, S 1328, S 1328)
SVD R 67; R 782; R C003(R 235 =AD, R 234, S 1339, S 1339, S 1339, S 1339, S 352, N); N; R 380; S 554
TOO R 1270 =JP; R 1271; S C005(R 1369 =B D F I L M O V, S 1369 =B D F I L M O V, S 1369 =B D F I L M O V, S 1369 =B D F I L M O V, S 1369 =B D F I L M O V)
`
