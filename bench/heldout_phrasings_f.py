"""Held-out set F: a fifth fresh phrasing set for the student-PII benchmark, written blind.

Written from the ARCHITECTURE contract (section 5) and the label rules in
``heldout_district.py`` alone, without reading the detectors, their context vocabularies,
their tests or their documentation, and before any run of this set; no sentence is taken
or lightly reworded from set B, set C, set D, set E or the in-sample templates. The first
run is to be done once, untuned, by someone who did not write it; that figure is the honest
held-out number. Same placeholders as ``heldout_phrasings_e.py`` (``{S2f}`` is a first-name
re-mention of the bystander ``{S2}``, ``{S4}`` a third bystander, ``{n}`` a small count);
its own seed, so its roster differs from sets B, C, D and E.

The posts mix registers: formal notices from sponsors, the counseling office and booster
clubs, long multi-sentence updates, bulleted and numbered lists, Q&A comment threads,
parents replying to one another, and students texting in lower case with slang. Topics span
clubs, teams, band, theater, robotics, yearbook, field trips, fundraisers and class pages.
Record templates tie the post's student to grades or test scores (good news included),
discipline, attendance, health, IEP/504 or special education, often indirectly (a case
manager, a behavior intervention plan, a scribe, doctor's orders, an elevator pass, a
credit shortfall). The negatives are directory information (awards, honors, honor roll,
offices, activities, sports statistics, cast lists), record words about staff, guardians,
outsiders, relatives, fiction, topics or policies, district and business contacts, school
and venue addresses, and numbers that are no student's (orders, invoices, raffle tickets,
scores, times, room and jersey numbers, event dates).

Ambiguous cases were left out rather than guessed: academic-competition scores (quiz bowl
points), attendance-themed superlatives, AP Scholar and National Merit standings, a student
donating blood or getting a flu shot at a school clinic, a driver's-education test.

    python bench/heldout_phrasings_f.py --out /tmp/heldout-f   # writes the district

Recorded first run (``bench/student_pii_quality.py --set heldout-f``, span level, 2026-11-29,
untuned: the detectors as of commit 5eab4d9, after the rounds that tuned on B, C, D and E)::

    category                 gold   pred    prec  recall      F1
    pii.student_name          113    105  0.9810  0.9115  0.9450
    pii.education_record      340    271  0.8524  0.6794  0.7561
    pii.student_id             52     64  0.8125  1.0000  0.8966
    pii.phone                  38     45  0.8444  1.0000  0.9157
    pii.email                  43     43  1.0000  1.0000  1.0000
    pii.address                13     19  0.6842  1.0000  0.8125
    pii.birthdate              20     22  0.9091  1.0000  0.9524
    pii.ssn                    15     15  1.0000  1.0000  1.0000
    micro overall             634    584  0.8818  0.8123  0.8456

The honest held-out figure after the set-E round (E itself scored 0.8389 on its first run).
Any later figure is after tuning on this set.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from heldout_district import PHRASING_MIX, phrasing_set, write_set_main
from heldout_district import others as _d
from heldout_district import records as _r

SEED = 28463
NAME = "hf6"
POSTS = 1000


# -- record posts: the post's student (and {S2r}) tied to an education record ------------------
GRADES = _r(
    "grades",
    "Booster club eligibility report, week {n}: {S} is the only varsity player with two "
    "failing marks, {subj} and chemistry.",
    "Q: why isn't {S} on the bus to the speech meet?\nA: {His} {subj} grade fell below passing at "
    "Friday's grade pull.",
    "{S} pulled a 98 on the {subj} midterm without studying and we are all furious about it 😤",
    "Not the teacher, just a very happy parent: {S} brought home {his} first A ever in {subj}!",
    "{S} bombed the ACT science section (a 14) and is already signed up to test again.",
    "Yearbook superlatives are on hold for {S} until the missing lab reports are in; {he} {is} "
    "at 51% in {subj} right now.",
    "{S's} progress report: 71 in {subj}, 66 in chemistry, 88 in band. Not great, not terrible.",
    "so {S} just found out {he} failed the {subj} final and the retake is the same day as prom 😭",
    "Robotics captains, please note that {S} is academically ineligible for the regional "
    "because of {his} {subj} grade; {S2} will drive instead.",
    "{S} got {his} SAT scores back, a 1010, so {he} will register for the March retake.",
    "The {subj} common assessment results are in, and {S} had the top mark in the building, a 97.",
    "Honors placement letters went out. {S} did not make the cut after scoring a 68 on the "
    "placement test.",
    "Theater parents: {S} has to step down as Juliet. Two Fs on the quarter report card, and "
    "the handbook is clear.",
    "Field trip eligibility list is posted, and {S} is not on it because {he} {is} failing "
    "{subj}. {S2} takes the empty seat on bus 2.",
    "{S} finished the semester with a 0.9 GPA, and the coaches have asked the family in to talk "
    "about eligibility.",
    "band kids: {S} needs a tutor for {subj} asap, {he} got 34/100 on the last test and grade "
    "check is {day}",
    "Credit check from the counseling office: {S} still owes half a credit of {subj}, which "
    "{he} must make up online before June.",
    "Well deserved! {S} got a perfect score on the state science exam.",
    "{S} and {S2r} both have incompletes in {subj}, so neither can travel until the work is in.",
)
GRADES_INDIRECT = _r(
    "grades/indirect",
    "{S} is on the list for mandatory study table because of first-quarter marks.",
    "{S's} parents got the letter saying {he} may be held back a year.",
    "Yearbook: don't put {S} with the graduating seniors. {He} won't have enough credits until "
    "December.",
)
DISCIPLINE = _r(
    "discipline",
    "Per the athletic code, {S} sits out the next two meets for a conduct violation on the "
    "away trip.",
    "{S} got caught with answers written inside {his} water bottle label during the {subj} "
    "test. Zero on the test plus a referral.",
    "Formal notice from the {club} sponsor: due to an ongoing disciplinary matter, {S} is "
    "removed from all club activities until further notice.",
    "{S} signed a conduct agreement with the dean this semester, so the overnight band trip "
    "depends on {his} record staying clean.",
    "Parent here, replying to the thread: yes, {S} was the one sent home {day}. It was a "
    "two-day suspension, not an expulsion, so please stop the rumors.",
    "{S} got placed at the alternative learning center for 45 days after the parking lot incident.",
    "{S} was written up by the bus driver for throwing stuff out the window on the field trip.",
    "the way {S} got detention for saying 'bruh' to the sub 💀",
    "Academic integrity case: {S} turned in an AI-written essay in {subj}, got a zero, and was "
    "referred to the dean.",
    "{S} can't attend homecoming after the vandalism in the robotics lab.",
    "Expulsion hearing for {S} is set for {day}; the family has hired a lawyer.",
    "Saturday school roster: {S}, {S2r}, and two kids from the middle school.",
    "Team update: {S} will not travel to the invitational. This is a school discipline matter "
    "and we won't discuss it further here.",
    "{S} lost off-campus lunch for the rest of the year after leaving without signing out.",
    "Long update from the booster club meeting. Concessions made $640, the new banner is "
    "ordered, and senior night is {DATE}. One more thing: {S} will not walk with the seniors "
    "because {he} {is} still suspended, and the family asked that we not make a big deal of it.",
)
ATTENDANCE = _r(
    "attendance",
    "{S} has {n} tardies to first period this quarter and the office is calling home.",
    "Has anyone seen {S} lately? {He} {has} not been in {subj} since the week before Thanksgiving.",
    "Attendance office letter: {S} is now chronically absent, with 19 of the first 90 days missed.",
    "{S} has signed out early at 10:45 every {day} this month.",
    "Chaperone reminder: {S} was absent the day we went over the trip rules, so someone please "
    "fill {him} in.",
    "The attendance secretary confirmed {S} is marked unexcused for the whole week of the ski "
    "trip.",
    "lol {S} cut 6th period to get boba and {his} mom got the automated call",
    "{S} will be out three weeks for a family trip to Lagos; the teachers are putting together "
    "a work packet.",
    "Court date for {S's} truancy case is {day}, and the school has to send someone.",
    "Hi coach, {S's} mom here. {S} was marked absent first period but was in the nurse's "
    "office the whole time; can you help get it fixed?",
    "FYI: {S} was withdrawn for non-attendance after 15 straight days out.",
    "Q: is {S} still in the musical?\nA: not sure, {he} {has} missed like every school day "
    "since winter break",
)
HEALTH = _r(
    "health",
    "Drumline parents: {S} had {his} wisdom teeth out {day} and won't march until the swelling "
    "goes down.",
    "{S's} peanut allergy is severe, so the yearbook room is a nut-free zone from now on.",
    "Prayers for {S} please 🙏 {he} {was} in a car accident last night and {is} in the ICU",
    "{S} has asthma and keeps an inhaler in {his} cleat bag; if {he} starts wheezing, get the "
    "trainer.",
    "{S} tore {his} ACL in the second half and won't be back this season. Surgery is next week.",
    "{S} has been having panic attacks and meets with the school psychologist twice a week.",
    "Robotics competition note: {S} is type 1 diabetic, and {his} glucose monitor may beep "
    "during the match. That's fine.",
    "Update from the trainer: {S} is in concussion protocol and may not return to play until "
    "a doctor signs off.",
    "{S} got mono from who knows where and is out for at least two weeks 🙃",
    "{S} fainted during the choir concert tonight. Paramedics checked {him} over; {he} {is} "
    "okay, just dehydrated.",
    "{S} is on crutches after breaking an ankle at the trampoline park, so {he} will run the "
    "soundboard instead of dancing.",
    "{S} is being treated for anorexia, and the coaches are adjusting {his} training load.",
    "{S} has epilepsy. The strobe effects are cut from the winter show so {he} can be on stage.",
    "Model UN trip: {S} takes medication at 8 p.m. every night and the chaperone will hold it.",
    "Heads up, {S} tested positive for strep, so anyone who shared {his} water bottle at "
    "practice should watch for symptoms.",
    "{S} is starting chemo for leukemia. The robotics team is selling bracelets to help the "
    "family with medical bills.",
    "{S} got a cast on {his} wrist yesterday, so no trombone for six weeks. Sad trombone noises.",
    "idk if {S} told y'all but {he} {has} been in the psych unit since Saturday, pls just send "
    "good vibes",
    "{S} lost some hearing in one ear after the infection and needs to stand stage left during "
    "rehearsals.",
    "{S} has a latex allergy, so the art club is switching to nitrile gloves for the mural.",
    "{S} went to the ER with chest pain after the scrimmage; the tests were clear and {he} {is} "
    "resting at home.",
    "Q: is {S} doing the talent show?\nA: no, {he} broke {his} collarbone skateboarding\nQ: oh "
    "no 😢",
)
HEALTH_INDIRECT = _r(
    "health/indirect",
    "{S} can't swim this semester; doctor's orders after what happened in August.",
    "Please don't offer {S} anything from the bake sale table. {His} dietitian has {him} on a "
    "strict plan right now.",
    "{S} is back this week after the hospital stay. Go easy on {him} at practice.",
    "{S} has an elevator pass for the rest of the year, so give {him} a few extra minutes to "
    "get to the band room.",
)
IEP = _r(
    "iep504",
    "For the district robotics written exam, {S} works with a scribe, as written in {his} IEP.",
    "{S's} 504 accommodations include preferential seating and breaks, and the tournament "
    "judges have been told.",
    "Annual IEP review for {S} is Thursday at 3; {T} will cover rehearsal.",
    "Parents of {S} here: the 504 says {he} gets copies of notes, so could the sponsor email "
    "the trip packet?",
    "Under {his} IEP {S} may use a reference sheet on every test, which is why {he} had one "
    "at the math meet.",
    "Per {S's} behavior intervention plan, give {him} a five-minute warning before each "
    "transition at practice.",
    "{S} got a 504 plan after last spring's concussion, so {his} {subj} tests are shortened.",
    "The IEP team decided {S} will have a dedicated para starting Monday.",
)
IEP_INDIRECT = _r(
    "iep504/indirect",
    "{S's} case manager asked us to send the choir music a week early so {he} can practice it "
    "with {his} support teacher.",
    "{S} takes quizzes in the testing center with extra time, so the club certification quiz "
    "will go there too.",
    "{S} has accommodations for written work, so {he} will record {his} reflection instead of "
    "writing it.",
)
SPED = _r(
    "special_ed",
    "{S} is one of the students from our transition special ed classroom who run the coffee "
    "cart every Friday morning. Go buy a latte!",
    "{S} is in the Bridges program (our special education classroom) and will sing with the "
    "choir at the spring concert.",
    "{S} gets speech therapy twice a week and rehearses {his} lines with the speech pathologist.",
    "{S} was found eligible for special education services under specific learning disability.",
    "{S} has autism and is the loudest cheerleader on our unified flag football team.",
    "{S} is in co-taught {subj} with the learning support teacher and a para.",
    "{S} gets pulled for OT every Tuesday during study hall, so the yearbook meeting moves to "
    "Wednesday.",
    "Our Best Buddies match this year pairs {S2} with {S} from the special education classroom.",
    "{S} reads at a second-grade level and works with the reading specialist every morning.",
)
FIRST = _r(
    "first-name",
    "Welcome to the drama club, {S}! So everyone knows, {Sf} has used a wheelchair since the "
    "accident, so the stage ramp stays up.",
    "{S} is our new drum major. {Sf} also just finished a week of in-school suspension, so "
    "this is a fresh start!",
    "Shoutout to {S} for the poster design. {Sf} did it from a hospital bed after surgery.",
    "Yearbook staff: {S} is editing the sports pages. {Sf} has extended time under a 504, so "
    "give {him} the deadline list early.",
    "Re: {S}. {Sf} was absent {n} days last month, so the mentor program is checking in with "
    "the family.",
)
BYSTANDER = _r(
    "record+bystander",
    "{S2} will emcee the talent show since {S} is still recovering from the car accident.",
    "Congrats to {S2} and {S3} on all-district band! {S} auditioned too but couldn't play "
    "after hand surgery.",
    "{S2} scored twice and {S3} had the assist. {S} cheered from the bench, still on crutches "
    "from the sprain.",
    "Debate pairings: {S2} and {S3} in varsity, {S} back in novice after failing {subj} last "
    "semester.",
)
LISTS = _r(
    "record/list",
    "Ski club bus list:\n1) {S2}\n2) {S3}\n3) {S} (medical form on file: asthma, carries an "
    "inhaler)\n4) {S4}",
    "Band trip roommates\n• Room 312: {S2}, {S3}\n• Room 314: {S}, next to the chaperone per "
    "{his} 504",
    "Theater crew check-in\n- {S2}: lights\n- {S}: excused, ISS through {day}\n- {S3}: props",
)

# -- directory information (labelled only for an opted-out student) -----------------------------
DIRECTORY = _d(
    "directory",
    "Yearbook sneak peek: the cover photo is by {S}, a shot of the student section at homecoming.",
    "Congratulations to {S}, named drum major for next fall's marching season.",
    "Robotics update: {S} and {S2} drove our robot to a 3-1 record at the qualifier. Alliance "
    "captain next round!",
    "{S} broke 50 seconds in the 400 for the first time: 49.87!",
    "Class of 2027 officers: president {S}, vice president {S2}, secretary {S3}.",
    "FFA news: {S} placed third in the state public speaking contest with a talk on soil "
    "conservation.",
    "The booster club thanks {S} for selling 58 tubs of cookie dough, the most of anyone!",
    "Casting news: {S} will play Elphaba, with {S2} as Glinda. Shows open {DATE}.",
    "omg {S} went off at karaoke night 🎤🎤",
    "{S} just committed to swim for Augustana College next fall! 🏊",
    "{S} was chosen for the mayor's Youth Advisory Council.",
    "Jersey numbers for the new season: {S} is #7 and {S2} is #22.",
    "Newspaper staff meeting: {S} is our new sports editor, and {S2} is taking over "
    "photography. {S2f}, the camera bag is in room 118.",
    "{S} is this month's Kiwanis Student of the Month.",
    "field trip to the aquarium today!! {S} held a sea star and refused to give it back 😂",
    "Hats off to {S} for painting the homecoming float all night. {Sf}, you're a legend.",
    "{S}, {grade}, earned Eagle Scout this weekend with a project building benches for the "
    "school garden.",
    "The art show is up in the library through {DATE}: work by {S}, {S2}, {S3} and more.",
    "Chess club ladder: {S} is still on top after beating {S2} in 31 moves.",
    "Booster club raffle: {S} drew the winning ticket, {XID}, at halftime.",
    "Congrats to our {sport} senior {S}, winner of {award}!",
    "Who made the pit orchestra? Violin: {S}. Cello: {S2}. Flute: {S3}.",
)
TRAPS = _d(
    "directory/trap",
    "Science Olympiad results: {S} and {S2} took gold in Disease Detectives.",
    "In our spring comedy {S} plays a hypochondriac who is sure of catching every disease in "
    "the medical dictionary.",
    "{S} ran the lunchtime booth on vaping and lung health at the wellness fair.",
    "{S} wrote the newspaper's explainer on why flu season hits schools so hard.",
    "{S} drafted the student handbook section on the new tardy policy for student council.",
    "{S} earned a Stop the Bleed certification and taught it to the {club}.",
    "{S} is peer tutoring {subj} during flex period, so come find {him} in the library.",
    "In this year's mock trial case, {S} plays a doctor accused of malpractice.",
    "{S's} research project measured how much sleep athletes get before games; it took first "
    "at the regional fair.",
    "{S} volunteers at the children's hospital every Saturday, reading to patients.",
    "Debate: {S} argued that schools should drop suspensions for minor offenses and swept the "
    "round 3-0.",
    "{S} designed the poster for the district's attendance awareness month.",
    "{S} coached the middle schoolers through their first robotics competition while {T} "
    "handled the paperwork.",
    "{S} made high honor roll for the fourth quarter in a row!",
    "{S} ran the 5K for the American Diabetes Association in memory of {his} grandmother.",
    "At history night {S} read an essay about a great-grandfather who survived polio.",
    "{S} is the student rep on the committee rewriting the cell phone discipline policy.",
    "{S} read the morning announcement reminding everyone about the blood drive in the gym.",
    "{S} kept stats for volleyball all season: 1,204 digs recorded.",
    "The hospital's 50th anniversary gala opened with the anthem, sung by {S}.",
    "Drama club reading of 'Wit' this weekend: {S} reads the professor with ovarian cancer.",
    "{S} is the new student manager for {sport} and runs the water bottles and the first-aid bag.",
    "{S} led the {club} service day packing hygiene kits for the homeless shelter.",
)

# -- other people, places and numbers (never labelled) ------------------------------------------
STAFF = _d(
    "staff",
    "{T} has a knee replacement after winter break, so a sub takes the drumline until February.",
    "Counseling office announcement: {Tf} now handles schedule changes for last names A through L.",
    "{T} is the new attendance coordinator, and absence notes go to {TEMAIL}.",
    "Thank you {T} for running Saturday school all year so the rest of us didn't have to 😅",
    "{Tf} is back from maternity leave! Welcome back to the yearbook room.",
    "{T} had surgery for a detached retina and will be slow on grading for a while.",
    "{T} is grading the {subj} research papers this weekend, so scores will be up by {day}.",
    "{T} is the new dean of students and will handle discipline for the freshman hall.",
    "{T} tested positive for flu, so the robotics scrimmage is moved to {DATE}.",
    "{Tf}, our school psychologist, will lead a parent night on teen anxiety.",
    "Happy retirement to {Tf} after 31 years teaching special education in our district!",
)
GUARDIAN = _d(
    "guardian",
    "{G} ran the concession stand all season without missing a game. Booster of the year!",
    "Sending love to {G}, who is recovering from a stroke. Band parents are organizing meals.",
    "{G} asked in the parents' group about the detention policy; the answer is on page 12 of "
    "the handbook.",
    "Big thanks to {G}, who gave us all the lumber for the set build.",
    "{G} volunteered to chaperone the Chicago trip and is bringing the first-aid kit.",
    "{G} was elected booster club treasurer; checks go to {G} at the concession stand.",
    "Reply from {G}: I missed the meeting because of my chemo appointment, can someone send "
    "the minutes?",
    "Yearbook thanks {G} for photographing senior night, and {S} for the layout.",
)
DISTRICT = _d(
    "district",
    "Counseling office: senior schedule changes are open until {DATE}; reach us at {DPHONE} "
    "or {DEMAIL}.",
    "The nurse's office needs updated allergy action plans by {DATE}; forms are at the front "
    "desk, {SCHOOLADDR}, or from {DEMAIL}.",
    "The booster club meeting moves to the library at {SCHOOLADDR}, {DATE} at 7.",
    "Questions about report card pickup? Call the main office at {DPHONE}.",
    "Parent night on IEPs and 504 plans: {DATE}, 6:30, at {SCHOOLADDR}. RSVP to {DEMAIL}.",
    "Please report absences before 9 a.m. at {DPHONE}; don't post them on this page.",
    "Page policy: we delete any comment that shares a student's grades, health details, phone "
    "number or address.",
    "Athletic physical forms go to {DEMAIL}. No forms, no practice, no exceptions.",
    "Free flu shots for families, {DATE}, gym lobby, {SCHOOLADDR}.",
)
GENERAL = _d(
    "general",
    "Final from tonight: 52-49 in overtime, and the student section was LOUD.",
    "Invoice {XID} from the uniform company is paid; the new jackets ship next week.",
    "Fundraiser night at {BIZ}! Mention the band at the register. Questions: {BIZPHONE}.",
    "This spring's play is 'The Miracle Worker,' about Helen Keller's childhood.",
    "Book club pick: {N's} memoir about growing up with dyslexia.",
    "Today's assembly speaker, {N}, told us about recovering from a spinal cord injury and then "
    "climbing Denali.",
    "Someone's {subj} notebook with '{F}' on the cover is on the stage. Come get it.",
    "hope ur feeling better {F} 🫶",
    "Drawing results: the quilt goes to ticket {XID} and the gift basket to ticket {XID}.",
    "{NN} from the other team rolled an ankle on the first play, hope he's ok",
    "Bus 14 leaves from door 3 at 5:40. Room 112 is open for instrument storage.",
    "Pizza order for the cast party: 18 larges from Tony's Pizza, order number {XID}.",
    "Heads up: the state lowered the absence limit for athletic eligibility from 10 days to 8.",
    "Sponsor shirts are in (thanks, {BIZ}!); email {BIZEMAIL} if your size is wrong.",
    "Westfield's coach {N} got a two-game suspension from the conference for arguing with the "
    "officials.",
    "Jersey #24 is retired tonight in honor of {N}, class of 1998.",
    "The awards banquet is at the Elks Lodge, 2710 Grandview Ave. Doors at 6.",
)

# -- contact and identity values of the post's student ------------------------------------------
IDS = [
    *_d(
        "id",
        "Lost ID card at the robotics scrimmage: {S}, number {ID}. It's in the pit box.",
        "Hey {S}, the fundraiser site rejected your account because you typed {XID}; your real "
        "student number is {ID}.",
        "For the yearbook order form, your student number goes in box 3 (mine is {ID}, for "
        "example).",
        "{S} asked the office to fix {his} lunch account, student no. {ID}, after a double charge.",
        "Field trip roster export: {S} | {ID} | bus 2",
        "Library hold for {ID}: 'The Hate U Give' is ready at the front desk.",
    ),
    *_r(
        "id/record",
        "Detention log, {day}: {ID} ({S}), 45 minutes, tardy to class.",
        "Nurse visit {DATE}: student {ID}, {S}, ice pack for a sprained wrist, back to class.",
    ),
]
EMAILS = _d(
    "email",
    "Yearbook photo submissions go to {S} at {EMAIL}, our photo editor.",
    "{S}: could you resend the robotics CAD files from {EMAIL}? The link expired.",
    "the {club} sign-up sheet is wrong, my email is {EMAIL} not the gmail one",
    "Fundraiser contacts: {BIZEMAIL} for the vendor, {TEMAIL} for the sponsor, and {S} "
    "({EMAIL}) for student questions.",
    "Email {EMAIL} to get added to the band carpool spreadsheet. — {S}",
    "Shared drive owner is {EMAIL}; ask {S} for edit access.",
)
PHONES = _d(
    "phone",
    "If you need a ride to the robotics scrimmage, {S} has room. {His} number: {PHONE}.",
    "selling 2 extra tickets to the musical, text me {PHONE} — {S}",
    "Booster club contacts: concessions sponsor {BIZ} ({BIZPHONE}), attendance line {DPHONE}, and "
    "student rep {S} at {PHONE}.",
    "whoever found my calculator at the math meet pls call {PHONE}, it has my name on it ({S})",
    "Need {S} for the float build? {His} cell: {PHONE}.",
)
ADDRESS = _d(
    "address",
    "Senior sign pickup is at {S's} house, {ADDR}, this weekend; the school office "
    "({SCHOOLADDR}) has extras.",
    "Robotics build party Saturday at {ADDR} ({S's} garage!). Bring safety glasses.",
    "{S} moved over the summer, so {his} yearbook goes to {ADDR} now.",
    "Drop canned food donations on {S's} porch at {ADDR} before Friday.",
)
BIRTHDATE = _d(
    "birthdate",
    "Ski trip roster form check: {S}, DOB {DOB}.",
    "Happy birthday to our stage manager {S} (born {DOB})!",
    "{S's} birthday is {DOB} per the permission slip; the airline needs it for the ticket.",
    "HBD {S} 🎉🎉 {DOB} will always be the best day",
    "Youth league age verification: {S}, birth date {DOB}, tournament on {DATE}.",
)
SSN = _d(
    "ssn",
    "Work-study payroll paperwork for {S} lists social security number {SSN}; start date {DATE}.",
    "{S}, the summer job application needs your social security number. Is it {SSN}?",
)

RECORD = [
    *GRADES, *GRADES_INDIRECT, *DISCIPLINE, *ATTENDANCE, *HEALTH, *HEALTH_INDIRECT, *IEP,
    *IEP_INDIRECT, *SPED, *FIRST, *BYSTANDER, *LISTS,
]  # fmt: skip
# The mix of sets C, D and E, except that SSN posts have weight 2 instead of 1 (at weight 1 a
# 1000-post draw can leave the category with a handful of gold labels).
TEMPLATES = phrasing_set(
    NAME,
    record=RECORD,
    directory=DIRECTORY + TRAPS,
    staff=STAFF,
    guardian=GUARDIAN,
    district=DISTRICT,
    general=GENERAL,
    ids=IDS,
    emails=EMAILS,
    phones=PHONES,
    address=ADDRESS,
    birthdate=BIRTHDATE,
    ssn=SSN,
    mix=(*PHRASING_MIX[:-1], ("ssn", 2)),
)


def main(argv: Sequence[str] | None = None) -> int:
    return write_set_main(TEMPLATES, "F", POSTS, SEED, argv)


if __name__ == "__main__":
    sys.exit(main())
