"""The demo's help center: articles that answer the demo tickets' topics (``catalog.TOPICS``).

Seeded through ``knowledge.services`` so versions, audit events and the search index are real.
"""

from __future__ import annotations

from helpmesh.accounts.models import Role, User
from helpmesh.knowledge import indexing, services
from helpmesh.knowledge.models import Article

CATEGORIES = [
    (
        "Account & billing",
        "Plans, invoices, payments and refunds",
        ["Payments", "Invoices & plans"],
    ),
    (
        "Orders & shipping",
        "Delivery times, tracking, returns and damaged goods",
        ["Delivery", "Returns"],
    ),
    (
        "Technical support",
        "Signing in, errors, the API and the apps",
        ["Signing in", "API & integrations", "Apps & exports"],
    ),
    ("Your account & privacy", "Profile, team members, your data and closing an account", []),
]

# (category, section, title, body)
ARTICLES: list[tuple[str, str, str, str]] = [
    (
        "Account & billing",
        "Payments",
        "I was charged twice for my subscription",
        "A second charge usually comes from one of two things: a payment that was retried after a "
        "timeout at your bank, or a pending authorization that your bank shows next to the real "
        "charge.\n\n**Check which one it is.** Open **Billing → Payment history**. If only one "
        "payment is listed there, the other line on your statement is a pending authorization; "
        "your "
        "bank releases it automatically within 3 to 5 business days.\n\nIf two payments are listed "
        "for the same period, contact us with the invoice numbers of both. We refund the duplicate "
        "to the original payment method; the refund shows on your statement within 5 business "
        "days.",
    ),
    (
        "Account & billing",
        "Payments",
        "My card was declined but money left my account",
        "When a card is declined at checkout, your bank may still place a temporary hold for the "
        "amount. It is not a charge: no invoice is created and we never receive the money.\n\n"
        "- The hold disappears on its own, normally within 3 to 5 business days (some banks take "
        "up to 10).\n- You can see in **Billing → Payment history** that no payment was made.\n"
        "- If the hold stays longer, ask your bank to release it, quoting the date and amount.\n\n"
        "To complete your purchase, try again with another card or pay by bank transfer.",
    ),
    (
        "Account & billing",
        "Payments",
        "Which payment methods do you accept?",
        "We accept Visa, Mastercard and American Express, SEPA direct debit for customers in the "
        "euro area, and bank transfer for annual plans.\n\nPayments are processed in EUR, USD or "
        "GBP depending on your billing country. We do not store full card numbers: cards are kept "
        "by our payment provider, which is PCI DSS certified.",
    ),
    (
        "Account & billing",
        "Payments",
        "Update the card we charge",
        "1. Go to **Billing → Payment method**.\n2. Choose **Replace card** and enter the new "
        "card's details.\n3. Save. The next invoice is charged to the new card.\n\nIf a payment "
        "failed because the old card expired, we retry it automatically within 24 hours of your "
        "update, so you do not need to do anything else.",
    ),
    (
        "Account & billing",
        "Payments",
        "What happens when a payment fails",
        "If a renewal payment fails we retry it three times over seven days and email the billing "
        "contact each time. Your account keeps working during that period.\n\nAfter the last "
        "failed attempt the subscription is paused: your data is kept, but new work cannot be "
        "created until the invoice is paid. Updating your card or paying the invoice reactivates "
        "the account immediately.",
    ),
    (
        "Account & billing",
        "Payments",
        "How refunds work",
        "Refunds go back to the payment method used for the original purchase. Card refunds "
        "appear within 5 business days, SEPA and bank-transfer refunds within 10.\n\n**Cancelled "
        "orders:** if you cancel within the 14-day withdrawal period we refund the full amount, "
        "including standard shipping, once the order is cancelled or the return has reached our "
        "warehouse.\n\n**Subscriptions:** unused days after a downgrade are credited to your next "
        "invoice rather than refunded, unless you close the account.",
    ),
    (
        "Account & billing",
        "Invoices & plans",
        "Add your VAT number to an invoice",
        "Business customers in the EU can have their VAT number on every invoice, and reverse "
        "charge applies where it should.\n\n1. Open **Billing → Company details**.\n2. Enter the "
        "VAT number with its country prefix, for example `DE123456789`.\n3. Save; we validate it "
        "against the EU VIES service.\n\nNew invoices include it automatically. For an invoice "
        "issued before you added the number, ask us to reissue it: we send a corrected invoice "
        "with "
        "the same number and a credit note for the original.",
    ),
    (
        "Account & billing",
        "Invoices & plans",
        "Download your invoices and receipts",
        "Every invoice is available as a PDF under **Billing → Invoices**. Select an invoice to "
        "download it, or use **Download all** to get a ZIP of one year's invoices.\n\nInvoices are "
        "also emailed to the billing contact when they are issued. To send them to your accounts "
        "payable mailbox too, add it under **Billing → Invoice recipients**.",
    ),
    (
        "Account & billing",
        "Invoices & plans",
        "Switch from monthly to annual billing",
        "Annual billing costs the same as ten months of monthly billing.\n\nTo switch, open "
        "**Billing → Plan** and choose **Pay annually**. The switch takes effect immediately: we "
        "credit the unused days of your current month and charge the annual price minus that "
        "credit. Your renewal date moves to one year from today.\n\nYou can switch back to monthly "
        "at the end of the annual term.",
    ),
    (
        "Account & billing",
        "Invoices & plans",
        "Upgrade or downgrade your plan",
        "Plan changes are prorated to the day.\n\n- **Upgrades** take effect at once; you pay the "
        "difference for the rest of the billing period.\n- **Downgrades** take effect at once too; "
        "the unused amount becomes a credit on your next invoice.\n\nIf your team uses features "
        "that the smaller plan does not include, we list them before you confirm.",
    ),
    (
        "Account & billing",
        "Invoices & plans",
        "Cancel your subscription",
        "You can cancel at any time from **Billing → Plan → Cancel subscription**. The "
        "subscription stays active until the end of the period you paid for, and you will not be "
        "charged again.\n\nCancelling does not delete your data. To delete your account and all "
        "of its data, see *Delete your account*.",
    ),
    (
        "Account & billing",
        "Invoices & plans",
        "Discount and promotion codes",
        "Enter a code under **Billing → Plan → Apply a code** before your next renewal. A code "
        "applies to the next invoice (or the number of invoices it states) and cannot be combined "
        "with another code.\n\nCodes cannot be applied to invoices that were already issued.",
    ),
    (
        "Orders & shipping",
        "Delivery",
        "Where is my order?",
        "Each order has a tracking link in the shipping confirmation email and under **Orders** "
        "in your account.\n\n**Tracking hasn't moved for a few days?** Parcels are often scanned "
        "only when they leave the warehouse and when they reach the local depot, so a quiet "
        "period of 2 to 3 working days is normal, longer for international deliveries.\n\n"
        "If your order is more than three working days past its estimated delivery date, contact "
        "us with the order number. We open an investigation with the carrier and, if the parcel is "
        "lost, send a replacement or refund you — you choose.",
    ),
    (
        "Orders & shipping",
        "Delivery",
        "Delivery times and shipping costs",
        "| Destination | Standard | Express |\n| --- | --- | --- |\n| Domestic | 2-4 working days "
        "| next working day |\n| EU | 3-6 working days | 1-2 working days |\n| Rest of world | "
        "5-12 working days | 2-4 working days |\n\nStandard shipping is free on orders over 50 "
        "EUR. Orders placed before 2 pm on a working day leave the warehouse the same day.",
    ),
    (
        "Orders & shipping",
        "Delivery",
        "Change the delivery address of an order",
        "You can change the address until the order is packed, usually within two hours of "
        "ordering: open the order under **Orders** and choose **Change address**.\n\nOnce the "
        "parcel has left the warehouse we can no longer change it, but most carriers let you "
        "redirect it from the tracking page, deliver it to a neighbour or a parcel locker, or hold "
        "it at the depot while you are away.",
    ),
    (
        "Orders & shipping",
        "Delivery",
        "International orders, customs and duties",
        "Orders shipped outside the EU may be charged import duties and taxes by the destination "
        "country. For the US, UK, Switzerland and Norway we collect them at checkout, so nothing "
        "is due on delivery.\n\nFor other countries the carrier collects duties on delivery. If "
        "you refuse the parcel, we refund the order minus the return shipping costs.",
    ),
    (
        "Orders & shipping",
        "Delivery",
        "Part of my order is missing",
        "Large orders are sometimes shipped in several parcels; the shipping email lists every "
        "tracking number. Check whether another parcel is still on its way.\n\nIf everything has "
        "arrived and an item is missing, contact us within 14 days with the order number and a "
        "photo of the packing slip. We send the missing item by express shipping.",
    ),
    (
        "Orders & shipping",
        "Returns",
        "My package arrived damaged",
        "We're sorry! Please keep the box and packaging: the carrier may ask for them.\n\n1. Take "
        "photos of the outside of the box and the damaged item.\n2. Contact us within 7 days of "
        "delivery with the order number and the photos.\n3. We send a replacement by express "
        "shipping, or refund you if you prefer. You do not need to return the damaged item unless "
        "we ask for it.",
    ),
    (
        "Orders & shipping",
        "Returns",
        "Return an item",
        "You can return any item within 30 days of delivery, unused and in its original "
        "packaging.\n\n1. Open the order under **Orders** and choose **Return items**.\n2. Select "
        "the items and a reason.\n3. Print the return label we email you, or show the QR code at "
        "the post office.\n\nWe refund you within 5 business days of the return reaching our "
        "warehouse. Returns are free for orders shipped within the EU.",
    ),
    (
        "Orders & shipping",
        "Returns",
        "The return label doesn't work",
        "If the post office rejects a label, the barcode was usually damaged when printing or the "
        "label expired (labels are valid for 14 days).\n\n- Print it again at 100% scale, not "
        '"fit to page".\n- Use the QR code in the email instead of a printed label.\n- If the '
        "label is older than 14 days, request a new one from **Orders → Return items**.\n\nStill "
        "rejected? Contact us with the order number and we'll generate a new label by hand.",
    ),
    (
        "Orders & shipping",
        "Returns",
        "Exchange an item for another size or colour",
        "We don't swap items directly; return the item and place a new order. That way the new "
        "item ships at once instead of waiting for the return. The refund for the returned item "
        "follows within 5 business days of its arrival.",
    ),
    (
        "Technical support",
        "Signing in",
        "I can't sign in after resetting my password",
        "If the sign-in page still says *invalid credentials* after a reset:\n\n1. Make sure you "
        "use the newest reset email: each new request invalidates earlier links.\n2. Type the "
        "password rather than pasting it; password managers sometimes save the old one.\n3. Clear "
        "the site's cookies or try a private window: an old session can get in the way.\n4. If "
        "your company uses single sign-on, sign in with **Continue with SSO** instead; a password "
        "reset does not apply to SSO accounts.\n\nAfter five failed attempts the account is locked "
        "for 15 minutes. If it still fails after that, contact us and we'll clear the session on "
        "our side.",
    ),
    (
        "Technical support",
        "Signing in",
        "Two-factor codes are not arriving",
        "SMS codes can be delayed by the mobile network, especially abroad.\n\n- Wait a minute "
        "before requesting another code; each new request cancels the previous one.\n- Check that "
        "the phone number under **Security** is right, with its country code.\n- Use an "
        "authenticator app (Google Authenticator, 1Password, Authy) instead of SMS: codes are "
        "generated on the phone and never get lost.\n\nLocked out? Use one of the backup codes "
        "you saved when enabling two-factor sign-in. Without backup codes, contact us from the "
        "email address on the account: after verifying your identity we reset two-factor sign-in "
        "so you can enrol again.",
    ),
    (
        "Technical support",
        "Signing in",
        "Your account is locked",
        "An account is locked for 15 minutes after five wrong passwords in a row, to protect it "
        "from guessing attacks. Wait 15 minutes, or reset your password: a successful reset "
        "unlocks the account at once.\n\nIf you didn't try to sign in, someone may know your email "
        "address. Change your password and enable two-factor sign-in.",
    ),
    (
        "Technical support",
        "Signing in",
        "Set up single sign-on (SSO)",
        "Admins on the Business plan can connect SAML 2.0 or OpenID Connect identity providers "
        "such as Okta, Microsoft Entra ID and Google Workspace.\n\n1. Open **Settings → Security "
        "→ Single sign-on**.\n2. Copy our metadata URL into your identity provider.\n3. Paste the "
        "provider's metadata URL or certificate back into our form.\n4. Test with one account "
        "before choosing **Require SSO** for everyone.",
    ),
    (
        "Technical support",
        "API & integrations",
        "The API returns HTTP 500 errors",
        "A 500 response means something failed on our side; it is never caused by your request's "
        "content (that would be a 4xx).\n\n- Check the status page for an ongoing incident.\n- "
        "Retry with exponential backoff: most 500s are transient.\n- If they continue, send us the "
        "`X-Request-Id` header of a failed response and the time it happened. With that id we can "
        "find the exact error in our logs.\n\nRequests with an `Idempotency-Key` header are safe "
        "to retry: the same key never creates a second order.",
    ),
    (
        "Technical support",
        "API & integrations",
        "Verify webhook signatures",
        "Every webhook we send has an `X-Signature` header: the hex HMAC-SHA256 of the raw "
        "request body, computed with your endpoint's signing secret (shown once when you create "
        "the endpoint, under **Settings → Webhooks**).\n\nCommon reasons a signature does not "
        "match:\n\n- The HMAC is computed over parsed and re-serialized JSON instead of the raw "
        "bytes.\n- The API key is used instead of the webhook signing secret.\n- The secret was "
        "rotated and the handler still uses the old one.\n\n```python\nimport hashlib, hmac\n"
        "expected = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()\n"
        "valid = hmac.compare_digest(expected, signature_header)\n```",
    ),
    (
        "Technical support",
        "API & integrations",
        "API rate limits",
        "Each API key may make 600 requests per minute. Responses carry `X-RateLimit-Remaining` "
        "and `X-RateLimit-Reset` headers; over the limit you get HTTP 429 with a `Retry-After` "
        "header saying how many seconds to wait.\n\nFetching many records? Use the list endpoints "
        "with `limit=200` and cursor pagination rather than one request per record.",
    ),
    (
        "Technical support",
        "API & integrations",
        "Create and rotate API keys",
        "Admins create keys under **Settings → API keys**. A key is shown once; store it in a "
        "secret manager, never in source code.\n\nTo rotate without downtime: create a second key, "
        "deploy it, check the old key's *last used* date stops changing, then revoke the old key.",
    ),
    (
        "Technical support",
        "Apps & exports",
        "A report exported to CSV is empty",
        "An export with only the header row almost always means the export's filters differ from "
        "the ones on screen — typically the date range, which exports in UTC while the screen uses "
        "your timezone.\n\n1. Open the report and check the date range and filters.\n2. Choose "
        "**Export → CSV** from the report itself rather than from the reports list, so the same "
        "filters apply.\n3. Large exports (over 100,000 rows) are prepared in the background and "
        "emailed to you as a link.\n\nIf the file is still empty, send us the report's link and we "
        "will look at the export job.",
    ),
    (
        "Technical support",
        "Apps & exports",
        "The mobile app crashes on startup",
        "After an update, a crash right after the splash screen is usually caused by data cached "
        "by the previous version.\n\n- **iOS:** delete the app and install it again from the App "
        "Store.\n- **Android:** open **Settings → Apps → helpmesh → Storage** and choose **Clear "
        "cache**, then restart the app.\n\nYour data is stored in your account, not on the phone, "
        "so nothing is lost. If it still crashes, tell us the app version (shown in the store) and "
        "your phone model.",
    ),
    (
        "Technical support",
        "Apps & exports",
        "Supported browsers",
        "We support the two most recent versions of Chrome, Firefox, Safari and Edge. Internet "
        "Explorer is not supported.\n\nIf a page looks broken, clear the browser cache or try a "
        "private window; browser extensions that block scripts or ads can also stop pages from "
        "loading.",
    ),
    (
        "Technical support",
        "Apps & exports",
        "Notification emails are not arriving",
        "Check your spam or junk folder first, and add `notifications@example.com` to your "
        "contacts.\n\nCompany mail servers sometimes quarantine automated email: ask your IT team "
        "to allow our sending domain. You can check which notifications you receive under "
        "**Settings → Notifications**.",
    ),
    (
        "Your account & privacy",
        "",
        "Delete your account",
        "You can ask us to delete your account and all personal data we hold, as the GDPR "
        "allows.\n\n1. Download anything you want to keep first (see *Download a copy of your "
        "data*).\n2. Open **Settings → Account → Delete account**, or write to us from the email "
        "address on the account.\n3. We confirm by email; the deletion is final 14 days later, so "
        "you can change your mind until then.\n\nInvoices are kept for the period tax law requires "
        "(10 years in Germany), separately from your account and only for that purpose.",
    ),
    (
        "Your account & privacy",
        "",
        "Download a copy of your data",
        "Open **Settings → Privacy → Export my data**. We prepare a ZIP file with your profile, "
        "orders, messages and invoices in JSON and CSV formats and email you a download link, "
        "usually within an hour. The link is valid for 7 days.",
    ),
    (
        "Your account & privacy",
        "",
        "Change the email address you sign in with",
        "1. Open **Settings → Profile**.\n2. Enter the new address and your current password.\n3. "
        "Confirm the change from the email we send to the new address.\n\nUntil you confirm, you "
        "keep signing in with the old address. If you can no longer receive mail at the old "
        "address, that's fine: confirmation goes to the new one.",
    ),
    (
        "Your account & privacy",
        "",
        "Add a second admin to your company account",
        "Every company account should have at least two admins, so someone can always manage "
        "billing and users.\n\n1. An admin opens **Settings → Team**.\n2. Invite the colleague by "
        "email, or find them in the list if they already have an account.\n3. Set their role to "
        "**Admin**.\n\nIf your only admin has left the company, contact us from a company email "
        "address; after verifying with your organization we can appoint a new admin.",
    ),
    (
        "Your account & privacy",
        "",
        "Team roles and what they can do",
        "- **Admin:** billing, users, security settings and everything members can do.\n- "
        "**Member:** create and manage orders, reports and integrations.\n- **Viewer:** read "
        "only.\n\nAdmins change a person's role under **Settings → Team**.",
    ),
    (
        "Your account & privacy",
        "",
        "Keep your account secure",
        "- Use a unique password of at least 12 characters; a password manager helps.\n- Turn on "
        "two-factor sign-in under **Settings → Security**.\n- Review active sessions there and "
        "sign "
        "out of devices you don't recognize.\n- We will never ask for your password or a "
        "two-factor code by email or phone.",
    ),
    (
        "Your account & privacy",
        "",
        "Update your name, company or language",
        "Open **Settings → Profile** to change your name, company name and preferred language. "
        "The language applies to the app and to the emails we send you; invoices keep the "
        "company name they were issued with.",
    ),
]

RUNBOOK = (
    "Technical support",
    "API & integrations",
    "Runbook: escalating API 500s to Engineering",
    "Internal — not visible to customers.\n\n**Before escalating**\n\n1. Ask for the "
    "`X-Request-Id` of a failing call and the time (with timezone).\n2. Check the status page "
    "and #incidents: if an incident is open, link the ticket to it and tell the customer we're "
    "on it.\n3. Search the logs for the request id; note the exception and the endpoint.\n\n"
    "**Escalate** when the error reproduces on a clean test account or more than one customer "
    "reports it: use *Escalate to tier 2 · Engineering* on the ticket with a handoff note "
    "holding the request id, the endpoint, the error rate the customer sees, and what you "
    "ruled out.\n\n**Refunds for outages** need finance approval above 500 EUR: ask in "
    "#support-escalations.",
)

RELATED = [
    ("I was charged twice for my subscription", "How refunds work"),
    ("I was charged twice for my subscription", "My card was declined but money left my account"),
    ("Where is my order?", "Part of my order is missing"),
    ("My package arrived damaged", "Return an item"),
    ("Return an item", "The return label doesn't work"),
    ("I can't sign in after resetting my password", "Your account is locked"),
    ("Two-factor codes are not arriving", "Keep your account secure"),
    ("The API returns HTTP 500 errors", "API rate limits"),
    ("Delete your account", "Download a copy of your data"),
]


def seed(author: User | None = None) -> int:
    """Create the demo help center (categories, sections, articles, links); returns the count.

    ``author`` defaults to the first admin (the demo's admin@example.com)."""
    author = author or User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    with indexing.batched():  # one embedding pass for the lot
        return _seed(author)


def _seed(author: User | None) -> int:
    sections = {}
    for position, (name, description, section_names) in enumerate(CATEGORIES):
        category = services.create_category(name, description=description, position=position)
        sections[(name, "")] = services.Placement(category)
        for index, section_name in enumerate(section_names):
            section = services.create_section(category, section_name, position=index)
            sections[(name, section_name)] = services.Placement(category, section)
    made: dict[str, Article] = {}
    for where, within, title, body in [*ARTICLES, RUNBOOK]:
        made[title] = services.create_article(
            title=title,
            body=body,
            author=author,
            status="published",
            visibility="agents" if title == RUNBOOK[2] else "public",
            placement=sections[(where, within)],
        )
    _translate(made["Return an item"], author)
    for one, other in RELATED:
        links = [made[other], *made[one].related.all()]
        services.set_related(made[one], links, actor=author)
    return len(made) + 1  # and the translation


def _translate(article: Article, author: User | None) -> None:
    services.add_translation(
        article,
        title="Einen Artikel zurücksenden",
        body="Sie können jeden Artikel innerhalb von 30 Tagen nach der Lieferung unbenutzt und "
        "in der Originalverpackung zurücksenden.\n\n1. Öffnen Sie die Bestellung unter "
        "**Bestellungen** und wählen Sie **Artikel zurücksenden**.\n2. Wählen Sie die Artikel "
        "und einen Grund.\n3. Drucken Sie das Rücksendeetikett aus, das wir Ihnen schicken.\n\n"
        "Die Erstattung erfolgt innerhalb von 5 Werktagen, nachdem die Rücksendung bei uns "
        "eingegangen ist.",
        language="de",
        author=author,
        status="published",
    )
