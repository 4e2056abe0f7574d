"""Field-service vocabulary: the words a heating, cooling, electrical and facilities business uses.

Plain tuples only (no randomness here); :mod:`.context` draws from them with the seeded streams.
Every string is ASCII: non-ASCII text is planted on purpose (and recorded) by the generator.
"""

from __future__ import annotations

__all__ = [
    "EQUIPMENT", "SYMPTOMS", "TASK_VERBS", "COMPONENTS", "PART_KINDS", "MANUFACTURERS", "SKILLS",
    "TRADE_WORDS", "LEGAL_SUFFIXES", "NOTE_FINDINGS", "NOTE_ACTIONS", "ACTIVITY_TOPICS", "FILE_KINDS",
    "NON_ASCII_NAMES", "NON_ASCII_COMPANIES", "EMOJI_SNIPPETS", "SITE_NAMES", "CONTACT_TITLES", "TIME_ZONES",
    "FOREIGN_TIME_ZONES", "UNKNOWN_PICKLIST",
]

EQUIPMENT = (
    "rooftop unit", "walk-in cooler", "walk-in freezer", "boiler", "chiller", "air handler", "ice machine",
    "fire alarm panel", "backflow preventer", "standby generator", "water heater", "split system", "exhaust fan",
    "make-up air unit", "cooling tower", "heat pump", "VRF system", "reach-in refrigerator", "grease trap",
    "sprinkler riser", "emergency lighting", "UPS", "transfer switch", "electrical panel", "garage door opener",
    "elevator controller", "access control panel", "security camera", "POS terminal", "dishwasher",
)
SYMPTOMS = (
    "not cooling", "not heating", "leaking water", "tripping breaker", "making grinding noise", "no power",
    "won't start", "frozen evaporator coil", "alarm sounding", "short cycling", "high head pressure",
    "low refrigerant", "blowing warm air", "display shows error code", "intermittent fault", "excessive vibration",
    "burning smell", "door not sealing", "temperature out of range", "failed inspection",
)
TASK_VERBS = ("Inspect", "Replace", "Test", "Clean", "Calibrate", "Lubricate", "Tighten", "Measure", "Document",
              "Verify", "Flush", "Adjust")
COMPONENTS = (
    "condenser coil", "evaporator coil", "compressor contactor", "run capacitor", "blower motor", "belts",
    "air filters", "refrigerant charge", "thermostat", "flame sensor", "igniter", "drain line", "expansion valve",
    "pressure switch", "safety controls", "wiring terminations", "gas valve", "heat exchanger", "battery bank",
    "door gaskets",
)
PART_KINDS = (
    ("Capacitor", "45/5 MFD 440V"), ("Contactor", "2-pole 40A 24V coil"), ("Air filter", "20x25x4 MERV 13"),
    ("Condenser fan motor", "1/4 HP 1075 RPM"), ("Refrigerant R-410A", "25 lb cylinder"), ("Hot surface igniter", "120V"),
    ("Flame sensor", "universal"), ("V-belt", "A-42"), ("Thermostatic expansion valve", "3 ton R-410A"),
    ("Thermostat", "programmable 7-day"), ("Pressure switch", "0.5 in. WC"), ("Drain pan tablets", "200 ct"),
    ("Circuit breaker", "20A single pole"), ("Ballast", "electronic 2-lamp"), ("LED lamp", "T8 4 ft"),
    ("Backflow repair kit", "3/4 in."), ("Gas valve", "natural gas 24V"), ("Inducer motor", "115V"),
    ("Door gasket", "walk-in cooler 36x80"), ("Battery", "12V 7Ah SLA"),
)
MANUFACTURERS = ("Carrier", "Trane", "Lennox", "Honeywell", "Emerson", "Johnson Controls", "Daikin", "Rheem",
                 "Goodman", "Kohler", "Generac", "Siemens", "Bosch", "York", "Mitsubishi Electric", "Hoshizaki",
                 "Manitowoc", "True Manufacturing", "Watts", "Eaton")
SKILLS = ("hvac", "refrigeration", "electrical", "plumbing", "fire_safety", "controls", "boilers", "generators",
          "epa_608", "low_voltage", "kitchen_equipment", "backflow_certified")
TRADE_WORDS = ("Mechanical", "Facilities", "Property Management", "Restaurants", "Medical Center", "School District",
               "Hotels", "Retail Group", "Logistics", "Foods", "Dental", "Apartments", "Storage", "Brewing",
               "Manufacturing", "Clinic", "Church", "Fitness", "Senior Living", "Auto Care")
LEGAL_SUFFIXES = ("LLC", "Inc", "Co", "Group", "Ltd", "Holdings", "Partners", "")
NOTE_FINDINGS = (
    "found the {component} dirty and restricted", "measured {n} volts at the {component}",
    "the {component} failed its test", "suction pressure at {n} psi (< 70 psi expected)",
    "customer says the unit has done this since the last storm", "{component} was replaced under warranty last year",
    "no fault found on arrival; unit cycling normally", "breaker tripped again after 10 minutes",
)
NOTE_ACTIONS = (
    "Replaced the {component} & restarted the unit.", "Cleaned the {component}; readings back within spec.",
    "Quoted replacement; waiting on customer approval.", "Ordered parts; return visit to be scheduled.",
    "Left unit running; advised customer to call if it recurs.", "Tagged out the unit for safety.",
)
ACTIVITY_TOPICS = ("quote follow-up", "maintenance agreement renewal", "invoice question", "scheduling the next visit",
                   "warranty claim", "site access", "after-hours emergency", "upgrade proposal")
FILE_KINDS = (
    ("jpg", "image/jpeg", "IMG_{n}.jpg"), ("heic", "image/heic", "photo-{n}.heic"), ("png", "image/png", "screenshot-{n}.png"),
    ("pdf", "application/pdf", "signed-work-order-{n}.pdf"), ("pdf", "application/pdf", "quote-{n}.pdf"),
    ("csv", "text/csv", "readings-{n}.csv"), ("mp4", "video/mp4", "site-walkthrough-{n}.mp4"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "report-{n}.docx"),
)
NON_ASCII_NAMES = (("José", "Núñez"), ("Zoë", "Brontë"), ("Łukasz", "Wróblewski"), ("Søren", "Kierkegård"),
                   ("Thảo", "Nguyễn"), ("Jürgen", "Müller"), ("Siobhán", "O’Brien"), ("Antonín", "Dvořák"),
                   ("Ana", "São João"), ("李", "伟"), ("Mohammed", "العلي"), ("Ólafur", "Þórsson"))
NON_ASCII_COMPANIES = ("Cool Breeze ❄️ HVAC", "Café Müller GmbH", "北京设备维修有限公司", "Ångström Kyla AB",
                       "🔧 Fix-It Pros", "Société Générale d’Entretien", "Łódź Serwis Sp. z o.o.", "Niño’s Tacos",
                       "Crème de la Crème Bakery", "Ōsaka Ramen 🍜")
EMOJI_SNIPPETS = (" 👍", " ✅ done", " ⚠️ check again", " 🔥🔥", " — naïve fix, café closed", " 😊 thanks!")
SITE_NAMES = ("Main Office", "Warehouse", "North Campus", "Downtown Store", "Distribution Center", "Plant 2",
              "Residence", "East Clinic", "Kitchen", "Lab Building", "Annex", "Store #{n}")
CONTACT_TITLES = ("Facilities Manager", "Office Manager", "Owner", "Property Manager", "Maintenance Supervisor",
                  "Accounts Payable", "General Manager", "Chef", "Building Engineer", "Director of Operations")
# zones of offices and field devices; the tenant's own zone is chosen from the first four
TIME_ZONES = ("America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles")
FOREIGN_TIME_ZONES = {
    "America/Chicago": ("America/New_York", "America/Denver", "America/Phoenix", "America/Los_Angeles", "UTC",
                        "Pacific/Auckland", "Europe/London", "Asia/Kolkata"),
    "America/New_York": ("America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles", "UTC",
                         "Pacific/Auckland", "Asia/Kolkata"),
    "America/Denver": ("America/Chicago", "America/New_York", "America/Los_Angeles", "UTC", "Pacific/Auckland",
                       "Asia/Kolkata"),
    "America/Los_Angeles": ("America/Chicago", "America/New_York", "America/Denver", "UTC",
                            "Pacific/Auckland", "Asia/Kolkata"),
}
UNKNOWN_PICKLIST = {
    ("work_orders", "status"): ("Waiting on Parts", "Quote Sent", "awaiting_approval", "COMPLETE"),
    ("work_orders", "priority"): ("P1", "Emergency", "medium", "3"),
    ("work_orders", "type"): ("emergency_call", "warranty", "Inspection", "quote_visit"),
    ("clients", "industry"): ("Agriculture", "non_profit", "Restaurant"),
    ("assets", "status"): ("Lost", "under_warranty", "Active "),
    ("invoices", "status"): ("written_off", "Disputed", "PAID"),
    ("client_contacts", "role"): ("owner", "Tenant", "emergency_contact"),
}
