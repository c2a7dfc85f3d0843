"""Held-out set B: new phrasings for the student-PII benchmark (see heldout_district.py).

Written from the ARCHITECTURE contract alone, before the detectors or their context
vocabularies were read, and frozen before its first run: the first-run figure is the honest
held-out number. Placeholders: ``{S}`` the post's student (labelled per the template's
record flag and the student's opt-out), ``{Sf}`` the same student by first name only,
``{S2}``/``{S3}`` bystander students (labelled only when opted out), ``{S2r}`` a second
student also tied to the record, ``{he}``/``{him}``/``{his}`` and ``{is}``/``{has}``/
``{was}``/``{does}`` agree with ``{S}``; ``{T}`` staff, ``{G}`` a guardian, ``{N}`` a name
on no roster, ``{NN}`` a nickname, ``{F}`` a first name several students share; values
``{ID}``, ``{EMAIL}``, ``{PHONE}``, ``{ADDR}``, ``{DOB}``, ``{SSN}`` (labelled) and
``{XID}``, ``{TEMAIL}``, ``{DEMAIL}``, ``{BIZEMAIL}``, ``{DPHONE}``, ``{BIZPHONE}``,
``{SCHOOLADDR}``, ``{DATE}`` (not labelled).

    python bench/heldout_phrasings.py --out /tmp/heldout-b   # writes the district

Recorded runs (``bench/student_pii_quality.py --set heldout-b``, span level):

First run, before any fix (detectors as of commit aaf3019) — the honest held-out figure::

    category                 gold   pred    prec  recall      F1
    pii.student_name          169    149  0.9396  0.8284  0.8805
    pii.education_record      515    350  0.8514  0.5786  0.6890
    pii.student_id             72     81  0.7407  0.8333  0.7843
    pii.phone                  58     61  0.9508  1.0000  0.9748
    pii.email                  62     66  0.8636  0.9194  0.8906
    pii.address                35     51  0.6863  1.0000  0.8140
    pii.birthdate              21     21  1.0000  1.0000  1.0000
    pii.ssn                    12     12  1.0000  1.0000  1.0000
    micro overall             944    791  0.8609  0.7214  0.7850

After the context-vocabulary, pattern and guard fixes it prompted (context.py and
data/context only; this set is no longer held out for those)::

    pii.student_name          169    151  0.9934  0.8876  0.9375
    pii.education_record      515    388  0.9974  0.7515  0.8571
    (other categories unchanged)
    micro overall             944    831  0.9386  0.8263  0.8789

What is left needs roster.py / pii.py (first-name re-mentions, spaced-out and initial name
forms, coordinated names, student numbers with separators, obfuscated e-mails, pattern
hits that are no student's number, school and business addresses, phones and e-mails).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from heldout_district import others as _d
from heldout_district import phrasing_set, write_set_main
from heldout_district import records as _r

SEED = 4417
NAME = "hb"


GRADES = _r(
    "grades",
    "Heads up, parents: {S} is sitting at a 48% in {subj} and loses eligibility if it is "
    "not up by the {day} grade check.",
    "{S's} report card came back with two Fs, so {he} won't travel with us this weekend.",
    "So proud of the progress! {S} pulled {his} {subj} grade from a D- up to a B+ this quarter.",
    "Academic probation list for winter athletics: {S}, plus two others I won't name here.",
    "{S} has to retake the {subj} final after scoring a 31 on it.",
    "Can anyone tutor {S}? {He} failed the last three {subj} quizzes.",
    "Reminder that {S} carries a 1.8 cumulative GPA and can't letter this season.",
    "{S} is on the ineligible list because of a failing grade in {subj}.",
    "{T} confirmed that {S} will be held back and repeat the year.",
    "Credit recovery this summer: {S} still owes two credits in {subj} before graduation.",
    "{S} got a 2 on the AP exam, so no college credit there.",
    "Class rank update from the counseling office: {S} dropped to 212th of 340.",
    "{S's} progress report shows missing assignments in every class except PE.",
    "lol {S} flunked the driver's ed written test again",
    "Posting the {subj} test results: highest 98, lowest 22 ({S}).",
    "{S} is on the academic watch list for the second semester in a row.",
    "Does anyone know if {S's} incomplete in {subj} ever got changed to a grade on the transcript?",
    "{S} scored below basic on the state reading assessment and will be pulled for intervention.",
    "{S} was the only freshman to get a 5 on the AP Chemistry exam.",
    "Eligibility report: {S} ({grade}) is failing {subj} and {S2r} is failing {subj} and geometry.",
    "{S} bombed the SAT with a 780 and is retaking it in March.",
    "Mid-term grades are posted. {S}, you need to come see me about that 54.",
)
GRADES_FIRST = _r(
    "grades/first-name",
    "Shoutout to {S} for a great game {day}! Sadly {Sf} is benched until {his} {subj} grade "
    "is passing again.",
    "{S} just joined the {club}. {Sf} also has a 0.9 GPA, so the club sponsor wants a study plan.",
    "Met with {S's} parents about the missing work. {Sf} is failing {subj} and has a 52 in "
    "English.",
)
DISCIPLINE = _r(
    "discipline",
    "{S} was sent home {day} after a fight in the cafeteria and won't be at practice for "
    "three days.",
    "Per the dean, {S} has in-school suspension through {day}.",
    "{S} got written up again for vaping in the bathroom.",
    "Saturday school this week: {S} and a few others.",
    "Anyone know why {S} got expelled? Heard it was over the group chat thing.",
    "{S's} behavior contract is being extended another month after the incident on the bus.",
    "{S} has been removed from the {club} pending a disciplinary hearing.",
    "After lunch detention today {S} mouthed off to the sub and got another referral.",
    "The SRO walked {S} to the office after the hallway altercation.",
    "{S} is serving a two-game suspension for the ejection last week.",
    "Caught {S} skipping with a fake hall pass, consequences coming.",
    "{S} is on the no-field-trip list because of behavior points.",
    "We had to call {S's} parents in about the cheating on the {subj} exam.",
    "{S} got a zero and an office referral for plagiarizing the essay.",
    "Bus 14 riders: {S} has lost bus privileges for two weeks.",
    "{S} and {S2r} were both suspended for the fight after the homecoming game.",
    "Lunch detention roster for {day}: {S}, table 3.",
)
DISCIPLINE_FIRST = _r(
    "discipline/first-name",
    "{S} scored twice in the scrimmage. Unfortunately {Sf} was suspended {day} for "
    "vandalism, so {he} misses the opener.",
    "Update on {S}: {Sf} is expelled pending the board hearing.",
)
ATTENDANCE = _r(
    "attendance",
    "{S} has 14 unexcused absences this semester and a truancy letter is going home.",
    "{S} was tardy to first period again, that's 9 this quarter.",
    "Has anyone seen {S}? {He} {has} not been at school since {day}.",
    "{S} left campus without signing out {day}.",
    "Chronic absenteeism list includes {S}; the social worker will reach out.",
    "{S} keeps cutting 6th period {subj}.",
    "Marked {S} absent for the field trip since there was no permission slip.",
    "{S} will miss the rest of the week for a family trip, please send {his} homework.",
    "Attendance office called home about {S} missing 3rd period all week.",
    "Absent today: {S} and {S2r}. Please collect their worksheets.",
    "{G} picked up {S} early for a dentist appointment, so {he} missed the test.",
    "{S} has been out 11 days this month; we may drop {him} from the roster.",
)
ATTENDANCE_FIRST = _r(
    "attendance/first-name",
    "Welcome back {S}! {Sf} missed almost three weeks of school so be patient with the "
    "catch-up work.",
)
HEALTH = _r(
    "health",
    "{S} is allergic to peanuts and carries an EpiPen, chaperones please know where it is.",
    "Praying for {S}, who was diagnosed with leukemia last month.",
    "{S} is out for the season with a torn ACL.",
    "{S} had an asthma attack at practice and was taken to the hospital.",
    "{S} takes {his} ADHD meds at the nurse's office at noon.",
    "Please keep {S} in your thoughts; {he} {is} in treatment for an eating disorder.",
    "{S} has a concussion and won't be cleared to play until the doctor signs off.",
    "{S} tested positive for COVID, so the kids who sat near {him} on the bus will get a letter.",
    "{S} is type 1 diabetic. Coaches, the insulin kit is in the blue bag.",
    "{S} had a seizure in {subj} this morning and {is} home resting.",
    "{S} has been seeing the school counselor for anxiety and panic attacks.",
    "Get well soon to {S}, recovering from appendix surgery!",
    "{S} is pregnant and will be on homebound instruction in the spring.",
    "{S} threw up in class and went home with a fever.",
    "{S's} therapist asked that {he} sit out the overnight trip.",
    "{S} fainted in the gym {day}; the nurse thinks {he} {is} anemic.",
    "{S} broke {his} wrist at practice, so someone else will play the snare at the concert.",
    "{S} is on crutches for six weeks after knee surgery.",
    "Trainer update: {S} (sprained ankle) is limited this week.",
)
HEALTH_FIRST = _r(
    "health/first-name",
    "Congrats to {S} on making the all-state choir! {Sf} also just got out of the hospital "
    "after the pneumonia, so send good vibes.",
    "{S} is back at practice. {Sf} has a heart condition, so no sprints for now.",
)
IEP = _r(
    "iep504",
    "{S's} 504 plan gives {him} extended time on all tests, so the {subj} final will be in "
    "the library.",
    "{S} has an IEP meeting {day} at 3:15 and will be late to rehearsal.",
    "Per {S's} accommodations, please give {him} a copy of the notes and preferential seating.",
    "{S} gets a calculator and a reader on tests because of {his} IEP.",
    "The annual review of {S's} IEP is coming up; the case manager is {T}.",
    "Reminder: {S} has a 504 for {his} hearing loss, so use the FM system in the gym.",
    "{S} is allowed breaks outside the classroom under {his} behavior intervention plan.",
    "{S} qualified for a 504 after the ADHD diagnosis.",
    "{S's} IEP goals this year are reading fluency and self-advocacy.",
)
SPED = _r(
    "special_ed",
    "{S} spends half the day in the resource room with {T}.",
    "{S} was just evaluated and qualifies for special education services for a specific "
    "learning disability.",
    "{S} is in the life skills class and will join the unified bowling team.",
    "{S} is dyslexic and uses audiobooks for every class.",
    "{S} has autism and may need a quiet space during the assembly.",
    "Speech therapy pull-out for {S} moved to Thursdays.",
    "{S's} para will ride the bus with {him} on the field trip.",
    "{S} is moving to the self-contained classroom after winter break.",
    "{S} reads at a 2nd grade level and is in the SPED reading group.",
    "{S} receives special ed services for an emotional disability.",
)
MIXED_BYSTANDER = _r(
    "record+bystander",
    "{S2} and {S} both made the varsity roster, but {S} is ineligible until {his} grades come up.",
    "Great hustle from {S2} today. {S} sat out with a concussion.",
    "{S2} will captain in place of {S}, who is suspended for the next two games.",
)

DIRECTORY = _d(
    "directory",
    "Congratulations to {S} on being named Student of the Month for October!",
    "{S} signed a letter of intent to run cross country at Illinois State. 🎉",
    "Huge night for {S}: 24 points and 11 rebounds in the win over Eastfield.",
    "{S} took first place in the 200 free at the conference meet.",
    "Meet your new student council president, {S}!",
    "{S's} painting was selected for the district art show.",
    "The first-quarter honor roll includes {S} and {S2}.",
    "{S} earned {his} Eagle Scout rank this weekend.",
    "Shoutout to {S} for making the All-Conference second team in {sport}.",
    "{S} will play the lead in the spring musical.",
    "{S} and {S2} are the co-captains of the {club} this year.",
    "Welcome {S}, the newest member of the {club}!",
    "{S} ({grade}, 6'2\", 185 lb) starts at forward this season.",
    "{S} qualified for state in the long jump with a leap of 21'4\".",
    "Our {sport} MVP this season: {S}.",
    "{S} won the district spelling bee and heads to regionals next month.",
    "Big thank you to {S} for designing this year's yearbook cover.",
    "{S}, class of 2027, earned {award}.",
    "Thanks to {S} for running the scoreboard at every home game.",
    "{S} was our top seller in the fall fundraiser: 62 tubs of cookie dough!",
    "{S} ran a personal best in the mile, 4:38.",
    "{S} is headed to Northwestern in the fall on a full scholarship.",
    "{S} was voted onto the homecoming court!",
    "Photos from the trip with the {club} are up, featuring {S} and {S2}.",
    "{S} and {S2} placed second in the duet acting event at sectionals.",
    "All-Conference {sport}: {S}, {S2} and {S3}.",
    "{S} got {his} black belt this weekend!",
    "{S} is the new drum major for marching band.",
)
DIRECTORY_TRAPS = _d(
    "directory/trap",
    "{S} scored the game-winning goal in double overtime!",
    "{S} passed the ball to {S2} for the layup at the buzzer.",
    "{S} is a National Merit Semifinalist.",
    "{S} was named to the All-State Honor Choir.",
    "Report cards go home Friday. In other news, congrats to {S} on winning {award}!",
    "Flu is going around, so keep sick kids home. Meanwhile, {S} and {S2} brought home medals "
    "from the math league.",
    "{S} made the honor roll all four quarters and was named valedictorian.",
    "Detention hall is moving to room 114. Congrats to {S} on making varsity!",
    "The game {S} was set to start in got suspended because of lightning.",
    "{S} covered the school board's attendance-policy debate for the student paper.",
    "{S} led a fundraiser for the children's hospital.",
    "{S} organized the mental health awareness week assembly.",
    "{S} is running for treasurer on a platform of longer passing periods.",
    "{S} interviewed the school nurse for the podcast episode on allergies.",
    "{S's} science fair project on diabetes in teens won first place.",
    "{S} volunteers as a peer tutor in the resource room.",
    "What a sick game! {S} with 3 touchdowns.",
    "{T} is out sick, so {S} will lead warm-ups today.",
    "{S} attended the Model UN conference and won Best Delegate.",
    "{S} aced the audition for the jazz band.",
    "{S} hit a grand slam {day}; the crowd went wild. Reminder: absence notes go to the office.",
    "Tryouts for {sport} are {day}. {S} and {S2} will help run the drills.",
)
DIRECTORY_FIRST = _d(
    "directory/first-name",
    "Congrats to {S} on {award}! {Sf} has worked so hard for this.",
    "{S} is president of the {club}. Say hi to {Sf} at the activities fair!",
)

STAFF = _d(
    "staff",
    "{T} is out sick today; {subj} will have a sub.",
    "{T} has bus duty and detention duty this week.",
    "Welcome back {T}, who returns from medical leave {day}.",
    "{T} will be at the IEP training all day {day}.",
    "Our special education coordinator, {Tf}, is presenting at the state conference.",
    "{Tf} was absent from the board meeting but sent notes.",
    "Congrats to {Tf} on 25 years of teaching {subj}!",
    "{T} will proctor the make-up exams in the library.",
    "Questions about grades? Email {TEMAIL}.",
    "{Tf} is recovering from knee surgery; cards can go to the main office.",
    "{T}, our 504 coordinator, will hold office hours {day}.",
    "{T} suspended practice because of the heat advisory.",
    "The team voted {Tf} coach of the year!",
    "{Tf} will be out on maternity leave starting in March.",
    "Grading window closes {day}; {T} needs all missing-work forms by then.",
)
GUARDIAN = _d(
    "guardian",
    "Thanks to {G} for bringing snacks to the meeting of the {club}!",
    "{G} will chaperone the trip; questions go to the front office at {DPHONE}.",
    "Parent volunteer of the month: {G}.",
    "{G} is recovering from surgery and the PTA is organizing meals.",
    "Booster club treasurer {G} reported the fundraiser totals.",
    "{G} asked about the new attendance policy at the parent meeting.",
    "Huge thanks to {G} for donating the first-aid kits.",
    "{G} will run the concession stand {day}.",
)
DISTRICT = _d(
    "district",
    "Call the attendance line at {DPHONE} to report an absence.",
    "Transportation questions: {DEMAIL} or {DPHONE}.",
    "The school nurse can be reached at {DPHONE}; health forms go to {DEMAIL}.",
    "Report cards are in the parent portal; grade questions to {DEMAIL}.",
    "The regional meet is at Brookfield High School, {SCHOOLADDR}.",
    "Registration night is {DATE} at {SCHOOLADDR}.",
    "All after-school activities are suspended today because of the weather.",
    "IEP and 504 parent night is {DATE}. Call {DPHONE} for childcare.",
    "Immunization records are due {DATE}; bring them to the nurse's office.",
)
GENERAL = _d(
    "general",
    "{N} from Eastfield hit a buzzer-beater against us. Respect.",
    "We read a great article by {N} about study habits.",
    "Guest speaker {N} talked about concussion safety in youth sports.",
    "Spirit week: Monday is pajama day!",
    "Shoutout to {NN} and {NN} for the hype videos 😂",
    "Great job by everyone at the {sport} scrimmage!",
    "Feel better soon, {F}! We missed you at practice.",
    "{F} was suspended? No way, not our {F}.",
    "Rival coach {N} was ejected in the 3rd quarter.",
    "Good luck on finals, everyone. Don't stress about grades, you've got this.",
    "Big win tonight, 42-17. {NN} with the pick six!",
    "Author visit: {N} will talk about {N's} memoir on growing up with dyslexia.",
    "Fundraiser night at {BIZ} {day}! Call {BIZPHONE} for pickup orders.",
    "Spirit wear orders: {BIZEMAIL}.",
    "Invoice {XID} for the bus of the {club} has been paid.",
    "Ticket confirmation number {XID} — keep it for the gate.",
)
IDS = _d(
    "id",
    "Lost lunch card for {S}, student ID {ID}, please return it to the office.",
    "My student number is {ID} if you need it for the field trip form.",
    "Library hold for student #{ID} is ready.",
    "Can someone check locker assignment for ID {ID}? It's {S}.",
    "{S's} login is {ID} but the password reset isn't working.",
    "Bus pass for {ID} was left on the seat.",
)
EMAILS = _d(
    "email",
    "Send {S} the slides at {EMAIL}.",
    "{S's} school email is {EMAIL} if you want to add {him} to the group.",
    "Add {EMAIL} to the mailing list for the {club} please.",
    "Group project contacts: {S} ({EMAIL}).",
    "Can someone forward this to {EMAIL}? Thanks!",
)
PHONES = _d(
    "phone",
    "Text {S} at {PHONE} about carpool.",
    "{S's} cell: {PHONE}",
    "If you found a blue backpack, call {S} at {PHONE}.",
    "Carpool captain for {sport} is {S}, {PHONE}.",
    "Need a ride? {S} said to text {him} at {PHONE}.",
)
ADDRESS = _d(
    "address",
    "{S} lives at {ADDR}, drop off the jersey there.",
    "Party at {S's} house after the game: {ADDR}!",
    "Lost dog found near {ADDR}, it belongs to {S}.",
    "Yard sign for our senior {S} went up at {ADDR}!",
)
BIRTHDATE = _d(
    "birthdate",
    "Happy 16th birthday to {S}, born {DOB}!",
    "{S's} birthday is {DOB}, surprise party planning in the group chat.",
    "Permission form for {S}: date of birth {DOB}.",
    "{S} (DOB {DOB}) needs to bring {his} physical form.",
)
SSN = _d(
    "ssn",
    "Scholarship form for {S}: SSN {SSN}, please shred after.",
    "{S's} social security number is {SSN} for the work permit.",
)

RECORD = [
    *GRADES, *GRADES_FIRST, *DISCIPLINE, *DISCIPLINE_FIRST, *ATTENDANCE, *ATTENDANCE_FIRST,
    *HEALTH, *HEALTH_FIRST, *IEP, *SPED, *MIXED_BYSTANDER,
]  # fmt: skip
TEMPLATES = phrasing_set(
    NAME,
    record=RECORD,
    directory=DIRECTORY + DIRECTORY_TRAPS + DIRECTORY_FIRST,
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
    return write_set_main(TEMPLATES, "B", 1500, SEED, argv)


if __name__ == "__main__":
    sys.exit(main())
