"""A small labelled retrieval set: documents with known answer passages.

Four documents of six chunks each on different subjects, written so that questions are
paraphrases (they share some words with their answer, not the sentence), plus distractor
chunks that share common words with many questions.
"""

from __future__ import annotations

DOCUMENTS: dict[str, list[str]] = {
    "employee-handbook.txt": [
        "Employees accrue twenty-five days of paid annual leave per calendar year. Unused "
        "leave of up to five days may be carried over to the following year.",
        "Remote work is allowed up to three days per week with the approval of your manager. "
        "Core collaboration hours are from ten to three.",
        "Expense claims must be submitted within sixty days with itemised receipts attached; "
        "claims above five hundred euros need a director's approval.",
        "The probation period for new hires lasts six months, during which either party may "
        "end the contract with two weeks' notice.",
        "Parental leave is sixteen weeks at full pay for the primary carer and six weeks for "
        "the secondary carer.",
        "Our office is open to visitors from nine to five. Visitors sign in at reception.",
    ],
    "router-manual.txt": [
        "To reset the router to factory settings, hold the recessed reset button for ten "
        "seconds until the power light blinks amber.",
        "The default administration address is 192.168.8.1 and the default password is "
        "printed on the label underneath the device.",
        "Firmware updates are installed automatically every night between two and four; "
        "the router restarts once the update is complete.",
        "The guest network isolates visitors' devices from your home network and can be "
        "switched on from the mobile app.",
        "A solid red light means the router has no internet connection; check the cable to "
        "the modem first.",
        "Parental controls let you pause the internet for a device on a schedule.",
    ],
    "lease-agreement.txt": [
        "The monthly rent of 1,450 euros is due on the first day of each month by bank "
        "transfer to the landlord's account.",
        "The tenant pays a security deposit equal to two months' rent, returned within "
        "thirty days of the end of the lease minus any deductions for damage.",
        "Pets are permitted only with the landlord's written consent; a cat or a small dog "
        "is normally accepted.",
        "Either party may terminate the lease with three months' written notice, ending on "
        "the last day of a calendar month.",
        "The landlord is responsible for repairs to the heating system and the roof; the "
        "tenant handles minor maintenance such as light bulbs.",
        "Smoking is not allowed anywhere inside the apartment or on the balcony.",
    ],
    "sourdough-guide.txt": [
        "Feed the starter with equal weights of flour and water every twelve hours; it is "
        "ready when it doubles in size within six hours.",
        "Bulk fermentation takes four to six hours at twenty-four degrees, with a set of "
        "stretch and folds every thirty minutes during the first two hours.",
        "Bake the loaf in a preheated Dutch oven at 250 degrees for twenty minutes with the "
        "lid on, then twenty-five minutes with the lid off.",
        "A dense, gummy crumb usually means the dough was under-proofed; let it rise longer.",
        "Store the bread cut side down on a board; it keeps for three days, or freeze slices.",
        "Hydration of seventy-five percent gives an open crumb for experienced bakers.",
    ],
}

DISTRACTORS: list[str] = [
    "This document describes the policy and the process for the year.",
    "Please contact us if you have any questions about the days and the hours.",
    "All settings can be changed later; the defaults work for most people.",
    "The agreement is written in plain language so that both parties understand it.",
]

# (question, document name, chunk index of the answer)
QUESTIONS: list[tuple[str, str, int]] = [
    ("How many days of annual leave do employees get?", "employee-handbook.txt", 0),
    ("Can I work from home, and how often?", "employee-handbook.txt", 1),
    (
        "What is the deadline for submitting expense claims with receipts?",
        "employee-handbook.txt",
        2,
    ),
    ("How long is probation for a new hire?", "employee-handbook.txt", 3),
    ("How much parental leave does the primary carer receive?", "employee-handbook.txt", 4),
    ("How do I factory reset my router?", "router-manual.txt", 0),
    ("What is the default admin password of the router?", "router-manual.txt", 1),
    ("When are firmware updates installed?", "router-manual.txt", 2),
    ("What does a red light on the router mean?", "router-manual.txt", 4),
    ("How much is the monthly rent and when is it due?", "lease-agreement.txt", 0),
    ("When will I get my security deposit back?", "lease-agreement.txt", 1),
    ("Am I allowed to keep a cat or a dog?", "lease-agreement.txt", 2),
    ("How much notice is needed to terminate the lease?", "lease-agreement.txt", 3),
    ("Who pays for repairs to the heating?", "lease-agreement.txt", 4),
    ("How often should I feed my sourdough starter?", "sourdough-guide.txt", 0),
    ("How long does bulk fermentation take?", "sourdough-guide.txt", 1),
    ("At what temperature do I bake the loaf in the Dutch oven?", "sourdough-guide.txt", 2),
    ("Why is my bread crumb dense and gummy?", "sourdough-guide.txt", 3),
    ("How should I store the bread after baking?", "sourdough-guide.txt", 4),
    ("Is smoking allowed on the balcony?", "lease-agreement.txt", 5),
]
