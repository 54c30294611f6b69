"""The words the demo organisation is made of: names, teams, services, comments.

Kept apart from the generator so that the generator reads as the story of a year of service.
"""

from __future__ import annotations

from models.choices import ComplaintCategory as Cat
from models.choices import FeedbackType as Type

ORGANISATION = "Northshire County Council — Business Support"
EMAIL_DOMAIN = "northshire.gov.uk"

# (name, kind) of the departments every demo has; the large demo adds locality teams.
CORE_DEPARTMENTS = (
    "Human Resources",
    "Finance",
    "ICT",
    "Occupational Health",
    "Welfare Rights",
    "Legal Services",
    "Procurement",
    "Communications",
    "Facilities Management",
    "Payroll Shared Service",
    "Democratic Services",
    "Public Health",
)
CARE_TEAMS = (
    "Riverside",
    "Hillside",
    "Millbrook",
    "Ashford Vale",
    "Kingsmead",
    "Old Town",
    "Harbourside",
    "Fenwick",
    "St Anne's",
    "Northgate",
    "Westfield",
    "Brackenbury",
)
AREAS = (
    "Adult Social Care",
    "Children's Services",
    "Housing",
    "Highways",
    "Libraries",
    "Planning",
    "Revenues and Benefits",
    "Environmental Health",
    "Trading Standards",
    "Waste Services",
    "Parks and Open Spaces",
    "Education",
    "Property Services",
    "Customer Services",
    "Registrars",
    "Youth Services",
    "Transport",
    "Culture and Heritage",
    "Emergency Planning",
    "Regeneration",
)
LOCALITIES = ("North", "South", "East", "West", "Central")

SHARED_SERVICE = ("Northgate Payroll Services", "Payroll Shared Service")
SUPPLIER = ("Office Supplies Direct Ltd", "Procurement")

# fmt: off
FIRST_NAMES = (
    "Priya", "James", "Aisha", "Tom", "Sophie", "Oluwaseun", "Hannah", "Mohammed", "Emily",
    "Daniel", "Zoë", "Łukasz", "Siobhán", "Grace", "Rajesh", "Chloe", "Connor", "Fatima",
    "Oliver", "Niamh", "Amelia", "Kwame", "Isla", "Harry", "Mei", "Jack", "Ruth", "Ewan",
    "Bethan", "Anika", "Liam", "Chiara", "Samuel", "Jolanta", "Callum", "Ffion", "Yusuf",
    "Eleanor", "Dylan", "Agnieszka", "Marcus", "Leah", "Ibrahim", "Rosie", "Gareth", "Noor",
)
SURNAMES = (
    "Patel", "Smith", "Khan", "Jones", "Williams", "Adeyemi", "Brown", "Taylor", "O'Connor",
    "Davies", "Łukasiewicz", "Evans", "Wilson", "Thomas", "Roberts", "Müller", "Johnson",
    "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green",
    "Hall", "Wood", "Harris", "Nowak", "Clarke", "Jackson", "Okafor", "Begum", "Murphy",
    "Lewis", "Ahmed", "Kowalski", "Morgan", "Campbell", "Chen", "Singh", "Fitzgerald",
    "Ó Súilleabháin", "Mackenzie", "Rossi", "Baker", "Hussain", "Kaur", "Scott", "Young",
)
JOB_TITLES = (
    "Team Manager", "Social Worker", "Senior Practitioner", "Care Coordinator", "HR Adviser",
    "HR Business Partner", "Finance Officer", "Accountant", "ICT Analyst", "Service Desk Lead",
    "Occupational Health Nurse", "Welfare Rights Adviser", "Solicitor", "Paralegal",
    "Procurement Officer", "Communications Officer", "Facilities Coordinator", "Payroll Officer",
    "Committee Officer", "Public Health Analyst", "Head of Service", "Assistant Director",
    "Business Analyst", "Project Officer", "Administrator", "Support Worker",
)
# fmt: on
MANAGER_TITLES = ("Head of Service", "Assistant Director", "Service Manager", "Team Manager")
LOCATIONS = (
    "County Hall, Floor 1",
    "County Hall, Floor 2",
    "County Hall, Floor 3",
    "Riverside House",
    "Millbrook Centre",
    "Kingsmead Depot",
    "Old Town Library",
    "Harbourside Offices",
    "Hillside Resource Centre",
    "Remote / home-based",
)
NEEDS = (
    "Needs room bookings confirmed the same day; often books at short notice.",
    "Expects minutes within three working days of each meeting.",
    "Purchase orders must be raised before month end to meet budget deadlines.",
    "Prefers contact by email; works compressed hours (Mon–Thu).",
    "Needs large-print copies of documents.",
    "Relies on accurate data entry for statutory returns.",
    "Expects acknowledgement of every request within half a day.",
    "Works across three sites; needs post redirected weekly.",
    "",
    "",
)

# fmt: off
# Each service: (name, category, provider, [(measure, target, unit, compliance %)], templates)
SERVICES = (
    ("Room bookings", "Facilities", "Business Support — Bookings",
     [("response", 4, "working_hours", 95), ("completion", 1, "working_days", 95)],
     ("Book {room} for {event}", "Change booking of {room} to the afternoon",
      "Cancel {room} booking for {event}")),
    ("Minute-taking", "Meetings", "Business Support — Committee Team",
     [("response", 1, "working_days", 95), ("completion", 3, "working_days", 90),
      ("accuracy", 98, "percent", 95)],
     ("Minutes for {event}", "Take notes at {event}", "Circulate action log for {event}")),
    ("Purchase orders", "Finance", "Business Support — Purchasing",
     [("response", 1, "working_days", 95), ("completion", 3, "working_days", 95),
      ("accuracy", 99, "percent", 99)],
     ("Raise PO for {item}", "Chase goods receipt for {item}", "Amend PO value for {item}")),
    ("Data entry", "Records", "Business Support — Data Team",
     [("response", 1, "working_days", 95), ("completion", 5, "working_days", 90),
      ("accuracy", 99, "percent", 99)],
     ("Enter {count} case records", "Update client addresses ({count} records)",
      "Key in survey returns ({count} forms)")),
    ("Post and courier", "Facilities", "Business Support — Post Room",
     [("completion", 1, "working_days", 98)],
     ("Courier parcel to {site}", "Redirect post to {site}", "Collect signed-for post")),
    ("ICT first-line support", "ICT", "Business Support — Service Desk",
     [("response", 2, "working_hours", 95), ("completion", 2, "working_days", 90)],
     ("Password reset", "Printer on {floor} not working", "New starter laptop set-up",
      "Access to shared drive for {team}")),
    ("Stationery ordering", "Purchasing", "Business Support — Purchasing",
     [("completion", 5, "calendar_days", 95)],
     ("Order {item}", "Restock {floor} stationery cupboard")),
    ("Travel bookings", "Travel", "Business Support — Bookings",
     [("response", 4, "working_hours", 95), ("completion", 2, "working_days", 95)],
     ("Train tickets to {city} for {event}", "Hotel in {city} for training")),
    ("Recruitment administration", "HR", "Business Support — HR Admin",
     [("response", 1, "working_days", 95), ("completion", 5, "working_days", 90)],
     ("Advertise {role} vacancy", "Arrange interviews for {role}",
      "Send offer letter for {role}")),
    ("Expenses processing", "Finance", "Business Support — Purchasing",
     [("completion", 10, "working_days", 95), ("accuracy", 99, "percent", 98)],
     ("Process mileage claim", "Query on expenses claim for {month}")),
    ("Diary management", "Meetings", "Business Support — PA Team",
     [("response", 2, "working_hours", 95)],
     ("Arrange meeting with {team}", "Move 1:1s for next week")),
    ("Document scanning", "Records", "Business Support — Data Team",
     [("completion", 3, "working_days", 95)],
     ("Scan {count} archived files", "Scan signed contracts for {team}")),
    ("Reception cover", "Facilities", "Business Support — Reception",
     [("response", 1, "working_hours", 98)],
     ("Cover reception at {site}", "Visitor passes for {event}")),
    ("Invoice processing", "Finance", "Business Support — Purchasing",
     [("completion", 5, "working_days", 95), ("accuracy", 99, "percent", 99)],
     ("Pay invoice from {supplier}", "Query invoice from {supplier}")),
    ("Printing and reprographics", "Facilities", "Business Support — Print Room",
     [("completion", 2, "working_days", 95)],
     ("Print {count} copies of agenda pack", "Laminate signs for {site}")),
    ("Archive retrieval", "Records", "Business Support — Data Team",
     [("completion", 3, "working_days", 90)],
     ("Retrieve archived file for {team}", "Return boxes to archive store")),
)
# fmt: on
CLIENT_GROUPS = ("Schools", "Adult Social Care", "Children's Services", "Corporate")

FILLERS = {
    "room": (
        "Room 2.14",
        "the Council Chamber",
        "Committee Room B",
        "Meeting Room 3",
        "the Training Suite",
    ),
    "event": (
        "the team meeting",
        "the safeguarding panel",
        "the budget review",
        "the induction day",
        "the quarterly board",
        "the staff briefing",
    ),
    "item": (
        "office chairs",
        "laptop docks",
        "training course places",
        "first-aid kits",
        "printer toner",
        "archive boxes",
    ),
    "count": ("40", "120", "75", "300", "18"),
    "site": ("Riverside House", "Kingsmead Depot", "Harbourside Offices", "Old Town Library"),
    "floor": ("floor 1", "floor 2", "floor 3"),
    "team": ("the Hillside care team", "Welfare Rights", "Payroll", "Occupational Health"),
    "city": ("Manchester", "Leeds", "London", "Birmingham"),
    "role": ("Social Worker", "HR Adviser", "Payroll Officer", "Care Coordinator"),
    "month": ("March", "June", "September", "December"),
    "supplier": ("Office Supplies Direct Ltd", "Northgate Payroll Services", "Bright Cleaning"),
}

# (name, description, feedback types it goes with)
CODES = (
    (
        "Quick response appreciated",
        "Customer valued how fast the team first replied.",
        (Type.GENERIC_POSITIVE,),
    ),
    (
        "Friendly and helpful staff",
        "Staff were courteous, approachable and willing to help.",
        (Type.GENERIC_POSITIVE,),
    ),
    (
        "Minutes too slow to arrive",
        "Meeting minutes arrived later than the agreed 3 days.",
        (Type.GENERIC_NEGATIVE, Type.USABILITY_ISSUE),
    ),
    (
        "Booking system hard to use",
        "The online room-booking form is confusing or slow.",
        (Type.USABILITY_ISSUE,),
    ),
    (
        "Wants online request tracking",
        "Customer asks to see the progress of a request online.",
        (Type.NEW_FEATURE_REQUEST,),
    ),
    (
        "Not told when request completed",
        "No confirmation was sent when the work was done.",
        (Type.GENERIC_NEGATIVE, Type.USER_EDUCATION_ISSUE),
    ),
    (
        "Errors in data entry",
        "Records were keyed with mistakes that needed correcting.",
        (Type.BUG, Type.GENERIC_NEGATIVE),
    ),
    (
        "Unclear how to request a service",
        "Customer did not know which form or inbox to use.",
        (Type.USER_EDUCATION_ISSUE,),
    ),
    (
        "Recharge costs not explained",
        "Internal recharges for printing or post seemed unclear.",
        (Type.PRICING_OR_BILLING,),
    ),
    (
        "Purchase orders delayed",
        "Purchase orders took longer than the agreed timescale.",
        (Type.GENERIC_NEGATIVE,),
    ),
    (
        "Out-of-hours cover wanted",
        "Customer needs support before 9:00 or after 17:00.",
        (Type.NEW_FEATURE_REQUEST,),
    ),
    (
        "Printer faults not fixed",
        "Reported printer faults were not resolved first time.",
        (Type.BUG,),
    ),
    ("Good communication", "Kept informed at each step of the request.", (Type.GENERIC_POSITIVE,)),
    (
        "Inconsistent advice",
        "Different team members gave different answers.",
        (Type.GENERIC_NEGATIVE, Type.USER_EDUCATION_ISSUE),
    ),
    (
        "Wants self-service stationery",
        "Customer asks to order stationery directly.",
        (Type.NEW_FEATURE_REQUEST,),
    ),
    (
        "Accessible formats needed",
        "Documents needed in large print or another format.",
        (Type.USABILITY_ISSUE,),
    ),
)

COMMENTS = {
    Type.GENERIC_POSITIVE: (
        "Really quick turnaround on the room booking — thank you!",
        "Priya's team always goes the extra mile.",
        "Minutes were clear and arrived the next day. Brilliant.",
        "Very helpful on the phone, sorted my expenses query in minutes.",
        "Kept me updated throughout. Excellent service.",
    ),
    Type.GENERIC_NEGATIVE: (
        "Had to chase the purchase order twice.",
        "Nobody told me the data entry was finished.",
        "Minutes took over a week to come through.",
        "Felt passed from person to person.",
    ),
    Type.USABILITY_ISSUE: (
        "The booking form times out before I can finish it.",
        "Hard to find the right request form on the intranet.",
        "The PDF forms don't work with my screen reader.",
    ),
    Type.NEW_FEATURE_REQUEST: (
        "Could we track requests online like a parcel?",
        "Would love an early-morning service desk slot.",
        "Please let us order stationery ourselves.",
    ),
    Type.BUG: (
        "The printer on floor 2 is still jamming after the 'fix'.",
        "Two of our client records had the wrong postcode after keying.",
    ),
    Type.USER_EDUCATION_ISSUE: (
        "I didn't know minute-taking had to be booked a week ahead.",
        "Wasn't sure whether to email or phone for urgent post.",
    ),
    Type.PRICING_OR_BILLING: (
        "Why were we recharged for colour printing we didn't order?",
        "The courier recharge seems high for a small parcel.",
    ),
    Type.JUNK: ("asdf", "test", "—"),
    Type.OTHER: (
        "Car park barrier broken again (not your team, I know!).",
        "Is the canteen open on Fridays?",
    ),
}

COMPLAINT_SUMMARIES = {
    Cat.DELAY: ("Purchase order delayed by two weeks", "Minutes not circulated for a month"),
    Cat.ACCURACY: ("Wrong figures keyed into the statutory return", "Booking made for wrong day"),
    Cat.COMMUNICATION: ("Not told that the request was closed", "No reply to three emails"),
    Cat.TRAINING: ("No training given on the new booking system",),
    Cat.TECHNOLOGY: ("Laptop set-up left new starter without access for a week",),
    Cat.KNOWLEDGE_OF_PROCESSES: ("Adviser did not know the expenses process",),
    Cat.HR_SUPPORT: ("Recruitment paperwork lost twice",),
    Cat.MANAGEMENT_SUPPORT: ("Escalation to the team manager was not answered",),
    Cat.MISSING_STANDARDS: ("No agreed timescale for archive retrievals",),
    Cat.PERFORMANCE_GOALS: ("Targets for data entry never explained",),
    Cat.HEALTH_AND_SAFETY: ("Post room trolley left blocking a fire exit",),
    Cat.RECOGNITION: ("Team's extra work on the audit never acknowledged",),
    Cat.JOB_ROLE: ("Asked to do tasks outside the agreed service",),
    Cat.UNFAIR_TREATMENT: ("Felt requests from our team are always put last",),
    Cat.DISCRIMINATION: ("Remarks about a colleague's religion at reception",),
    Cat.SAFEGUARDING: ("Client file left unattended in the print room",),
    Cat.INAPPROPRIATE_REMARKS: ("Sarcastic remarks made on the phone",),
    Cat.EXCLUSION: ("Our team left out of the room-booking priority list",),
    Cat.BEING_IGNORED: ("Repeated calls to the service desk ignored",),
    Cat.EQUAL_OPPORTUNITIES: ("Part-time staff excluded from booking slots",),
}

ACTION_TITLES = (
    "Send completion confirmations for every request",
    "Redesign the room-booking form",
    "Introduce a minutes template and 3-day tracker",
    "Purchase order checklist and weekly chase-up",
    "Double-keying check for statutory returns",
    "Publish a 'how to request' guide on the intranet",
    "Explain printing recharges in the service catalogue",
    "Trial an 08:00 service desk slot",
    "Accessible versions of all request forms",
    "Refresher training on the expenses process",
)
OWNERS = ("Priya Patel", "Tom Hughes", "Aisha Khan", "Gareth Evans", "Mei Chen")
# The team: the owners above (Priya leads it), and one who has since left.
TEAM_ROLES = {"Priya Patel": "team leader", "Mei Chen": "administrator"}
LEAVER = "Daniel Okafor"
LEAD = "Priya Patel"  # whom the user plays

# How the team shares its work: each member's relative share of the records of a kind they own.
# Tom is the busiest; Priya, who leads, takes few requests but her share of the complaints (and
# every confidential one); Mei also runs Rapport. Daniel's share counts only for work finished
# before he left: anything still open then was handed on.
REQUEST_SHARES = {
    "Priya Patel": 1,
    "Tom Hughes": 7,
    "Aisha Khan": 5,
    "Gareth Evans": 4,
    "Mei Chen": 2,
    "Daniel Okafor": 4,
}
COMPLAINT_SHARES = {
    "Priya Patel": 2,
    "Tom Hughes": 2,
    "Aisha Khan": 3,
    "Gareth Evans": 2,
    "Mei Chen": 1,
    "Daniel Okafor": 2,
}
ACTION_SHARES = {
    "Priya Patel": 3,
    "Tom Hughes": 2,
    "Aisha Khan": 2,
    "Gareth Evans": 2,
    "Mei Chen": 1,
    "Daniel Okafor": 1,
}
# Who looks after the reviews of the agreements, and of each service's standards, in turn.
KEEPERS = ("Priya Patel", "Mei Chen", "Priya Patel", "Aisha Khan")
