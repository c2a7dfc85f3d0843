"""Held-out set D: a third fresh phrasing set for the student-PII benchmark, written blind.

Written from the ARCHITECTURE contract (section 5) and the label rules in
``heldout_district.py`` alone, without reading the detectors or their context
vocabularies, and before any run of this set: no sentence is taken from set B, set C or
the in-sample templates. The first run is to be done once, untuned, by someone who did not
write it; that figure is the honest held-out number. Same placeholders as
``heldout_phrasings.py`` (plus ``{S2f}``, a first-name re-mention of the bystander ``{S2}``,
and ``{n}``, a small count); its own seed, so its roster differs from sets B and C.

The posts read like a club, team or class account and its comment threads: sponsors and
coaches posting updates, students chatting, parents commenting. Record templates tie the
post's student to grades, discipline, attendance, health, IEP/504 or special education
(including good news such as a perfect exam score, which is still a grade); the negatives
are directory information, record words about staff, guardians, outsiders, policies or
topics, district and business contacts, and order or ticket numbers.

    python bench/heldout_phrasings_d.py --out /tmp/heldout-d   # writes the district

Recorded first run (``bench/student_pii_quality.py --set heldout-d``, span level, 2026-11-29,
untuned: the detectors as of commit 06dd835)::

    category                 gold   pred    prec  recall      F1
    pii.student_name           92     81  0.9259  0.8152  0.8671
    pii.education_record      338    245  0.8245  0.5976  0.6930
    pii.student_id             52     62  0.6774  0.8077  0.7368
    pii.phone                  42     69  0.6087  1.0000  0.7568
    pii.email                  44     48  0.7708  0.8409  0.8043
    pii.address                23     37  0.6216  1.0000  0.7667
    pii.birthdate              23     23  1.0000  1.0000  1.0000
    pii.ssn                    14     14  1.0000  1.0000  1.0000
    micro overall             628    579  0.7910  0.7293  0.7589

The largest error groups: record words no list has (health, attendance, discipline
phrasings), directory posts whose award or activity words read as records, business
contacts (role mailboxes such as orders@ or info@ and the shop's phone), purchase-order and
raffle-ticket numbers in the student-number shape, the district's own street address, and
student numbers written with a space or hyphen in the middle. Any later figure is after
tuning on this set.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from heldout_district import others as _d
from heldout_district import phrasing_set, write_set_main
from heldout_district import records as _r

SEED = 73129
NAME = "hd4"
POSTS = 1000


# -- record posts: the post's student (and {S2r}) tied to an education record ------------------
GRADES = _r(
    "grades",
    "Coach here: {S} is carrying a 59 in {subj}, so {he} will sit out {day} until the grade "
    "check clears.",
    "{S's} {subj} teacher says {he} {has} eleven missing assignments and a 42 right now.",
    "ngl {S} is failing chem and {subj} rn 😬",
    "Can the study hall crew help {S}? {He} scored 23% on the last unit test.",
    "{S} has to pull the {subj} grade up from an F before the playoff roster is set.",
    "Parent here. My understanding is {S} got a D- on the research paper and that is why "
    "{he} can't go to the tournament.",
    "{S} ended the quarter with a 1.6 GPA and loses the officer spot in the {club}.",
    "{S} is retaking {subj} through online credit recovery next semester.",
    "The counselor told us {S} is three credits short of graduating in June.",
    "Mock exam results are in. {S} had the lowest score in the group, 35 out of 100.",
    "{S} has incompletes in two classes and can't walk at graduation until they are cleared.",
    "{S} and {S2r} both failed the {subj} unit exam; see you at Tuesday tutoring.",
    "Eligibility check: {S} ({grade}) shows an F in {subj}, out for the week.",
    "{S} got moved from honors {subj} down to the regular section after a failing first quarter.",
    "{S's} transcript shows {he} repeated ninth grade.",
    "Proud mom moment: {S} finally passed {subj} with a C after failing it last year!",
    "{S} aced the {subj} final with a 100, the only perfect score in the class.",
    "{S} got the state test results back: below proficient in reading and math.",
    "Weekly grade sheet for the bus trip: {S} is at 64% in {subj}, borderline.",
)
DISCIPLINE = _r(
    "discipline",
    "{S} got two days of OSS for the fight near the buses, so {he} will miss the {sport} match.",
    "{S} was written up for leaving campus at lunch without permission.",
    "The dean pulled {S} out of the assembly after finding a vape in {his} backpack.",
    "{S} has to serve Saturday detention for skipping {subj} three times.",
    "Just heard {S} got expelled for bringing a knife to school. Wow.",
    "{S} is barred from prom because of last week's referral.",
    "The principal took {S's} phone after {he} filmed the sub and posted it.",
    "{S} lost {his} parking pass over the incident in the student lot.",
    "omg {S} got ISS again 💀",
    "{S} has a disciplinary hearing {day} about the threats in the group chat.",
    "{S} copied the lab report off the internet and the assistant principal is handling it.",
    "{S} is kicked off the bus for the rest of the month for fighting.",
    "{S} and {S2r} got caught spray-painting the dugout and are both suspended.",
    "{S} was placed at the alternative school after the expulsion hearing.",
    "{S} was disciplined for bullying a seventh grader in the locker room.",
    "{S} has {n} demerits this week; one more and it is Saturday school.",
)
ATTENDANCE = _r(
    "attendance",
    "We have had to file a truancy report on {S} after 17 missed days.",
    "Is {S} ever coming back? {He} {has} been out since before spring break.",
    "{S} strolled in at 9:40 again. That's tardy number 12.",
    "{S} skipped the last two periods {day} and left with friends.",
    "Attendance note: {S} was absent {day} and missed the quiz.",
    "{S} is on an attendance contract after missing a fifth of the school days.",
    "{S's} mom called {him} in sick again, the fourth Monday in a row.",
    "{S} missed the bus and never made it to first period, third time this week.",
    "{S} and {S2r} were marked truant for the whole afternoon.",
    "{S} is excused from school through Friday for a family funeral.",
    "The attendance clerk flagged {S} for {n} unexcused absences.",
    "Sign-out log: {S} left at 12:15 {day} and did not come back.",
)
HEALTH = _r(
    "health",
    "{S} broke {his} leg sledding and will be on crutches through March.",
    "Keep {S} in your prayers, {he} {was} admitted to the children's hospital last night.",
    "{S} has celiac disease, so the team dinner needs a gluten-free option for {him}.",
    "{S} carries an epinephrine pen for a shellfish allergy; chaperones, it's in {his} backpack.",
    "{S} has a heart murmur and needs a cardiologist's note before tryouts.",
    "{S} is recovering from a concussion and can't look at screens for a week.",
    "{S} passed out in the locker room and the paramedics came.",
    "{S} has been in outpatient treatment for self-harm; please be gentle with {him}.",
    "{S} tore {his} meniscus at the scrimmage and needs surgery.",
    "{S} was diagnosed with scoliosis and wears a brace under {his} uniform.",
    "{S} is on antibiotics for pneumonia and will miss the competition.",
    "{S} gets migraines, so please dim the lights when {he} {is} in the room.",
    "{S} needed six stitches in {his} chin after the fall in PE.",
    "{S} has a bleeding disorder, so no contact drills for {him}.",
    "The nurse sent {S} home with pink eye.",
    "{S's} OCD has gotten worse and {he} {is} seeing a psychiatrist now.",
    "{S} just got out of a two-week inpatient program for bipolar disorder.",
    "Swim update: {S} (hamstring strain) will swim relays only this weekend.",
    "{S} tested positive for flu A and stays home until fever-free.",
    "{S} wears hearing aids; please face {him} when giving directions.",
    "{S} chipped a front tooth in the collision and is at the dentist.",
    "Does anyone know if {S} is okay? Heard {he} {was} rushed to urgent care after lunch.",
)
IEP = _r(
    "iep504",
    "{S's} 504 lets {him} leave class to check {his} blood sugar.",
    "Per the IEP, {S} gets tests broken into shorter sections.",
    "{S} has a reduced workload under {his} IEP, so the ten-page paper is five pages for {him}.",
    "{S's} 504 coordinator asked that {he} get the rehearsal schedule in advance.",
    "The 504 meeting for {S} got pushed to {day} after school.",
    "{S} may use speech-to-text on essays as an IEP accommodation.",
    "{S} has an IEP for a speech impairment.",
    "{S's} IEP lists a positive behavior support plan with a token chart; initial it after "
    "rehearsal, please.",
    "Mom of {S} here: {his} 504 plan says {he} can have water and snacks in class.",
    "Field trip note: {S} has an IEP, and {his} aide will ride the bus with us.",
)
SPED = _r(
    "special_ed",
    "{S} is pulled out of {subj} for resource room reading every afternoon.",
    "{S} was referred for a special education evaluation after the reading screener.",
    "{S} is in the functional skills classroom on the second floor.",
    "{S} qualifies for occupational therapy for {his} handwriting.",
    "{S} rides the special ed bus because of {his} disability.",
    "{S} has an emotional support teacher who checks in with {him} every morning.",
    "{S} is on the autism spectrum and gets overwhelmed by the pep rally noise.",
    "{S} has Down syndrome and is the best greeter at our home games!",
    "{S} has a learning disability in math and uses a multiplication chart on tests.",
)
FIRST = _r(
    "first-name",
    "{S} crushed the audition for the spring play! {Sf} is out {day} for an MRI, so "
    "rehearsal starts without {him}.",
    "Welcome {S} to the {club}. {Sf} is legally blind, so we will enlarge the handouts.",
    "Sending love to {S}. {Sf} had {his} appendix out this morning.",
    "About {S}: {Sf} owes detention from {day} before rejoining practice.",
    "{S} transferred in from Eastfield. {Sf} failed {subj} there and is repeating it with us.",
)
BYSTANDER = _r(
    "record+bystander",
    "{S2} ran the offense tonight because {S} is suspended for the next game.",
    "{S2} came in for {S}, who left in an ambulance after the hit.",
    "{S2} and {S3} made the honor roll; {S} missed it because of the F in {subj}.",
    "{S2} will read the morning announcements while {S} is out with mono.",
)

# -- directory information (labelled only for an opted-out student) -----------------------------
DIRECTORY = _d(
    "directory",
    "Huge congrats to {S} for making All-Region Orchestra on viola! 🎻",
    "{S} clinched the match with a 6-4 win in the third set.",
    "Announcing our new yearbook editor-in-chief: {S}.",
    "{S} knocked down five threes in the first half 🔥",
    "{S} heads to the state FFA convention as a voting delegate.",
    "{S} will give the student address at the Veterans Day assembly.",
    "{S} took home Best in Show at the county fair.",
    "Say hello to {S}, our new student member of the school board.",
    "{S} and {S2} will co-host the morning announcements this semester.",
    "Congrats {S} on committing to play soccer at Bradley University!",
    "{S} set a new meet record in the 100 fly.",
    "Our {club} officers for next year: {S}, {S2} and {S3}.",
    "{S} was selected to serve as a page at the state senate.",
    "{S's} photo of the sunrise over the stadium made the front page of the local paper.",
    "Shoutout to {S} for running the light board for all three shows.",
    "{S} and {S2} won the doubles bracket at conference. {S2f} served it out at 5-3.",
    "Meet your homecoming king and queen: {S} and {S2}!",
    "{S}, {grade}, leads the conference in assists.",
    "So proud of {S}, who picked up {award} last night.",
    "{S} is {club} president and runs our Thursday meetings. Come say hi to {Sf}!",
    "Tonight's starting lineup includes {S} at shortstop.",
    "{S} was elected junior class vice president.",
)
TRAPS = _d(
    "directory/trap",
    "{S} played a school nurse in the one-act festival and stole the show.",
    "{S} organized a Red Cross blood drive; 48 donors showed up!",
    "{S's} history fair project covered the 1918 flu pandemic.",
    "Salutatorian for the class of 2026: {S}.",
    "{S} spoke at the board meeting against the new detention policy.",
    "{S} shadowed a physical therapist for {his} senior internship.",
    "{S} absolutely killed that drum solo tonight.",
    "{S} taught the kindergartners about brushing their teeth on service day.",
    "{S} was ill on the mic at the poetry slam, no joke.",
    "Fire drill went smoothly {day}. Also, congrats to {S} on the regional science award!",
    "{S} is our student liaison to the district wellness committee.",
    "{S} raised $900 for the local autism center with a bake sale.",
    "{S} wrote an op-ed for the school paper on why grades should never be posted online.",
    "{S} is the student trainer for {sport} and tapes ankles before every game.",
    "{S's} documentary on teen sleep deprivation premieres at film night.",
    "{S} painted the mural outside the counseling office.",
    "{S} presented research on concussion rates in high school football at the state symposium.",
    "{S} is running the sign-up table for the {day} flu vaccine clinic.",
    "{S} made the honor roll and the All-Conference team in the same week!",
    "Can't believe {S} broke the school record AGAIN. This kid is sick 🤯",
    "{S} and {S2} built a prosthetic hand for the engineering showcase.",
    "{S} will argue for the prosecution at the state mock trial competition.",
    "{S} ran the Turkey Trot in honor of an uncle who had a heart transplant.",
    "{S} volunteered to be the first student through the new CPR training.",
    "Report cards go out {day}; in happier news, {S} won the essay contest!",
    "{S} led the {club} discussion on how schools handle absences for religious holidays.",
)

# -- other people, places and numbers (never labelled) ------------------------------------------
STAFF = _d(
    "staff",
    "{T} is on medical leave until spring break; a long-term sub will cover {subj}.",
    "Get well soon, {T}! The surgery went great and {T} is home resting.",
    "{Tf} will run the 504 and IEP paperwork workshop for new staff {day}.",
    "{T} is our new dean of attendance starting Monday.",
    "{T} took the {sport} team to state despite coaching on a broken foot since September!",
    "{Tf}, special education teacher, was named the district's Teacher of the Year.",
    "{T} has jury duty, so the {club} meeting is cancelled.",
    "{T} will grade the {subj} finals over break; scores post in January.",
    "{T's} detention room has moved to B-wing.",
    "Office hours with {T}, our school counselor, are {day} at lunch.",
    "{Tf} had a mild heart attack last weekend and is recovering well. Cards welcome!",
    "Questions about eligibility go to {T} at {TEMAIL}.",
)
GUARDIAN = _d(
    "guardian",
    "{G} made 200 cupcakes for the bake sale. Absolute legend.",
    "Please keep {G} in your thoughts as radiation treatment starts this week.",
    "{G} is coordinating carpools for the away meet.",
    "Thanks to {G} for hosting the end-of-season pool party!",
    "{G} won the booster club's volunteer of the year award.",
    "{G} broke an ankle at the 5K; the PTO meal train link is below.",
    "{G} asked whether college visits count as excused absences.",
    "Thank you {G} for driving {S} and half the {club} to the competition!",
)
DISTRICT = _d(
    "district",
    "Health room questions? The school nurse picks up at {DPHONE}.",
    "To request an IEP evaluation, email {DEMAIL} or call {DPHONE}.",
    "Lost and found is at the main office, {SCHOOLADDR}.",
    "Grade appeals must reach {DEMAIL} by {DATE}.",
    "Please never post a student's SSN (xxx-xx-xxxx) or ID number on this page.",
    "Family open house is {DATE}, 6-8 p.m., at {SCHOOLADDR}.",
    "The attendance hotline, {DPHONE}, takes messages 24 hours a day.",
    "Sports physicals are due {DATE}; questions to {DEMAIL}.",
    "Report bullying anonymously at {DPHONE} or {DEMAIL}.",
)
GENERAL = _d(
    "general",
    "Eastfield's {N} was ejected for a flagrant foul in the fourth quarter.",
    "Book club is reading {N's} novel about a teen with OCD.",
    "Guest chef {N} from {BIZ} taught knife skills to the culinary class today.",
    "Order #{XID} for 40 team shirts ships {day}.",
    "Lane reservations at {BIZ}: call {BIZPHONE}.",
    "Questions about yearbook ads? Write to {BIZEMAIL}.",
    "{F} left a retainer in the cafeteria 🤢 come get it!",
    "Hope that cold clears up soon, {F}!",
    "{NN} is off the injured list! 🙌",
    "Shoutout to the Eastfield trainer, {N}, for helping out after the collision.",
    "Raffle ticket {XID} won the 50/50!",
    "Finals week tips: sleep, drink water, and don't compare your grades with anyone.",
    "The state is changing how absences count toward eligibility next year.",
    "Retired coach {N} is recovering from hip surgery; the alumni sent flowers.",
    "PO {XID} for the robotics parts was approved.",
    "Catering for the banquet is from {BIZ} ({BIZEMAIL}, {BIZPHONE}).",
)

# -- contact and identity values of the post's student ------------------------------------------
IDS = [
    *_d(
        "id",
        "Yearbook pickup needs your student ID. {S}, yours is {ID} if you lost the card.",
        "Chromebook checkout log: {ID}, charger missing.",
        "Whoever owns student card {ID}, it is at the library front desk.",
        "{S} asked me to post {his} number for the fundraiser portal: {ID}.",
        "Sign-up login for the {club} site is your student number, e.g. {ID}.",
        "Order #{XID} was placed under student {ID}.",
        "Field trip scan sheet: {S}, {ID}.",
    ),
    *_r(
        "id/record",
        "{S} (student #{ID}) is on the failing list for {subj}.",
        "Attendance flag: {ID}, {S}, absent four of the last five days.",
    ),
]
EMAILS = _d(
    "email",
    "Group for the {subj} project: {S}, {EMAIL}.",
    "{S} set up the {club} shared drive; request access from {EMAIL}.",
    "Ping {EMAIL} if you want on the carpool list.",
    "Questions go to {TEMAIL}, not to {S} at {EMAIL}. Thanks!",
    "My school email is {EMAIL}, message me about the lab!",
    "From {DEMAIL}: {S} ({EMAIL}) still owes the photo release form.",
)
PHONES = _d(
    "phone",
    "Carpool for the {sport} tournament: text {S} at {PHONE}.",
    "{S} is selling raffle tickets, call or text {PHONE}.",
    "My number is {PHONE} if anyone wants to split a ride to the concert.",
    "The office line is {DPHONE}, but {S} said to text {his} cell, {PHONE}, after 5.",
    "{S} found a wallet at {BIZ}; call {him} at {PHONE} or the store at {BIZPHONE}.",
)
ADDRESS = _d(
    "address",
    "Team spaghetti dinner is at {S's} house, {ADDR}. Bring a chair!",
    "{S} just moved; the new address is {ADDR}.",
    "Senior yard sign delivery: {S}, {ADDR}.",
    "Pick up costumes from {S's} porch at {ADDR} or from the main office, {SCHOOLADDR}.",
)
BIRTHDATE = _d(
    "birthdate",
    "Happy birthday {S}! Born {DOB} and already taller than all of us.",
    "Updating the emergency card for {S}, {grade}: DOB {DOB}.",
    "{S} (born {DOB}) is the youngest on the roster for the {DATE} trip.",
    "Tournament age check: {S}, date of birth {DOB}.",
)
SSN = _d(
    "ssn",
    "Work permit paperwork for {S}: social security no. {SSN}.",
    "Can someone check whether {S's} SSN is {SSN}? The scholarship portal rejected it.",
)

RECORD = [*GRADES, *DISCIPLINE, *ATTENDANCE, *HEALTH, *IEP, *SPED, *FIRST, *BYSTANDER]
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
)


def main(argv: Sequence[str] | None = None) -> int:
    return write_set_main(TEMPLATES, "D", POSTS, SEED, argv)


if __name__ == "__main__":
    sys.exit(main())
