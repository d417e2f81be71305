"""What demo customers write about, by team: realistic subjects, bodies and agent answers."""

from __future__ import annotations

TEAMS = {
    "Billing": "Invoices, refunds, plans and payment methods",
    "Technical Support": "Sign-in problems, errors, integrations and bugs",
    "Shipping": "Deliveries, returns and damaged goods",
    "Accounts": "Profile changes, data requests and account closure",
}
# Second-line teams: no customer writes to them directly; tickets reach them by escalation.
ESCALATION_TEAMS = {
    "Engineering": "Tier 2 for Technical Support: bugs, outages and integrations",
}

TOPICS: dict[str, list[tuple[str, str, list[str]]]] = {
    "Billing": [
        (
            "Charged twice for my subscription",
            "Hi, I was charged twice this month for the Pro "
            "plan ({amount}). Can you refund the duplicate charge?",
            ["refund", "duplicate-charge"],
        ),
        (
            "Invoice needs our VAT number",
            "Could you reissue invoice {ref} with our VAT number "
            "{vat}? Our finance team cannot book it otherwise.",
            ["invoice"],
        ),
        (
            "How do I switch to annual billing?",
            "We'd like to move from monthly to annual billing "
            "to get the discount. What happens to the days left this month?",
            ["plan-change"],
        ),
        (
            "Card declined but money left my account",
            "My card was declined at checkout but my bank "
            "shows a pending payment of {amount}. Was I charged?",
            ["payment"],
        ),
        (
            "Refund for cancelled order",
            "I cancelled order {ref} within the 14 days. When will I get my {amount} back?",
            ["refund"],
        ),
    ],
    "Technical Support": [
        (
            "Can't log in after password reset",
            "I reset my password but the login page still says "
            "'invalid credentials'. I tried two browsers.",
            ["login"],
        ),
        (
            "API returns 500 on /orders",
            "Since this morning our integration gets HTTP 500 from "
            "/orders for about 1 in 10 calls. Request id {ref}.",
            ["api", "bug"],
        ),
        (
            "Two-factor codes not arriving",
            "The SMS codes for two-factor sign-in never arrive on my phone. I'm locked out.",
            ["login", "2fa"],
        ),
        (
            "Export to CSV is empty",
            "When I export last month's report to CSV the file only has the "
            "header row, but the report shows data on screen.",
            ["bug", "reports"],
        ),
        (
            "Webhook signature doesn't verify",
            "Our webhook handler rejects your calls: the HMAC we "
            "compute never matches the signature header. Which secret do you use?",
            ["api"],
        ),
        (
            "App crashes on startup",
            "The mobile app crashes right after the splash screen since "
            "the last update (version {version}).",
            ["bug", "mobile"],
        ),
    ],
    "Shipping": [
        (
            "Where is my order?",
            "My order {ref} was supposed to arrive three days ago and tracking "
            "hasn't updated since it left the warehouse.",
            ["where-is-my-order"],
        ),
        (
            "Package arrived damaged",
            "The box for order {ref} was crushed and the item inside is "
            "broken. I have photos. What should I do?",
            ["damaged", "return"],
        ),
        (
            "Change delivery address",
            "Can I still change the delivery address for order {ref}? I'll be away next week.",
            ["address-change"],
        ),
        (
            "Return label not working",
            "The return label you emailed for {ref} is rejected by the "
            "post office: they say the barcode is invalid.",
            ["return"],
        ),
    ],
    "Accounts": [
        (
            "Please delete my account",
            "I'd like my account and all my data deleted under GDPR. My customer number is {ref}.",
            ["data-request", "closure"],
        ),
        (
            "Change the email on my account",
            "I no longer use my old address. Please change my login email to a new one.",
            ["profile"],
        ),
        (
            "Add a second admin to our company account",
            "Our company account only has one admin; we need to add a colleague as a second admin.",
            ["permissions"],
        ),
        (
            "Download all my data",
            "How can I get a copy of all the data you hold about me?",
            ["data-request"],
        ),
    ],
}

AGENT_REPLIES = [
    "Thanks for reaching out, {name}. I've looked into this and {fix}. Let me know if anything "
    "else comes up!",
    "Hi {name}, sorry for the trouble. {fix_cap}. I'll keep this ticket open until you confirm "
    "it works.",
    "Hello {name}, thanks for your patience. {fix_cap}. Is there anything else I can help with?",
]

FIXES = {
    "Billing": [
        "I've refunded the duplicate charge; it shows within 5 business days",
        "I've reissued the invoice with your VAT number attached",
        "I've switched your plan and prorated the remaining days",
    ],
    "Technical Support": [
        "I've cleared the stuck session on our side, so you can sign in again",
        "our engineers found the cause and deployed a fix",
        "I've reset your two-factor settings so you can enrol again",
    ],
    "Shipping": [
        "the carrier confirmed your parcel is out for delivery today",
        "I've sent a replacement by express shipping",
        "I've generated a new return label and emailed it to you",
    ],
    "Accounts": [
        "I've updated your account as requested",
        "I've started the data export; you'll get a download link by email",
        "I've added the second admin to your company account",
    ],
}

CUSTOMER_FOLLOW_UPS = [
    "Thanks, that worked!",
    "I tried that but it still doesn't work, see the screenshot.",
    "Any update on this? It's been a couple of days.",
    "Great, thank you for the quick help.",
    "One more question: will this happen again next month?",
]

HANDOFF_NOTES = [
    "Reproduced on the latest release; stack trace is in the logs. Needs a code fix.",
    "Not a configuration problem: same error on a clean test account. Over to engineering.",
    "Customer's integration is fine; our side returns the error. Request id in the first message.",
]

INTERNAL_NOTES = [
    "Checked the logs: same issue as last week, linked to the incident.",
    "Customer is on the enterprise plan; prioritize.",
    "Asked engineering in #support-escalations.",
    "Refund approved by finance.",
]

FIRST_NAMES = [
    "Alice",
    "Bob",
    "Carla",
    "Deepak",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Liam",
    "Maya",
    "Nikolai",
    "Olga",
    "Pedro",
    "Qing",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Anders",
    "Brown",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jansen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
]
ORGANIZATIONS = [
    ("Acme Corp", "acme.example"),
    ("Globex", "globex.example"),
    ("Initech", "initech.example"),
    ("Umbrella Health", "umbrella.example"),
    ("Stark Logistics", "stark.example"),
]
AGENTS = [
    ("agent@example.com", "Sam Agent", ["Technical Support", "Billing"]),
    ("priya@example.com", "Priya Raman", ["Technical Support"]),
    ("marco@example.com", "Marco Bianchi", ["Technical Support"]),
    ("lena@example.com", "Lena Vogel", ["Billing"]),
    ("tom@example.com", "Tom Okoye", ["Billing", "Accounts"]),
    ("aiko@example.com", "Aiko Sato", ["Shipping"]),
    ("diego@example.com", "Diego Ruiz", ["Shipping"]),
    ("fatima@example.com", "Fatima Zahra", ["Accounts"]),
    ("oskar@example.com", "Oskar Lind", ["Technical Support", "Shipping"]),
    ("nora@example.com", "Nora Kelly", ["Billing", "Shipping"]),
    ("kai@example.com", "Kai Brandt", ["Engineering"]),
    ("ruth@example.com", "Ruth Adeyemi", ["Engineering"]),
]
