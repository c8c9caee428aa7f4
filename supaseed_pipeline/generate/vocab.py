"""Readable word pools for columns whose meaning the schema tells us (product names, genres, chat messages...).

Plain data, written by hand: Faker's word list glues unrelated English words together ("success three
direction"), which a reviewer reads as filler. Names are composed from two or three small lists where
variety matters (adjective + noun), so a few dozen entries give thousands of distinct readable values.
"""

from __future__ import annotations

CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK", "NOK", "NZD", "DKK", "PLN", "BRL", "MXN",
              "INR", "SGD", "HKD", "ZAR")
# Weighted towards the currencies most apps see.
CURRENCY_WEIGHTS = (40, 20, 10, 5, 4, 3, 2, 2, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1)

INTERVAL_UNITS = ("month", "year", "week", "day")
INTERVAL_WEIGHTS = (60, 30, 6, 4)
FREQUENCIES = ("monthly", "yearly", "weekly", "daily")

LOCALES = ("en-US", "en-GB", "fr-FR", "de-DE", "es-ES", "it-IT", "pt-BR", "nl-NL", "sv-SE", "ja-JP", "pl-PL", "da-DK")
LANGUAGES = ("en", "en", "en", "fr", "de", "es", "it", "pt", "nl", "sv", "ja", "pl")
TIMEZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
             "America/Sao_Paulo", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Amsterdam",
             "Europe/Stockholm", "Europe/Warsaw", "Asia/Tokyo", "Asia/Singapore", "Asia/Kolkata", "Australia/Sydney",
             "Pacific/Auckland", "Africa/Johannesburg", "UTC")

MIME_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf", "text/plain", "text/csv", "application/json",
              "application/zip", "video/mp4", "audio/mpeg",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
FILE_STEMS = ("invoice", "report", "screenshot", "contract", "avatar", "export", "receipt", "presentation", "notes",
              "budget", "photo", "logo", "proposal", "roadmap", "statement", "backup")
FILE_EXTENSIONS = ("pdf", "png", "jpg", "csv", "docx", "xlsx", "txt", "zip", "json", "mp4")
TERRITORY_GROUPS = ("North America", "Europe", "Pacific", "Latin America", "Asia", "Middle East")
VARIANT_LABELS = ("Standard", "Premium", "Basic", "Deluxe", "Early bird", "Limited", "Student", "Family")
WORLD_REGIONS = ("Western Europe", "Southern Europe", "Eastern Europe", "Nordic Countries", "Eastern Asia",
                 "Southeast Asia", "Southern and Central Asia", "Middle East", "North America", "Central America",
                 "South America", "Caribbean", "Eastern Africa", "Western Africa", "Northern Africa", "Polynesia")
BRANCH_KINDS = ("feature", "fix", "chore", "refactor", "docs", "release")
GOVERNMENT_FORMS = ("Republic", "Federal Republic", "Constitutional Monarchy", "Parliamentary Democracy",
                    "Federation", "Monarchy", "Socialist Republic", "Emirate", "Commonwealth", "Dependent Territory")
MODEL_NAMES = ("Post", "Comment", "User", "Tag", "Group", "Order", "Product", "Page")
MODEL_LINES = ("Sense", "Atlas", "Nimbus", "Orion", "Vector", "Pulse", "Terra", "Helix", "Aero", "Summit")
MODEL_LETTERS = ("T", "X", "S", "M", "Pro ", "Lite ", "EM-", "GX")
TAX_RATES = (0.0, 0.05, 0.0625, 0.07, 0.0825, 0.1, 0.13, 0.19, 0.2, 0.21, 0.25)
ALERT_TEXTS = ("Temperature above threshold", "Humidity below 20%", "Battery low (8%)", "Device offline for 30 minutes",
               "Firmware update failed", "Door opened outside business hours", "Sensor reading out of range",
               "Signal strength weak", "Power supply interrupted", "Filter needs replacement")
PACK_COUNTS = ("6", "10", "12", "16", "20", "24", "36", "48")
PACK_SIZES = ("8 oz", "12 oz", "16 oz", "100 g", "250 g", "500 g", "1 kg", "330 ml", "500 ml", "750 ml", "1 l")
PACK_CONTAINERS = ("bottles", "jars", "cans", "bags", "boxes", "pkgs.", "tins", "cartons")
FOLDERS = ("uploads", "documents", "avatars", "exports", "attachments", "media", "invoices", "reports")

STATUS_BY_SUBJECT = {
    "subscription": ("active", "active", "active", "trialing", "past_due", "canceled"),
    "order": ("pending", "paid", "paid", "shipped", "delivered", "delivered", "cancelled", "refunded"),
    "invoice": ("paid", "paid", "paid", "open", "draft", "void", "uncollectible"),
    "payment": ("succeeded", "succeeded", "succeeded", "pending", "failed", "refunded"),
    "charge": ("succeeded", "succeeded", "pending", "failed"),
    "task": ("todo", "todo", "in_progress", "in_progress", "done", "done", "done", "blocked"),
    "todo": ("todo", "todo", "in_progress", "done", "done"),
    "issue": ("open", "open", "in_progress", "closed", "closed"),
    "ticket": ("open", "open", "pending", "solved", "closed"),
    "message": ("sent", "delivered", "read", "read"),
    "invitation": ("pending", "pending", "accepted", "expired", "revoked"),
    "invite": ("pending", "pending", "accepted", "expired"),
    "post": ("published", "published", "draft", "archived"),
    "article": ("published", "published", "draft", "archived"),
    "project": ("active", "active", "planning", "on_hold", "completed"),
    "booking": ("confirmed", "confirmed", "pending", "cancelled", "completed"),
    "reservation": ("confirmed", "confirmed", "pending", "cancelled"),
    "shipment": ("label_created", "in_transit", "in_transit", "delivered", "delivered"),
    "job": ("queued", "running", "succeeded", "succeeded", "failed"),
    "user": ("active", "active", "active", "invited", "suspended"),
    "account": ("active", "active", "active", "suspended"),
    "member": ("active", "active", "active", "invited"),
}
DEFAULT_STATUSES = ("active", "active", "pending", "inactive", "archived")

TYPE_BY_SUBJECT = {
    "price": ("recurring", "recurring", "one_time"),
    "notification": ("info", "info", "success", "warning", "error"),
    "transaction": ("payment", "payment", "refund", "payout", "transfer"),
    "account": ("personal", "personal", "team"),
    "event": ("page_view", "click", "signup", "purchase", "login"),
    "address": ("billing", "shipping"),
    "contact": ("email", "phone"),
    "document": ("contract", "invoice", "report", "proposal"),
}
DEFAULT_TYPES = ("standard", "standard", "premium", "basic")

WORKFLOW_STAGES = ("Backlog", "To do", "In progress", "In review", "Blocked", "QA", "Ready to ship", "Done",
                   "Triage", "Icebox", "Next up", "Waiting on customer")
PLANS = ("Free", "Starter", "Basic", "Pro", "Plus", "Team", "Business", "Premium", "Growth", "Enterprise")

PRODUCT_ADJECTIVES = ("Classic", "Compact", "Deluxe", "Everyday", "Lightweight", "Organic", "Portable", "Premium",
                      "Recycled", "Rugged", "Slim", "Smart", "Vintage", "Wireless", "Ergonomic", "Handmade",
                      "Insulated", "Modular", "Waterproof", "Essential")
PRODUCT_MATERIALS = ("Bamboo", "Ceramic", "Cotton", "Leather", "Linen", "Oak", "Steel", "Walnut", "Wool", "Glass",
                     "Canvas", "Copper", "Aluminium", "Merino", "Cork", "Marble")
PRODUCT_NOUNS = ("Backpack", "Desk Lamp", "Water Bottle", "Notebook", "Headphones", "Coffee Mug", "Chair", "Wallet",
                 "Phone Case", "Keyboard", "Sneakers", "Throw Blanket", "Tote Bag", "Watch", "Sunglasses", "Candle",
                 "Cutting Board", "Speaker", "Jacket", "Planter", "Desk Organizer", "Travel Pillow", "Tea Kettle",
                 "Yoga Mat", "Bookshelf")
PRODUCT_BENEFITS = ("Built to last and easy to clean.", "Ships in recyclable packaging.",
                    "A customer favourite for everyday use.", "Backed by a two-year warranty.",
                    "Designed for small spaces and busy days.", "Light enough to take anywhere.",
                    "Made in small batches by independent makers.", "Pairs well with the rest of the collection.",
                    "Now available in three new colours.", "Tested for comfort over long days.")

CATEGORIES = ("Electronics", "Home & Kitchen", "Books", "Clothing", "Sports & Outdoors", "Beauty", "Toys & Games",
              "Garden", "Office Supplies", "Health", "Pet Supplies", "Automotive", "Music", "Movies", "Jewelry",
              "Shoes", "Baby", "Grocery", "Furniture", "Art & Crafts", "Travel", "Software", "Tools", "Stationery")
GENRES = ("Rock", "Pop", "Jazz", "Blues", "Classical", "Hip Hop", "Electronic", "Country", "Folk", "Reggae", "Soul",
          "R&B", "Metal", "Punk", "Indie", "Alternative", "Latin", "Ambient", "Funk", "Disco", "Drama", "Comedy",
          "Documentary", "Thriller", "Science Fiction", "Animation")
TAGS = ("urgent", "bug", "feature", "design", "backend", "frontend", "marketing", "sales", "onboarding", "billing",
        "research", "q3-goals", "customer", "internal", "docs", "security", "performance", "mobile", "ux", "api",
        "follow-up", "idea", "travel", "personal", "work", "reading", "health", "finance")
CHANNELS = ("general", "random", "engineering", "design", "marketing", "sales", "support", "announcements",
            "product", "hiring", "watercooler", "releases", "incidents", "feedback", "ops", "music", "books", "pets")
PROJECT_CODENAMES = ("Apollo", "Atlas", "Beacon", "Cascade", "Comet", "Ember", "Falcon", "Harbor", "Horizon", "Juniper",
                     "Lighthouse", "Meridian", "Nimbus", "Orion", "Phoenix", "Polaris", "Quartz", "Summit", "Tundra")
PROJECT_SUFFIXES = ("Redesign", "Migration", "Launch", "Website", "Mobile App", "Onboarding", "Analytics Dashboard",
                    "Billing Revamp", "API v2", "Rebrand", "Research", "Integration")
ARTIST_FIRST = ("The Velvet", "Midnight", "Silver", "Electric", "Crimson", "Northern", "Golden", "Wild", "Neon",
                "Broken", "Paper", "Lunar", "Hollow", "Young", "Black")
ARTIST_SECOND = ("Echoes", "Foxes", "Lanterns", "Rivers", "Sparrows", "Tides", "Wolves", "Harbour", "Signals",
                 "Satellites", "Parade", "Orchestra", "Collective", "Ghosts", "Kites")
TITLE_FIRST = ("Summer", "Midnight", "Golden", "Silent", "Broken", "Electric", "Distant", "Paper", "Lost", "Wild",
               "Blue", "Hidden", "Last", "Northern", "Velvet", "Burning", "Falling", "Endless", "Quiet", "Neon")
TITLE_SECOND = ("Hearts", "Rain", "Skies", "Roads", "Dreams", "Lights", "Shadows", "Waves", "Fire", "City", "Echoes",
                "Highway", "Garden", "Letters", "Horizon", "Stars", "River", "Morning", "Voices", "Summer")
FILM_PREFIXES = ("The", "Return of the", "Beyond the", "Escape from the", "Night of the", "Secrets of the",
                 "Children of the", "Last", "Chasing the", "Under the")
FILM_NOUNS = ("Storm", "Stranger", "Kingdom", "Island", "Mountain", "Detective", "Garden", "Frontier", "Circus",
              "Empire", "Voyage", "Harbor", "Machine", "Lighthouse", "Outlaw", "Forest", "Mirror", "Dragon")
BOOK_NOUNS = ("Guide", "Handbook", "Diaries", "Chronicles", "Letters", "Field Notes", "Almanac", "Stories")
TASK_VERBS = ("Update", "Review", "Fix", "Write", "Plan", "Prepare", "Schedule", "Design", "Test", "Refactor",
              "Clean up", "Draft", "Publish", "Call", "Email", "Book", "Order", "Organise")
TASK_OBJECTS = ("onboarding docs", "pricing page", "quarterly report", "login flow", "team offsite", "invoice template",
                "release notes", "customer interview", "database backup", "marketing email", "budget spreadsheet",
                "dentist appointment", "groceries", "flight to Berlin", "API rate limits", "landing page copy",
                "expense report", "sprint retro", "hiring plan", "design review")
HEADLINE_STARTS = ("How we", "Why we", "What we learned when we", "A practical guide: how to", "Notes on how to",
                   "Five ways to", "Getting started: how to", "Lessons from trying to")
HEADLINE_ENDS = ("cut our cloud bill in half", "ship faster with smaller teams", "onboard new customers",
                 "write better release notes", "plan a product launch", "scale Postgres", "hire our first engineer",
                 "run remote retrospectives", "migrate to a new billing system", "design for accessibility",
                 "measure what matters", "keep documentation up to date")
EVENT_KINDS = ("Meetup", "Workshop", "Conference", "Webinar", "Hackathon", "Launch Party", "Book Club", "Town Hall")
STORE_NAMES = ("Downtown", "Riverside", "Harbor View", "Old Town", "Airport", "Central Station", "Westfield",
               "Hillside", "Lakeside", "Market Street")
COURSE_TOPICS = ("Python", "Data Analysis", "Photography", "Public Speaking", "UX Design", "Spanish", "Machine Learning",
                 "Watercolour", "Personal Finance", "SQL", "Creative Writing", "Project Management")
COURSE_LEVELS = ("for Beginners", "Fundamentals", "Masterclass", "in Practice", "Advanced", "Crash Course")
ROLES = ("owner", "admin", "member", "viewer", "editor", "billing")
JOB_DEPARTMENTS = ("Engineering", "Marketing", "Sales", "Support", "Finance", "Design", "Operations", "People")

CHAT_MESSAGES = (
    "Hey, are we still on for tomorrow?", "Just pushed the fix, can someone review?", "Sounds good to me 👍",
    "I'll be 10 minutes late, sorry!", "Has anyone seen the latest numbers?", "Thanks, that helps a lot.",
    "Can we move the sync to 3pm?", "Lunch at the usual place?", "The build is green again.",
    "I left some comments on the doc.", "Welcome to the channel!", "Who's picking up the client call?",
    "Great job on the launch, everyone.", "Does anyone have the wifi password?", "Back in 5.",
    "I think that's a bug, filing a ticket now.", "Happy Friday! 🎉", "Let me check and get back to you.",
    "Meeting notes are in the shared folder.", "Can you send me the link again?", "Deploying to staging now.",
    "Coffee anyone?", "Agreed, let's ship it.", "I'm out tomorrow, ping me on my phone if urgent.",
    "Nice catch!", "The demo went really well.", "Where are we on the Q3 roadmap?", "On my way.",
    "Reminder: retro at 4pm today.", "Just saw your message, will do.", "Anyone up for a game after work?",
    "Customer says it works now, thanks!", "Could you share the slides?", "Haha, love it.",
)
REVIEWS = (
    "Exactly as described and arrived quickly.", "Great quality for the price, would buy again.",
    "Works well, but the instructions could be clearer.", "Stopped working after two weeks. Disappointed.",
    "Absolutely love it — I use it every day.", "Good, not great. Does the job.", "Perfect gift, my sister loved it.",
    "Smaller than I expected, but well made.", "Customer service was quick to help with a replacement.",
    "Five stars. Solid, well designed and easy to use.", "The colour is a bit different from the photos.",
    "Comfortable and sturdy. Highly recommend.", "Decent value, shipping took a while though.",
    "Better than the more expensive brand I had before.", "Battery life is excellent.",
    "Returned it — did not fit my needs.", "A lovely film with a great soundtrack.", "Loved the story, weak ending.",
)
BIOS_ROLE = ("Product designer", "Software engineer", "Data analyst", "Marketing lead", "Founder", "Teacher",
             "Photographer", "Nurse", "Writer", "Student", "Project manager", "Chef", "Architect", "Sales manager")
BIOS_HOBBY = ("Loves trail running and strong coffee.", "Weekend baker and amateur astronomer.",
              "Always reading two books at once.", "Cyclist, climber and occasional surfer.",
              "Collects vinyl and plays bass in a garage band.", "Into board games, hiking and good ramen.",
              "Learning Japanese, slowly.", "Dog person. Plant person. Tea person.",
              "Spends weekends in the mountains.", "Building side projects after dark.")
NOTES = ("Call back next week about the renewal.", "Prefers email over phone.", "Delivery to the side entrance.",
         "Follow up after the demo.", "Asked for a quote on the annual plan.", "Gift wrap requested.",
         "Left a voicemail, no answer yet.", "Met at the Berlin conference.", "VIP customer — priority support.",
         "Waiting on signed contract.", "Needs invoice in EUR.", "Allergic to nuts.", "Ring twice.",
         "Reschedule if it rains.", "Discussed pricing; sending proposal Monday.")
COMMENTS = ("Good point, I agree.", "Could you clarify the second step?", "This fixed it for me, thanks!",
            "I had the same problem last week.", "Great write-up.", "Looks good to me, approving.",
            "Can we add a test for this?", "Not sure this covers the edge case.", "+1, would love this feature.",
            "Thanks for sharing!", "Updated the description with more details.", "Closing as resolved.")
GENERIC_SENTENCES = ("Updated after the last review.", "Shared with the whole team.", "Kept for reference.",
                     "Part of the spring release.", "Maintained by the operations team.", "Used by most customers.",
                     "Reviewed every quarter.", "Replaces the previous version.", "Available in all regions.",
                     "Created during onboarding.", "Tracks progress towards the yearly goal.",
                     "Includes everything needed to get started.", "Scheduled for the next sprint.",
                     "Owned by the product team.", "Synced nightly from the main system.")
SUBJECT_DESCRIPTIONS = {
    "plan": ("Everything a small team needs to get started.", "For growing teams that need more seats and storage.",
             "Advanced security, SSO and priority support.", "Unlimited projects and a 99.9% uptime SLA.",
             "Perfect for individuals and side projects."),
    "category": ("Popular picks updated every week.", "Our most loved products in one place.",
                 "Hand-picked essentials for everyday life.", "New arrivals and seasonal favourites."),
    "project": ("Ship the new onboarding by the end of the quarter.", "Move the legacy service to the new platform.",
                "Refresh the brand across web and mobile.", "Understand why trial users churn in week one.",
                "Launch in two new markets before summer."),
    "film": ("A retired detective takes one last case in a town that keeps its secrets.",
             "Two strangers cross the country in a borrowed car and find more than they bargained for.",
             "A young inventor must save her city when the machines stop working.",
             "An epic voyage across a frozen sea, told through the eyes of a ship's cook.",
             "A heartfelt comedy about a family reunion that goes wrong in every possible way."),
    "event": ("An evening of short talks and networking.", "Hands-on session, bring your laptop.",
              "Our yearly get-together with customers and partners.", "Live Q&A with the product team."),
    "channel": ("Company-wide announcements and news.", "Anything goes — off-topic chat.",
                "Questions and answers for the support team.", "Release coordination and deploy notes."),
}

# What a developer names an API token or key: where it is used.
API_KEY_NAMES = ("CLI", "Deploy key", "GitHub Actions", "Zapier", "Mobile app", "Local development", "CI pipeline",
                 "Staging server", "Backup script", "Analytics export", "Slack bot", "Terraform", "Postman", "Cron jobs")
# What an API token may do (Sanctum's abilities, a JSON list): mostly everything.
TOKEN_ABILITIES = ('["*"]', '["*"]', '["*"]', '["read"]', '["read", "create", "update"]', '["read", "delete"]',
                   '["server:update"]')
# What a one-time token, nonce or code is for (MakerKit nonces, verification and reset tokens).
TOKEN_PURPOSES = ("email_verification", "password_reset", "magic_link", "invite", "email_change", "mfa_challenge",
                  "account_deletion", "otp_sign_in")
PURPOSES = ("Client meeting", "Team offsite", "Travel to the annual conference", "Office supplies", "Software subscription",
            "Training for new staff", "Visit to a customer site", "Marketing campaign", "Equipment repair", "Recruiting event",
            "Quarterly planning", "Product demo")
# Why something was cancelled, refunded, revoked, banned or rejected: by the column's prefix (or the table).
REASONS_BY_KIND = {
    "cancel": ("Too expensive", "Switched to another tool", "Missing features we need", "No longer needed",
               "Project ended", "Only needed it for one month", "Support was too slow", "Company was acquired"),
    "refund": ("Duplicate charge", "Requested by customer", "Fraudulent payment", "Item not received",
               "Not as described", "Charged after cancellation", "Service outage credit"),
    "revoke": ("Superseded by a newer token", "Revoked by the user", "Revoked by an administrator",
               "Password changed", "Suspicious sign-in attempt", "Signed out of all devices", "Account deleted"),
    "ban": ("Spam", "Abusive behaviour", "Chargeback dispute", "Terms of service violation",
            "Suspicious login activity", "Impersonation", "Repeated policy warnings"),
    "reject": ("Incomplete information", "Duplicate request", "Does not meet the requirements", "Budget not approved",
               "Missing documents", "Outside our service area"),
}
REASONS = ("Requested by the user", "Duplicate entry", "Outdated information", "Policy change", "Customer request",
           "Administrative correction", "Data cleanup", "Migrated to the new system")
# Topics: a chat channel's topic line, and what a thread, ticket or post is about.
CHANNEL_TOPICS = ("Company-wide announcements and news", "Anything goes: off-topic chat", "Questions for the support team",
                  "Release coordination and deploy notes", "Design reviews and feedback", "Daily stand-up notes",
                  "Customer wins and shout-outs", "Incidents and on-call handover", "Hiring and interview loops",
                  "Share what you are reading", "Photos of pets, please", "Weekly metrics and dashboards",
                  "Ideas for the next sprint", "Help with local setup and tooling")
TOPICS = ("Billing", "Onboarding", "Product feedback", "Feature request", "Bug report", "Account access", "Integrations",
          "Pricing", "Performance", "Security", "Data export", "Mobile app", "Notifications", "Team settings")
# What happened, in an audit log or activity feed; what a permission allows; which SQL operation changed a row.
DOTTED_ACTIONS = ("user.signed_in", "user.signed_out", "user.password_changed", "member.invited", "member.removed",
                  "member.role_changed", "project.created", "project.updated", "project.archived", "project.deleted",
                  "api_key.created", "api_key.revoked", "invoice.paid", "invoice.payment_failed", "subscription.renewed",
                  "subscription.canceled", "settings.updated", "file.uploaded", "export.completed", "workspace.created")
AUDIT_ACTIONS = ("created", "updated", "deleted", "signed_in", "signed_out", "password_changed", "invited",
                 "role_changed", "member_removed", "exported", "archived", "restored", "api_key_created",
                 "settings_updated", "subscription_renewed", "payment_failed")
AUDIT_ACTION_WEIGHTS = (14, 22, 5, 20, 6, 3, 4, 2, 2, 3, 3, 1, 2, 5, 5, 3)
PERMISSION_ACTIONS = ("read", "create", "update", "delete", "manage", "export", "invite")
DB_OPERATIONS = ("INSERT", "UPDATE", "DELETE")
# Places inside a country: a state's postal code when the column is that narrow, cloud regions (Google Cloud's
# spelling) for infrastructure.
US_STATE_CODES = ("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
                  "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
                  "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY")
SALES_REGIONS = ("Eastern", "Western", "Northern", "Southern", "Central", "Northeast", "Southeast", "Midwest",
                 "Pacific Northwest", "Southwest", "Mountain", "Great Lakes", "EMEA", "APAC", "LATAM")
CLOUD_REGIONS = ("us-central1", "us-east1", "us-west1", "europe-west1", "europe-west3", "europe-north1", "asia-east1",
                 "asia-northeast1", "asia-southeast1", "australia-southeast1", "southamerica-east1")

# OAuth account links (Auth.js / NextAuth, Lucia, Better Auth): the providers apps offer, most used first
OAUTH_PROVIDERS = ("google", "github", "discord", "apple", "azure-ad", "gitlab", "twitter", "linkedin")
OAUTH_PROVIDER_WEIGHTS = (45, 25, 8, 7, 5, 4, 3, 3)
OAUTH_SCOPES = ("openid email profile", "read:user user:email", "identify email", "openid profile email offline_access",
                "name email", "openid email")
