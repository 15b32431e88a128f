"""Word lists for synthetic consumers and staff: names, streets, towns, subjects, texts.

Plain tuples, so that a pick is ``LIST[int(random() * len(LIST))]`` (several times faster
than ``Random.choice`` in the hot loop). Changing a list changes every demo data set.
"""

from __future__ import annotations

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty",
    "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul",
    "Emily", "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda",
    "Brian", "Dorothy", "George", "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie",
    "Edward", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia", "Jacob",
    "Kathleen", "Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna",
    "Stephen", "Brenda", "Larry", "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon",
    "Helen", "Benjamin", "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Alexander",
    "Debra", "Frank", "Rachel", "Patrick", "Carolyn", "Raymond", "Janet", "Jack", "Catherine",
    "Dennis", "Maria", "Jerry", "Heather", "Tyler", "Diane", "Aaron", "Ruth", "Jose", "Julie",
    "Adam", "Olivia", "Nathan", "Joyce", "Henry", "Virginia", "Douglas", "Victoria", "Zachary",
    "Kelly", "Peter", "Lauren", "Kyle", "Christina", "Ethan", "Joan", "Walter", "Evelyn",
    "Noah", "Judith", "Jeremy", "Megan", "Christian", "Andrea", "Keith", "Cheryl", "Roger",
    "Hannah", "Terry", "Jacqueline", "Gerald", "Martha", "Harold", "Gloria", "Sean", "Teresa",
    "Austin", "Ann", "Carl", "Sara", "Arthur", "Madison", "Lawrence", "Frances", "Dylan",
    "Kathryn", "Jesse", "Janice", "Jordan", "Jean", "Bryan", "Abigail", "Billy", "Alice",
    "Joe", "Julia", "Bruce", "Judy", "Gabriel", "Sophia", "Logan", "Grace", "Albert", "Denise",
    "Willie", "Amber", "Alan", "Doris", "Juan", "Marilyn", "Wayne", "Danielle", "Elijah",
    "Beverly", "Randy", "Isabella", "Roy", "Theresa", "Vincent", "Diana", "Ralph", "Natalie",
    "Eugene", "Brittany", "Russell", "Charlotte", "Bobby", "Marie", "Mason", "Kayla", "Philip",
    "Alexis", "Louis", "Lori", "Priya", "Wei", "Carlos", "Fatima", "Ahmed", "Mei", "Luis",
    "Aisha", "Diego", "Yuki", "Omar", "Sofia", "Hiroshi", "Elena", "Raj", "Ana", "Kwame",
    "Ngozi", "Ivan", "Olga", "Mateo", "Lucia",
)  # fmt: skip

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
    "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
    "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster",
    "Jimenez", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler",
    "Henderson", "Barnes", "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan",
    "Patterson", "Alexander", "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno",
    "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar",
    "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez",
    "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman",
    "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter",
    "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz", "Hunt", "Hicks",
    "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar",
    "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson",
    "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn",
    "Kowalski", "O'Brien", "Okafor", "Singh", "Yamamoto", "Novak", "Schneider", "Rossi",
    "Dubois", "Haddad", "Ivanova", "Larsen", "Mensah", "Sato", "Wong", "Zhang",
)  # fmt: skip

STREETS = (
    "Main", "Oak", "Elm", "Maple", "Pine", "Cedar", "Walnut", "Chestnut", "Washington", "Lake",
    "Hill", "Park", "Sunset", "Lincoln", "Jefferson", "Madison", "Jackson", "Franklin",
    "Highland", "Spring", "Church", "Mill", "River", "Forest", "Meadow", "Willow", "Cherry",
    "Birch", "Hickory", "Locust", "Sycamore", "Magnolia", "Poplar", "Ridge", "Valley", "Grove",
    "Prairie", "Capitol", "Monroe", "Adams", "Grand", "Broadway", "Market", "Union", "Center",
    "Liberty", "Independence", "Harvest", "Orchard", "Wheatfield", "Cornflower", "Lakeshore",
    "College", "Railroad", "Bridge", "Canal", "Fairway", "Heritage", "Pioneer", "Summit",
)  # fmt: skip

STREET_SUFFIXES = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct", "Way", "Pl", "Street", "Avenue")

# (town, state, ZIP prefix, phone area code): a handful of towns in the service territory
TOWNS = (
    ("Springfield", "IL", "627", "217"),
    ("Springfield", "IL", "627", "217"),
    ("Springfield", "IL", "627", "217"),
    ("Anytown", "IL", "625", "217"),
    ("Anytown", "IL", "625", "217"),
    ("Billtown", "IL", "626", "309"),
    ("Riverside", "IL", "605", "708"),
    ("Lakeview", "IL", "606", "773"),
    ("Fairview", "IL", "628", "618"),
    ("Oakridge", "IL", "624", "618"),
    ("Maple Grove", "IL", "623", "815"),
    ("Chatham", "IL", "626", "217"),
)

EMAIL_DOMAINS = (
    "example.com", "example.com", "example.net", "example.org", "mail.example.com",
    "post.example.net", "inbox.example.org",
)  # fmt: skip

BUSINESS_WORDS = (
    "Prairie", "Capitol", "Lincoln", "Heartland", "Riverbend", "Sangamon", "Summit", "Pioneer",
    "Keystone", "Evergreen", "Northside", "Cornerstone", "Liberty", "Golden", "Blue Ridge",
    "Midwest", "Harvest", "Lakeside", "Sunrise", "Union",
)  # fmt: skip

# category -> (weight %, sub-categories, business name suffixes or () for people, plan)
CATEGORIES = (
    ("Residential", 85, ("Single Family", "Apartment", "Standard", "Townhouse", "Condominium"),
     (), "Standard Residential"),
    ("Commercial", 10, ("Retail", "Office", "Restaurant", "Hotel", "Clinic"),
     ("Bakery", "Diner", "Hardware", "Dental Clinic", "Motel", "Laundromat", "Books",
      "Auto Repair", "Pharmacy", "Florist", "Grocers", "Offices"), "Commercial General"),
    ("Industrial", 3, ("Light Manufacturing", "Heavy Manufacturing", "Warehouse"),
     ("Manufacturing Co.", "Plastics Inc.", "Foods Inc.", "Logistics LLC", "Steel Works",
      "Packaging Co."), "Industrial Demand"),
    ("Government", 2, ("Municipal", "School", "Hospital", "Library"),
     ("Public Library", "Elementary School", "Fire Station", "Water Works Office",
      "Community Center", "Memorial Hospital"), "Government Service"),
)  # fmt: skip

RESIDENTIAL_PLANS = ("Standard Residential", "Standard Residential", "Residential Saver",
                     "Residential Time-of-Use")  # fmt: skip

PAYMENT_MODES = (
    ("Auto-pay (Credit Card)", "Credit Card"),
    ("Auto-pay (Bank Transfer)", "Bank Transfer"),
    ("Online Banking", "Online Banking"),
    ("Online Banking", "Online Banking"),
    ("Credit Card", "Credit Card"),
    ("Credit Card", "Credit Card"),
    ("Cash", "Cash"),
    ("Cheque", "Cheque"),
)
DIGITAL_METHODS = frozenset({"Credit Card", "Bank Transfer", "Online Banking", "Auto-pay"})

# (meter type, models, share of meters in %)
WATER_METERS = (
    ("Smart Water Meter", ("Aquaflow X200", "Aquaflow X300")),
    ("Smart Water Meter", ("Aquaflow X200", "Aquaflow X300")),
    ("Mechanical Water Meter", ("HydroMax M100", "HydroMax M150")),
    ("Ultrasonic Water Meter", ("SonicFlow U50",)),
)
ELECTRICITY_METERS = (
    ("Smart Electricity Meter", ("VoltSense E400", "GridPoint S2")),
    ("Smart Electricity Meter", ("VoltSense E400", "GridPoint S2")),
    ("Digital Electricity Meter", ("Ampere D10",)),
)
THREE_PHASE_METER = ("Three-Phase Electricity Meter", ("PowerTrack 3P",))

# (category, description, priority, safety, service impact)
COMPLAINTS = (
    ("Billing Dispute", "Bill amount is much higher than the usual monthly charge.", "medium",
     False, False),
    ("Billing Dispute", "Charged twice for the same billing period.", "medium", False, False),
    ("Low Water Pressure", "Water pressure very low in the mornings for a week.", "medium",
     False, True),
    ("Water Quality", "Tap water is discoloured and smells of chlorine.", "high", False, True),
    ("Power Outage", "Repeated power cuts in the evening over several days.", "high", False,
     True),
    ("Voltage Fluctuation", "Lights flicker and appliances trip during the day.", "medium",
     False, True),
    ("Meter Fault", "Meter display is blank; reading cannot be taken.", "medium", False, False),
    ("Leakage", "Water leaking from the pipe near the meter box.", "high", False, True),
    ("Safety Hazard", "Exposed wires at the service connection near the gate.", "high", True,
     True),
    ("Staff Behaviour", "Field staff did not turn up in the scheduled time slot.", "low", False,
     False),
    ("Delayed Service", "Reconnection not done three days after payment.", "medium", False,
     True),
    ("Payment Not Reflected", "Payment made online is not shown on the account.", "medium",
     False, False),
)  # fmt: skip

# (request type, description, amount due in cents)
SERVICE_REQUESTS = (
    ("New Connection", "Additional water connection for the rear unit.", 15000),
    ("Transfer", "Transfer of service to the new owner of the property.", 2500),
    ("Transfer", "Move service to a new address in the same town.", 2500),
    ("Disconnection", "Customer moving out at the end of the month.", 0),
    ("Reconnection", "Reconnect service after full payment of dues.", 3500),
    ("Meter Replacement", "Replace the old mechanical meter with a smart meter.", 7500),
    ("Load Change", "Increase the sanctioned electrical load for a new air conditioner.", 5000),
    ("Name Change", "Change the account name after marriage.", 0),
    ("Billing Correction", "Correct the billing address on the account.", 0),
)  # fmt: skip

# (subject, description, service interruption, safety)
QUERIES = (
    ("Bill amount higher than usual", "Customer asks why this month's bill went up.", False,
     False),
    ("No water supply since morning", "No water at the premises since 6 AM.", True, False),
    ("Power outage in the area", "Whole street without power for two hours.", True, False),
    ("Sparking from the meter box", "Customer reports sparks from the meter box.", False, True),
    ("Smell of gas near the pump house", "Strong smell reported near the pump house.", False,
     True),
    ("Change of billing address", "Customer wants bills sent to a new address.", False, False),
    ("Payment not reflected", "Paid online three days ago, balance unchanged.", False, False),
    ("Request for payment plan", "Customer asks to pay the arrears in instalments.", False,
     False),
    ("Meter reading appears wrong", "Reading on the bill is higher than on the meter.", False,
     False),
    ("New connection enquiry", "Documents needed for a new connection.", False, False),
    ("Due date extension", "Customer asks for a one-week extension of the due date.", False,
     False),
    ("Low pressure after repairs", "Pressure has been low since the road works.", True, False),
)  # fmt: skip

# (order type, description, estimated minutes)
SERVICE_ORDERS = (
    ("Meter Reading", "Regular monthly reading", 30),
    ("Maintenance", "Check for leak", 90),
    ("Maintenance", "Inspect service line and valve", 60),
    ("Meter Replacement", "Replace faulty meter", 120),
    ("Leak Repair", "Repair leak at the service connection", 180),
    ("Inspection", "Safety inspection of the connection", 60),
    ("Reconnection", "Restore supply after payment", 60),
    ("New Connection", "Install service line and meter", 240),
)

CALL_TOPICS = (
    "Billing enquiry", "Payment", "Outage report", "Service request status", "Meter reading",
    "New connection", "Complaint follow-up", "Disconnection", "Reconnection", "General",
)  # fmt: skip

NOTE_TEXTS = (
    "Customer called about the latest bill; explained the tiered rates.",
    "Verified identity and updated the contact number.",
    "Customer promised to pay the overdue amount by Friday.",
    "Left a voicemail about the pending meter replacement.",
    "Customer prefers contact by email after 5 PM.",
    "Payment plan discussed; customer will visit the office.",
    "Site visit confirmed for next week.",
    "Customer reported the leak is fixed after the visit.",
)

# (channel, direction, subject, body)
COMMUNICATIONS = (
    ("email", "to_customer", "Your monthly bill is ready",
     "Your bill is ready. Pay by the due date to avoid late fees."),
    ("sms", "to_customer", "Payment received", "Thank you, we received your payment."),
    ("sms", "to_customer", "Payment reminder", "Your bill is due in 3 days."),
    ("email", "to_customer", "Scheduled maintenance",
     "Water supply will be interrupted for maintenance in your area."),
    ("phone", "from_customer", "Billing enquiry", "Customer asked about the last bill."),
    ("phone", "to_customer", "Follow-up call", "Called to confirm the service visit."),
    ("email", "from_customer", "Address change", "Please update my billing address."),
    ("email", "to_customer", "Overdue notice",
     "Your account is past due. Please pay to avoid disconnection."),
)  # fmt: skip

# (document type, status weights: verified / published / processing)
DOCUMENTS = (
    ("Service Agreement", "verified"),
    ("Billing Authorization", "published"),
    ("ID Proof", "verified"),
    ("Property Deed", "verified"),
    ("Meter Installation Certificate", "published"),
    ("Water Quality Report", "processing"),
)

STAFF_CENTERS = ("Springfield Main Office", "Anytown Service Center", "Billtown Service Center")
