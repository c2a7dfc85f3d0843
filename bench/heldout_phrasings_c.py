"""Held-out set C: a second fresh phrasing set, written after the set-B fixes (see below).

Written (like set B) from the ARCHITECTURE contract and the label rules in
``heldout_district.py``, after the context fixes that set B prompted and before any run of
this set; it is run once without further tuning, so its figure checks whether those fixes
generalise. Same placeholders as ``heldout_phrasings.py``; its own seed, so its roster
differs from set B's too.

    python bench/heldout_phrasings_c.py --out /tmp/heldout-c   # writes the district

Recorded single run (``bench/student_pii_quality.py --set heldout-c``, span level, after
the set-B fixes, no tuning on this set)::

    category                 gold   pred    prec  recall      F1
    pii.student_name           88     73  0.9315  0.7727  0.8447
    pii.education_record      264    170  0.7412  0.4773  0.5806
    pii.student_id             38     38  0.8947  0.8947  0.8947
    pii.phone                  30     36  0.8333  1.0000  0.9091
    pii.email                  30     27  0.8148  0.7333  0.7719
    pii.address                19     26  0.7308  1.0000  0.8444
    pii.birthdate              19     19  1.0000  1.0000  1.0000
    pii.ssn                     8      8  1.0000  1.0000  1.0000
    micro overall             496    397  0.8212  0.6573  0.7301

Most education-record misses are words no list had yet ("confiscated", "Crohn's disease",
"taken to the ER", "semester average", "per his 504", "special needs class"); most false
alarms are record words about someone or something else ("his grandmother's fight with
cancer", "built a wheelchair ramp", "tutors freshmen who are failing").
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from heldout_district import others as _d
from heldout_district import phrasing_set, write_set_main
from heldout_district import records as _r

SEED = 90357
NAME = "hc"
POSTS = 800


GRADES = _r(
    "grades",
    "Quick note for {S's} family: the {subj} grade dropped to an F after the missed labs.",
    "{S} needs a C or better on Friday's test to stay eligible.",
    "{S} is below a 2.0 this semester, so no homecoming court.",
    "Sorry {S}, but a 38% on the midterm means summer school.",
    "{S} was placed on academic probation after first semester.",
    "Honestly {S} is failing half {his} classes right now.",
    "{S's} semester average in {subj} is a 61.",
    "{S} didn't pass the Algebra I end-of-course exam and has to take it again in June.",
    "{S} got {his} ACT scores back: a 15 composite.",
    "Tutoring list (students with a D or F): {S}, {S2r}.",
    "{S} won't graduate on time because of missing credits.",
    "Conference notes: {S} is two grade levels behind in math.",
)
DISCIPLINE = _r(
    "discipline",
    "{S} got caught with a vape pen in the locker room and is suspended until Monday.",
    "{S} has ISS all day {day}, so {he} won't be at the meet.",
    "Three referrals this month for {S}. Next one is a suspension.",
    "{S} is banned from the dances for the rest of the year after the incident.",
    "We had to send {S} out of class for throwing a chair.",
    "{S} was caught cheating on the {subj} final.",
    "{S} has been kicked off the {sport} team for conduct.",
    "The assistant principal met with {S} about the fight video.",
    "{S's} phone was confiscated for the third time this week.",
    "{S} served detention for being late to class.",
    "{S} is on a behavior plan and gets a daily check-in sheet.",
)
ATTENDANCE = _r(
    "attendance",
    "{S} has been absent 9 times since winter break.",
    "{S} showed up 40 minutes late again today.",
    "Please excuse {S's} absence on {day}; {he} had a family emergency.",
    "{S} has not shown up to school in two weeks and we are worried.",
    "{S} checked out early at 11:30 on {day}.",
    "Truancy court date set for {S}.",
    "{S} was marked tardy 6 times this month.",
    "Both {S} and {S2r} have unexcused absences from Friday.",
)
HEALTH = _r(
    "health",
    "{S} has strep throat and will be out until {day}.",
    "{S} has epilepsy; if {he} {has} a seizure, time it and call 911.",
    "{S} uses an inhaler before every practice.",
    "{S} is recovering from a broken collarbone.",
    "{S} was taken to the ER after the collision in warmups.",
    "Prayers for {S}, who starts chemo next week.",
    "{S} is struggling with depression and asked for more time on the project.",
    "{S} is lactose intolerant, so no pizza for {him} at the party.",
    "{S} has a nut allergy; please no peanut snacks on the bus.",
    "{S} has been diagnosed with mono and is out for two weeks.",
    "{S} needs {his} glucose checked before the game.",
    "{S} sprained {his} ankle at practice and is in a boot.",
    "{S} was hospitalized over the weekend.",
    "{S} has Crohn's disease and may need bathroom breaks.",
    "{S2} led the team in scoring while {S} watched from the bench in a walking boot.",
)
IEP = _r(
    "iep504",
    "{S} has testing accommodations for the ACT.",
    "Heads up that {S} gets notes ahead of time per {his} 504.",
    "{S's} IEP says {he} can take tests in a small group setting.",
    "{S} gets a scribe for written exams under {his} IEP.",
    "The IEP team for {S} meets {day} at 8.",
)
SPED = _r(
    "special_ed",
    "{S} is in the special needs class down the hall.",
    "{S} gets speech services twice a week.",
    "{S} was diagnosed with a learning disability in reading.",
    "{S} has a one-on-one aide for the field trip.",
    "{S} is in the autistic support classroom.",
    "{S} attends the special ed program at the other campus.",
)
FIRST = _r(
    "first-name",
    "Great to see {S} at the pep rally. {Sf} just got cleared after the concussion.",
    "{S} is new to our school. {Sf} has an IEP for reading, so please be patient.",
)

DIRECTORY = _d(
    "directory",
    "Three cheers for {S}, who broke the school record in the 400m!",
    "{S} is our Athlete of the Week.",
    "{S} will represent Brookfield at the state leadership conference this summer.",
    "Welcome to the team, {S}!",
    "{S} sang the national anthem at the home opener.",
    "{S} was named captain of {sport} for next year.",
    "Senior night spotlight: {S}, four-year letter winner.",
    "{S} and {S2} organized the canned food drive.",
    "Congrats {S}, accepted early decision to Purdue!",
    "{S's} short film won the audience award.",
    "{S} qualified for the state chess tournament.",
    "Photo of the day: {S} with the game ball.",
    "{S} received a Presidential Volunteer Service Award.",
)
TRAPS = _d(
    "directory/trap",
    "{S} earned a perfect score at the regional piano competition.",
    "{S} passed {his} black belt test this weekend!",
    "{S} wrote a moving essay about {his} grandmother's fight with cancer.",
    "{S} ran a 5K to raise money for diabetes research.",
    "{S} is the student representative on the attendance committee.",
    "{S} helped build a wheelchair ramp for the community center.",
    "{S} dressed up as a nurse for spirit day.",
    "{S} played a doctor in the fall play.",
    "Our detention room got a makeover thanks to {S} and the art club.",
    "{S} will lead our civics discussion on the history of special education law.",
    "{S} tutors freshmen who are failing {subj}.",
    "Absolutely sick performance by {S} at the talent show!",
    "{S} is out of town for the state science olympiad.",
    "The flu shot clinic is {day}. Congrats to {S} on the art award!",
)

STAFF = _d(
    "staff",
    "{T} will be out for surgery next month; a long-term sub starts Monday.",
    "{T} is our new school psychologist.",
    "Please welcome {Tf}, the district's new special education director!",
    "{T} is on administrative leave.",
    "{Tf} broke an arm skiing and will teach from a chair this week.",
    "{T} is handling all IEP meetings this week.",
    "{T} will take attendance at the assembly.",
    "{Tf} is the new attendance secretary.",
)
GUARDIAN = _d(
    "guardian",
    "{G} brought the team dinner after the game!",
    "{G} is in the hospital after a car accident; meal sign-up below.",
    "{G} has volunteered at every book fair this year.",
    "{G} was elected PTO president.",
)
DISTRICT = _d(
    "district",
    "Absences must be reported by 9 a.m. at {DPHONE}.",
    "Questions about your student's IEP? Contact {DEMAIL}.",
    "Flu clinic at {SCHOOLADDR} on {DATE}.",
    "The nurse's office line is {DPHONE}.",
)
GENERAL = _d(
    "general",
    "{N} from Eastfield tore his ACL in the second half; best wishes to him.",
    "Visiting author {N} signs books {day}.",
    "{NN} from the bus garage retired today!",
    "Our thoughts are with the Eastfield coach, {N}, who is in the hospital.",
    "Someone named {F} left a water bottle in the gym.",
    "Congrats to {F} from 3rd period on the perfect quiz!",
    "Order confirmation {XID}: 24 hoodies.",
    "Vendor contact: {BIZEMAIL}.",
    "Call {BIZ} at {BIZPHONE} to reserve lanes.",
)
IDS = _d(
    "id",
    "{S} forgot {his} ID again, number {ID}.",
    "Found: student ID card #{ID} near the gym.",
    "Lunch account {ID} has a negative balance.",
    "Please update the permission slip for {S} (ID {ID}).",
)
EMAILS = _d(
    "email",
    "{S} can be reached at {EMAIL} for the carpool.",
    "Forwarding {S's} essay from {EMAIL}.",
    "Tag your partner: {S}, {EMAIL}.",
)
PHONES = _d(
    "phone",
    "{S} lost {his} phone; if found call {PHONE}.",
    "Team group chat admin: {S} ({PHONE}).",
)
ADDRESS = _d(
    "address",
    "Drop-off for the bake sale is at {S's} place, {ADDR}.",
    "{S} moved to {ADDR}, please update the bus route.",
)
BIRTHDATE = _d(
    "birthdate",
    "{S} turns 15 today! (born {DOB})",
    "Birthday shoutout: {S}, {DOB}.",
)
SSN = _d("ssn", "FAFSA help for {S}: SSN {SSN}.")

RECORD = [*GRADES, *DISCIPLINE, *ATTENDANCE, *HEALTH, *IEP, *SPED, *FIRST]
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
    return write_set_main(TEMPLATES, "C", POSTS, SEED, argv)


if __name__ == "__main__":
    sys.exit(main())
