"""Held-out set E: a fourth fresh phrasing set for the student-PII benchmark, written blind.

Written from the ARCHITECTURE contract (section 5) and the label rules in
``heldout_district.py`` alone, without reading the detectors, their context vocabularies,
their tests or their documentation, and before any run of this set; no sentence is taken
or lightly reworded from set B, set C, set D or the in-sample templates. The first run is to
be done once, untuned, by someone who did not write it; that figure is the honest held-out
number. Same placeholders as ``heldout_phrasings.py`` and ``heldout_phrasings_d.py``
(``{S2f}`` is a first-name re-mention of the bystander ``{S2}``, ``{n}`` a small count); its
own seed, so its roster differs from sets B, C and D.

The posts mix registers: formal notices from sponsors and coaches, long multi-sentence
updates, bulleted and numbered lists, parents replying in comment threads, and students
texting in lower case with slang. Topics span clubs, teams, band, theater, robotics,
yearbook, field trips, fundraisers and class pages. Record templates tie the post's student
to grades or test scores (good news included), discipline, attendance, health, IEP/504 or
special education, often indirectly (a case manager, a re-evaluation, an accommodation with
no plan named). The negatives are directory information (awards, honors, activities,
sports statistics, cast lists), record words about staff, guardians, outsiders, relatives,
fiction, topics or policies, district and business contacts, school and venue addresses,
and numbers that are no student's (orders, invoices, raffle tickets, scores, times, room
and jersey numbers, event dates).

Ambiguous cases were left out rather than guessed: a perfect-attendance award (an award,
but about attendance), an academic-competition score, a student seat on a special
education advisory council, audition chair placements.

    python bench/heldout_phrasings_e.py --out /tmp/heldout-e   # writes the district

Recorded first run (``bench/student_pii_quality.py --set heldout-e``, span level, 2026-11-29,
untuned: the detectors as of commit 9680483, after the round that tuned on B, C and D)::

    category                 gold   pred    prec  recall      F1
    pii.student_name           97     89  0.9438  0.8660  0.9032
    pii.education_record      359    283  0.8693  0.6852  0.7664
    pii.student_id             44     48  0.9167  1.0000  0.9565
    pii.phone                  50     57  0.8772  1.0000  0.9346
    pii.email                  40     40  1.0000  1.0000  1.0000
    pii.address                18     22  0.7727  0.9444  0.8500
    pii.birthdate              20     11  1.0000  0.5500  0.7097
    pii.ssn                    13     13  1.0000  1.0000  1.0000
    micro overall             641    563  0.8970  0.7878  0.8389

The honest held-out figure of that round: sets C and D scored 0.73 and 0.76 on their
untuned first runs. Any later figure is after tuning on this set.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from heldout_district import others as _d
from heldout_district import phrasing_set, write_set_main
from heldout_district import records as _r

SEED = 61874
NAME = "he5"
POSTS = 1000


# -- record posts: the post's student (and {S2r}) tied to an education record ------------------
GRADES = _r(
    "grades",
    "Grade check came back and {S} is ineligible again: a 47 in {subj} and a 58 in chemistry.",
    "Hi all, {S's} dad here. {S} is sitting at a D in {subj} after bombing two quizzes; is "
    "there a robotics kid who tutors? Will pay in pizza.",
    "bro {S} got a 12/50 on the {subj} quiz 💀💀",
    "Yearbook staff: {S} can't shoot the away game until the failing {subj} grade is fixed.",
    "{S} has to do summer school for {subj}, so {he} will miss band camp in July.",
    "Big congrats to {S} for a perfect 36 on the ACT!",
    "{S} failed the algebra placement exam in May and has to retake it before fall schedules "
    "come out.",
    "{S} was dropped from the National Honor Society after {his} GPA fell to a 2.4.",
    "{S} came home with three Ds on the interim report, so {his} role in the spring play goes "
    "to the understudy.",
    "{S} tested in the 12th percentile on the fall reading benchmark, so {T} is moving {him} "
    "into the literacy block.",
    "{S} is the only one in {subj} who still has a zero on the semester project.",
    "{S} and {S2r} stay after practice today; both are below 60% in {subj} as of this morning.",
    "{S} failed the Constitution test for the third time and can't get {his} diploma until "
    "{he} passes it.",
    "Conference recap from {S's} mom: {his} {subj} average is a 63 and {he} {is} reading two "
    "years below grade level.",
    "lol {S} really got a 3% on the vocab quiz and said it was strategic 😭",
    "{S} has the top GPA in the junior class, a 4.31 weighted.",
    "{S} needs at least an 84 on the {subj} final to keep the scholarship; right now {he} {is} "
    "at a 79.",
    "Robotics roster note: {S} is on grade hold until the missing {subj} work is turned in.",
    "{S} earned 27 of 80 points on the {subj} unit exam and is signed up for the retest.",
    "Pep band, week {n}: everyone is cleared to play except {S}, who has an F in {subj}.",
    "{S} lost credit for {subj} this semester and has to repeat the whole course in the fall.",
)
GRADES_INDIRECT = _r(
    "grades/indirect",
    "{S} is one of the kids the {subj} teacher flagged for Tuesday/Thursday intervention after "
    "the unit test went badly.",
    "Whoever sits with {S} on the bus, please quiz {him} on the flashcards; {his} report card "
    "was rough and {his} parents are not happy.",
    "Senior slideshow note: leave {S} out of the cap-and-gown section. {He} {is} finishing "
    "{his} last credits over the summer.",
)
DISCIPLINE = _r(
    "discipline",
    "Update from the dean's office: {S} has been taken off the debate travel roster as a "
    "consequence for what happened at the tournament hotel.",
    "{S} got a three-day suspension for pulling the fire alarm during 5th period.",
    "yo {S} really got sent to the office for that parody song in {subj} 😂",
    "{S} was given a behavior referral for refusing to hand over {his} earbuds.",
    "{S} has to go to a restorative circle on {day} for the shoving match in the hallway.",
    "{S} was arrested at Friday's game and the school has opened a disciplinary case.",
    "Parents, {S} is serving lunch detention all week for the food fight, so please save {him} "
    "a slice of cake from the party.",
    "Per the assistant principal, {S} may not enter the yearbook room for the rest of the "
    "semester after the camera was damaged.",
    "{S} forged {his} mom's signature on the permission slip, so {he} stays behind with a "
    "referral.",
    "{S} is under a no-contact order with another student after the harassment investigation.",
    "The band director confirmed that {S} is suspended from marching band for the rest of the "
    "season for hazing.",
    "{S} and {S2r} are on probation with the athletic department over the locker room video.",
    "Behavior point totals went home today and {S} is at {n}, the highest on the team.",
    "The board voted 5-2 to expel {S} for the rest of the year over the fire extinguisher "
    "incident.",
    "Answer key leak update: the one who posted it in the group chat was {S}, and {he} {is} in "
    "ISS through {day}.",
    "The principal removed {S} from the homecoming court after the social media incident.",
)
ATTENDANCE = _r(
    "attendance",
    "{S} has missed every single Monday since October. The counselor is setting up a meeting "
    "with the family.",
    "homeroom roll call: {S} absent. again. that's 3 days straight",
    "Under the 10-day rule {S} has already lost credit in {subj}; {he} {is} at 22 absences.",
    "{S} will be absent Thursday and Friday for Diwali; the absence is excused, so no "
    "rehearsal penalty.",
    "{S} has walked out after lunch four Fridays running, and {his} afternoon teachers mark "
    "{him} absent.",
    "The truancy officer stopped by {S's} house {day} morning.",
    "{S} owes {n} hours of detention, one for every late arrival since October.",
    "Field trip absence list: {S} (unexcused) and {S2r} (excused, doctor's note).",
    "{S} is on independent study for six weeks while {he} {is} out of state, so {he} won't be at "
    "school until March.",
    "The social worker has left four voicemails for {S's} family about {his} absences; if you "
    "are in touch with them, please ask them to call the school.",
    "Newspaper staff: {S} was absent from school all week, so someone else needs to cover "
    "{his} beat.",
    "lmao {S} skipped school for the concert and ended up on the local news",
)
HEALTH = _r(
    "health",
    "{S} needs {his} nebulizer treatment at lunch on tournament day; the machine is in the "
    "trainer's room.",
    "Shoulder update: {S} dislocated it again in Tuesday's match, so the doctor has {him} in a "
    "sling for a month.",
    "Thank you to everyone who signed the card for {S}. {He} {is} home from the hospital after "
    "a week with a kidney infection.",
    "{S} was diagnosed with type 2 diabetes and will keep snacks at the music stand during "
    "rehearsal.",
    "FYI coaches: {S} has sickle cell disease and needs a water break every 20 minutes in the "
    "heat.",
    "{S} gets stage fright bad enough that {his} therapist comes to opening night. Give {him} "
    "space backstage.",
    "{S's} seizure medication was changed this week, so {he} might be tired at practice.",
    "Bake sale volunteers, read every label: sesame sends {S} to the ER.",
    "get well soon {S}!! 🤒 heard the stomach bug got you",
    "{S} is taking a leave from the {club} while {he} {is} in treatment for depression.",
    "The trainer thinks {S} has a stress fracture in {his} foot; no running until the X-ray.",
    "{S's} blood sugar crashed halfway through the anthem and {he} went down. {He} {is} fine "
    "now and back on the risers.",
    "Meal train for {S's} family: {S} is recovering from spinal fusion surgery and will be home "
    "for a month.",
    "{S} got cleared by the cardiologist and is back at practice after the heart scare!",
    "{S's} ADHD meds wear off around 2, so after-school rehearsal is rough for {him}. Be patient.",
    "{S} has Tourette syndrome, so please don't react to the tics during the debate round.",
    "{S} was bitten by a dog over the weekend and needed a tetanus shot and stitches.",
    "Long post, sorry. {S} collapsed at the end of the 3200 and went by ambulance to St. "
    "Francis. {His} parents say it was heat exhaustion and {he} {is} resting. Please keep it "
    "off the group chat until the family shares more.",
    "{S} has lice, so the costume hats are being washed before anyone else wears them.",
    "Nature center trip: if {S} gets stung, {his} auto-injector is in the green pouch and {T} "
    "knows how to use it.",
    "texted {S}, {he} {is} in the hospital with a collapsed lung. no visitors yet",
    "{S} can't do the fitness test this month because {he} {is} recovering from a hernia repair.",
)
HEALTH_INDIRECT = _r(
    "health/indirect",
    "{S} is back from the eating disorder clinic and asked that nobody comment on the team "
    "dinner menu around {him}.",
    "Please don't ask {S} why {he} {is} sitting out; {his} doctor hasn't cleared {him} since "
    "the hit to the head.",
    "{S} will be wearing a sling in the yearbook photo, still healing from the break.",
)
IEP = _r(
    "iep504",
    "Chaperones: {S} has a 504 plan for anxiety and may need to step off the bus for a break.",
    "{S's} IEP case manager will sit in on Thursday's rehearsal to see how the blocking works "
    "for {him}.",
    "{S's} IEP gives {him} a word bank on every {subj} quiz.",
    "{S} may wear noise-cancelling headphones during pep rallies, per {his} 504.",
    "{S's} triennial special education re-evaluation is next month, so {he} will miss two "
    "rehearsals for testing.",
    "Sub plans, period 3: {S} dictates {his} answers to the aide instead of writing them. IEP, "
    "not optional.",
    "Quick question for the 504 coordinator: does {S's} 504 plan cover the state band festival "
    "too?",
    "{S} has a modified grading scale in {subj} under {his} IEP.",
)
IEP_INDIRECT = _r(
    "iep504/indirect",
    "{S} gets tests read aloud in a separate room, so the robotics written exam will be in the "
    "library for {him}.",
    "{S} gets extended time on the robotics written exam per {his} accommodation plan.",
    "{S's} case manager wants the field trip itinerary in writing ahead of time so {he} can "
    "preview it.",
)
SPED = _r(
    "special_ed",
    "{S} spends mornings in the structured learning classroom and joins us for band in the "
    "afternoon.",
    "{S} started speech-language therapy for a stutter through the school this fall.",
    "Eligibility meeting result for {S}: special education services, category other health "
    "impairment.",
    "Banquet seating: please save a chair next to {S} for {his} paraprofessional.",
    "{S} is in the deaf and hard of hearing program and works with an interpreter in class.",
    "{S} has dyscalculia and is in the math intervention group with {T}.",
    "{S} moved from the self-contained room to full inclusion this year! So proud.",
    "{S} goes to the transition program at the community college three days a week as part of "
    "{his} special ed services.",
    "Unified basketball roster: athletes from our special education classrooms include {S}.",
)
FIRST = _r(
    "first-name",
    "Introducing our new stage manager, {S}! {Sf} has a 504 for dyslexia, so please send cue "
    "sheets in a large font.",
    "{S} took first at the science fair. {Sf} has been suspended since {day}, though, so {T} "
    "will accept the trophy.",
    "Cards for {S} can go in the box by the choir room. {Sf} is having a second surgery on the "
    "torn ligament Monday.",
    "Heads up, {S} won't be at rehearsal. {Sf} hit 15 absences and is on attendance hold until "
    "the parent meeting.",
    "Update on {S} from the coaches: {Sf} failed two classes at the quarter, so {Sf} practices "
    "but doesn't dress for games.",
)
BYSTANDER = _r(
    "record+bystander",
    "Solo change for Friday's concert: {S} is having knee surgery, so {S2} sings the second verse.",
    "{S2} and {S3} are driving to regionals. {S} isn't coming because of the suspension.",
    "Lab partners this week: {S2} with {S3}; {S} works in the resource room per {his} IEP.",
    "{S2} played goalie for the first time ever because {S's} wrist is in a cast. {S2f} made "
    "14 saves!",
)
LISTS = _r(
    "record/list",
    "Rides for Saturday's tournament:\n- {S2}: driving, 3 seats\n- {S}: needs a ride, still in "
    "a walking cast\n- {S3}: meeting us there",
    "Robotics build night sign-up\n1. {S2}, CAD\n2. {S3}, wiring\n3. {S}, excused ({he} {has} "
    "in-school suspension {day})",
    "Travel checklist for the choir trip:\n• permission slips\n• {S's} insulin pump supplies "
    "(nurse packs them)\n• water bottles",
)

# -- directory information (labelled only for an opted-out student) -----------------------------
DIRECTORY = _d(
    "directory",
    "Robotics recap: our bot went 6-1 in qualifiers! {S} wired the drivetrain and {S2} wrote "
    "the autonomous code. Next stop is state on {DATE}.",
    "Trumpet section leader for marching season: {S}. Congrats! 🎺",
    "Photo credits for this yearbook spread go to {S}, {S2} and {S3}.",
    "Cast list for Into the Woods is up: the Baker is {S} and the Witch is {S2}.",
    "{S}, wearing #23, dropped 31 points in the 68-54 win.",
    "{S} finished 12th of 214 runners at sectionals in 16:42.",
    "Our FBLA chapter is sending {S} to nationals in Atlanta for the public speaking event.",
    "Treasurer vacancy filled: {S} will keep the {club} books this year.",
    "{S} got a standing ovation for the cello solo at the winter concert 👏",
    "Field trip photos from the zoo are posted! That's {S} feeding the giraffe.",
    "{S} ({grade}) made it to the Lincoln-Douglas debate finals.",
    "The car wash raised $1,137! Special thanks to {S} for the sign spinning.",
    "Illinois Wesleyan baseball just got a lefty: {S} made it official today! ⚾",
    "All-state jazz band: {S} on tenor sax and {S2} on drums.",
    "{S} placed 2nd in the 138-lb bracket at the wrestling invitational.",
    "tbh {S} carried our whole trivia night team lmao 🧠",
    "Student spotlight 🌟 {S} runs the recycling program and got the city to put bins in the park.",
    "{S's} ceramic teapot is on display at the public library until {DATE}.",
    "The {club} thanks {S} for three years as webmaster. {Sf} built our whole site from scratch!",
    "{S} is one of 40 students statewide picked for the Governor's Scholars summer program.",
    "Mock trial roles for regionals: {S} is lead attorney for the defense and {S2} is our "
    "expert witness.",
    "Band fundraiser total: $4,280 from 312 poinsettias. Top seller was {S} with 41!",
    "Big thanks to our announcers for the 5K, {S} and {S2}. {S2f} even brought a cowbell.",
)
TRAPS = _d(
    "directory/trap",
    "Nobody has ever been that funny while lying motionless: {S} as the coma patient in the "
    "spring farce.",
    "{S} drafted the student senate's bill to let seniors make up tardies with service hours; "
    "it passed 14-3.",
    "{S's} AP Psych poster on myths about ADHD won the department showcase.",
    "Socks for chemo patients: {S} collected 600 pairs for the pediatric cancer floor.",
    "{S} just got {his} lifeguard, CPR and first-aid certifications. The pool is in good hands.",
    "At the open mic, {S} sang a song {he} wrote for {his} grandpa, who has Alzheimer's.",
    "{S} volunteered at the Special Olympics track meet Saturday, running the stopwatch at the "
    "finish line.",
    "{S} plays a principal who gives everyone detention in the spring comedy. Tickets are $7.",
    "National Honor Society welcomes its newest members, {S} and {S2}!",
    "{S} interviewed {T} about co-teaching in inclusion classrooms for the newspaper feature.",
    "{S} built an app that reminds teens to take their medication, and it won the "
    "Congressional App Challenge.",
    "{S} argued the affirmative on 'Schools should abolish letter grades' and won the round.",
    "Career day recap: {S} spent the morning with the paramedics at Station 3 and rode along "
    "on a call.",
    "{S's} solo at jazz night was sick, no cap 🎷",
    "{S} shaved {his} head for St. Baldrick's and raised $1,900 for childhood cancer research.",
    "{S} wrote the one-act about a kid who keeps landing in detention; it opens {day}.",
    "The principal's list for the quarter includes {S}.",
    "Costume contest winner: {S} as a surgeon, complete with a rubber-glove balloon.",
    "{S} took first at the state FCCLA meet with a presentation on sleep and sports injuries.",
    "{S} kept the {club} running for six weeks while {T} was on medical leave. Legend.",
    "{S} and the rest of the {club} made 200 get-well cards for the veterans' hospital.",
    "{S's} podcast episode on how other countries handle school suspensions is up now.",
    "{S} raised $2,300 for the hospital that treated {his} little brother.",
    "In the chemistry demo, {S} showed how an EpiPen works, with an orange as the patient.",
    "{S} is the voice of the attendance reminder robocall this year, and {he} {does} a great "
    "British accent.",
)

# -- other people, places and numbers (never labelled) ------------------------------------------
STAFF = _d(
    "staff",
    "{T} is recovering from shoulder surgery, so the pit orchestra has a guest conductor until "
    "March.",
    "{Tf} will host a Q&A on the new grading scale for families {day} night.",
    "{Tf} moves from the classroom to the counseling office this spring as our 504 coordinator.",
    "No robotics build Thursday 🙁 {T} tested positive for COVID and the sub can't stay late.",
    "{T's} gradebook will be updated by {day}; please don't email about missing scores before "
    "then.",
    "{Tf} is taking family leave to care for a parent through spring break.",
    "Warmups move to 3:45 on game days because {T} is covering the detention room until 3:30.",
    "{T} was out with pneumonia last week but is back and ready for the trip!",
    "Congratulations to {Tf} on earning National Board certification in exceptional needs.",
    "{T} needs every attendance sheet from the away meet by {day}.",
    "Yearbook adviser {Tf} answers ad questions at {TEMAIL}.",
    "Discipline referrals for grades 9 and 10 now go to {Tf}, the new assistant principal.",
)
GUARDIAN = _d(
    "guardian",
    "Shoutout to {G} for sewing 40 costumes for the musical!",
    "{G} fell off a ladder hanging the homecoming banner and cracked two ribs, so the "
    "hospitality table needs a new lead.",
    "{G} donated the pizza for robotics build night 🍕",
    "{G} is writing a letter to the board against the new phone-suspension policy; signatures "
    "at the concession stand.",
    "{G} is teaching the pit crew how to change a tire before the robotics trip.",
    "Our condolences to {G}, whose mother passed away after a long illness.",
    "{G} spent the whole weekend repainting the concession stand. Looks brand new!",
    "Float build photos: {S} on the glitter, {G} on the power drill, and the whole {club} on "
    "pizza.",
)
DISTRICT = _d(
    "district",
    "Attendance questions about the band trip? Leave a message at {DPHONE}.",
    "Medication forms for overnight trips go to {DEMAIL} by {DATE}.",
    "Seniors: cap-and-gown rehearsal, {DATE}, 9 a.m., main gym ({SCHOOLADDR}). Don't be late.",
    "Families new to the district who had a 504 plan at their old school should send a copy to "
    "{DEMAIL} before the first day; the student services desk is {DPHONE}.",
    "The Board of Education meets {DATE} at {SCHOOLADDR}, room 114.",
    "Page rules, pinned: no report cards, no doctor's notes, no screenshots of the parent "
    "portal. Mods: {DEMAIL}.",
    "The snow make-up day is {DATE}. Transportation desk: {DPHONE}.",
    "Summer school sign-up closes {DATE}. Call {DPHONE} or stop by {SCHOOLADDR}.",
    "Free sports physicals on {DATE} in the nurse's office, room B12.",
)
GENERAL = _d(
    "general",
    "Boosters covered the shako bill, so invoice {XID} is closed out. Thank you!",
    "FINAL: 3-2 in double overtime!!! 🥅",
    "Respect to the Westfield bench for checking on their own {N} after that knee injury. Classy.",
    "Raffle winners: tickets {XID} and {XID}. Claim your prize at the concession stand.",
    "Our spring play is based on a true story, and {N}, whose childhood hearing loss inspired "
    "the script, will be at opening night.",
    "Assembly {day}: a pediatric nurse, {N}, will explain what vaping does to teenage lungs.",
    "20% of every order at {BIZ} on {day} goes to the trip fund. Phone orders count too: "
    "{BIZPHONE}.",
    "T-shirt proofs are ready; reply to {BIZEMAIL} with any changes.",
    "Bus leaves at 6:15 a.m. sharp from door 7. Room 204 is open for bags.",
    "A graphing calculator with '{F}' written on the back in Sharpie is waiting in the math "
    "office.",
    "heard {F} was in the hospital?? hope ur ok 💛",
    "{NN} got suspended from the group chat for spamming memes 😂",
    "The district signed off on purchase order {XID} for new music stands.",
    "{N}, band director here from 1989 to 2015, had a stroke last week. A get-well card box is "
    "by the band room door.",
    "Reading about districts that post grades online... glad we don't do that here.",
    "Hotel block for state is booked (12 rooms at the Holiday Inn), confirmation code {XID}.",
    "Regionals are at Eastfield High School, 2150 Kingsley Rd, Peoria. Doors open at 7.",
)

# -- contact and identity values of the post's student ------------------------------------------
IDS = [
    *_d(
        "id",
        "{S}, the library scanned your card wrong. Your number is {ID}, not what's on the slip.",
        "Bus 12's driver turned in an ID card this morning, number {ID}; the owner can grab it "
        "in the office.",
        "Robotics registration asks for a student number for every team member. I entered mine "
        "({ID}); the rest of you, do yours by {day}.",
        "Band room lost and found has {S's} ID card, #{ID}, and a single drumstick.",
        "Two numbers on your yearbook receipt: {XID} is the order, {ID} is the student it is "
        "billed to.",
        "typed my student # wrong on the field trip form, it's {ID} not the other one lol",
        "The cafeteria card reader keeps rejecting {ID}; {S}, please stop by the kitchen office.",
    ),
    *_r(
        "id/record",
        "Nurse's log: student {ID} ({S}), sent home with a fever at 10:20.",
        "Credit recovery enrollment: {ID} / {S} / {subj}, failed semester 1.",
    ),
]
EMAILS = _d(
    "email",
    "Headshots for the playbill are due {day}. {S} is collecting them at {EMAIL}.",
    "The sponsorship letter draft is with {EMAIL}; {T} ({TEMAIL}) signs off on it.",
    "i made a study guide for the {subj} final, anyone who wants it just email {EMAIL}",
    "{S's} email bounced. Is it {EMAIL}?",
    "Yearbook committee: {S} handles photos ({EMAIL}); deadline questions go to the adviser at "
    "{TEMAIL}.",
    "The vendor is {BIZEMAIL}; {S} ({EMAIL}) is the student contact for the order.",
)
PHONES = _d(
    "phone",
    "Whoever picked up the water bottle covered in band stickers, it's mine! {PHONE}",
    "Carpool to the district theater festival: {S} ({PHONE}) has two open seats.",
    "Cookie dough tubs are in! Pickup is at {BIZ} ({BIZPHONE}), or text {S} at {PHONE} to get "
    "yours delivered.",
    "coach's rule: if the bus breaks down, the office is {DPHONE}. if you're just running late, "
    "text me, {PHONE}",
    "Can someone add {S} to the pit crew group text? {His} cell is {PHONE}.",
)
ADDRESS = _d(
    "address",
    "The car wash is in {S's} driveway this Saturday, {ADDR}. $8 a car!",
    "Route change: the {day} activity bus now stops in front of {S's} house, {ADDR}, instead of "
    "at the school, {SCHOOLADDR}.",
    "Mailing the late yearbooks this week. {S}, we have {ADDR} on file for you, still right?",
    "{S's} family is hosting the cast party at {ADDR}, 7 pm after the Saturday show.",
)
BIRTHDATE = _d(
    "birthdate",
    "🎂 Our goalie {S} came into the world on {DOB}, and we've been lucky ever since. HBD!",
    "Passport check for the Canada trip: the birthdate on {S's} form ({DOB}) must match the "
    "passport exactly.",
    "The insurance form for {S} lists {his} birthdate as {DOB}; can a parent confirm?",
    "Band camp check-in: {S}, born {DOB}, cabin 4.",
)
SSN = _d(
    "ssn",
    "Parents, please don't post SSNs in the comments. Whoever posted {S's} as {SSN}, please "
    "delete it.",
    "Dual-credit enrollment for {S}: SSN {SSN} goes on page 2 of the college form.",
)

RECORD = [
    *GRADES, *GRADES_INDIRECT, *DISCIPLINE, *ATTENDANCE, *HEALTH, *HEALTH_INDIRECT, *IEP,
    *IEP_INDIRECT, *SPED, *FIRST, *BYSTANDER, *LISTS,
]  # fmt: skip
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
    return write_set_main(TEMPLATES, "E", POSTS, SEED, argv)


if __name__ == "__main__":
    sys.exit(main())
