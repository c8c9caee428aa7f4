"""E-commerce domain: sellers list *products*; shoppers leave *reviews* on them.

Tables looked for: content ``products``, items ``reviews``/``product_reviews``, lookup
``categories``/``product_categories``.

Logical columns of ``content(owners, per_owner, seed)`` (one row per product listed by an owner):

================= ===================================================================================
owner_position    Int64, row position of the owner (the seller) in ``owners``
content_index     Int64, ``owner_index * 1000 + k``: globally unique, deterministic
name, title       product name (same value), e.g. "Voltix Noise-Cancelling Headphones Pro"
slug              ``^[a-z0-9-]+$``, name slugified plus ``-k``: unique per owner
sku               "ELE-<content_index>": globally unique
description       2-3 sentences about the product, its use and care/shipping
activity          category key (lookup link): electronics | home-kitchen | apparel | books |
                  sports-outdoors | beauty | toys-games | collectibles
category          the category's display label ("Home & Kitchen")
brand             brand (publisher for books)
price             Float64 > 0, 2 decimals ending .95/.99, by product type and persona price tier
compare_at_price  Float64 > price (a "was" price) for ~30 %, else null
currency          USD (80 %), EUR, GBP, CAD
stock             Int64 0..500 (~8 % sold out)
weight_grams      Int64 > 0
tags              List(String), 2-4 distinct tags
is_public         Boolean, ~92 % true (listed); is_active: the same value
review_count      Int64, = number of its reviews
average_rating    Float64 1..5 (2 decimals) = mean review rating, null without reviews
created_at        Datetime(us), within two years before 2026-06-30 12:00 (UTC)
updated_at        Datetime(us), >= created_at
================= ===================================================================================

Logical columns of ``items(content, seed)`` (one row per review, 0..8 per product):
content_position, position (1..n), item_index (content_index*16+position), rating (Int64 1..5,
skewed positive), title and body (match the rating and the category), reviewer_name ("Maria K."),
is_verified_purchase (Boolean ~80 %), helpful_count (Int64 >= 0), created_at (>= the product's
created_at), updated_at (>= created_at). Reviews depend only on (seed, content_index, activity,
created_at).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import polars as pl

from .base import (ANCHOR_US, DAY_US, created_updated, Domain, field, frac, hash_rows, item_rows, labels, money_cents,
                   Persona, pick, pick_weighted, slug_and_description, sum_per_content, TagTable, TextTable)

ACTIVITIES = ("electronics", "home-kitchen", "apparel", "books", "sports-outdoors", "beauty", "toys-games",
              "collectibles")
CATEGORY_LABELS = ("Electronics", "Home & Kitchen", "Apparel", "Books", "Sports & Outdoors", "Beauty",
                   "Toys & Games", "Collectibles")
SKU_PREFIX = ("ELE", "HOM", "APP", "BOK", "SPT", "BEA", "TOY", "COL")
PRICE_TIERS = ("budget", "mid", "premium", "luxury")
TIER_FACTORS = np.array([0.65, 1.0, 1.5, 2.4])
CURRENCIES = ("USD", "EUR", "GBP", "CAD")
CURRENCY_WEIGHTS = (0.80, 0.08, 0.06, 0.06)
CURRENCY_FACTORS = np.array([1.0, 0.95, 0.82, 1.37])
REVIEW_COUNTS = (0, 1, 2, 3, 4, 5, 6, 7, 8)
REVIEW_COUNT_WEIGHTS = (0.15, 0.15, 0.15, 0.15, 0.12, 0.10, 0.08, 0.05, 0.05)
RATING_WEIGHTS = (0.07, 0.05, 0.10, 0.25, 0.53)       # 1..5 stars
LISTED_SHARE = 0.92

# Per category: brands, "adjective" words and (noun, base USD price, weight g); templates combine them.
CATALOG: dict[str, dict] = {
    "electronics": {
        "brands": ("Voltix", "Lumen Audio", "Northwave", "Cirrus", "Pixelcraft", "Ampere Labs", "Solace", "Quanta"),
        "adjectives": ("Pro", "Lite", "Max", "Air", "Studio", "Go", "Mini", "Plus"),
        "nouns": (("Wireless Earbuds", 79, 60), ("Noise-Cancelling Headphones", 199, 250),
                  ("Bluetooth Speaker", 59, 540), ("Smart Watch", 229, 45), ("USB-C Charger 65W", 39, 120),
                  ("Portable Power Bank 20000mAh", 49, 350), ("4K Webcam", 129, 160), ("Mechanical Keyboard", 119, 900),
                  ("Wireless Mouse", 39, 95), ("Smart Home Hub", 99, 300)),
        "templates": ("{brand} {noun} {adjective}", "{brand} {adjective} {noun}"),
    },
    "home-kitchen": {
        "brands": ("Hearthstone", "Kindred Home", "Copperleaf", "Nordic Nest", "Oakridge", "Maison Claire",
                   "Everkitchen", "Brightside"),
        "adjectives": ("Classic", "Artisan", "Everyday", "Premium", "Essential", "Heritage", "Modern", "Signature"),
        "nouns": (("Cast Iron Skillet", 45, 3400), ("Pour-Over Coffee Set", 39, 800), ("Chef's Knife 8-Inch", 89, 230),
                  ("Linen Duvet Cover", 129, 1200), ("Dutch Oven 5.5 Qt", 119, 5200), ("Bamboo Cutting Board", 29, 1100),
                  ("Ceramic Dinnerware Set", 99, 6000), ("Stand Mixer", 349, 10000), ("French Press", 35, 700),
                  ("Glass Food Storage Set", 49, 2500)),
        "templates": ("{brand} {adjective} {noun}", "{adjective} {noun} by {brand}"),
    },
    "apparel": {
        "brands": ("Northbound", "Fieldhouse", "Loom & Co.", "Kestrel Supply", "Harbor Lane", "Juniper Row", "Alder",
                   "Commonweal"),
        "adjectives": ("Classic", "Relaxed", "Heritage", "Everyday", "Lightweight", "Recycled", "Vintage Wash",
                       "Essential"),
        "nouns": (("Organic Cotton T-Shirt", 28, 180), ("Merino Crew Sweater", 98, 400), ("Slim Fit Chinos", 68, 500),
                  ("Rain Jacket", 129, 450), ("Denim Jacket", 89, 800), ("Running Shorts", 38, 120),
                  ("Flannel Shirt", 58, 350), ("Puffer Vest", 110, 380), ("Wool Beanie", 29, 90),
                  ("Leather Belt", 45, 200)),
        "templates": ("{brand} {adjective} {noun}", "{adjective} {noun} | {brand}"),
    },
    "books": {
        "brands": ("Harbor Press", "Lantern Books", "Meridian House", "Quill & Ink", "Northstar Publishing",
                   "Paper Crane", "Atlas Editions", "Bramble Press"),
        "adjectives": ("The Quiet Summit", "Salt and Stone", "A Field Guide to Small Wonders",
                       "The Lighthouse Keeper's Daughter", "Northern Lights", "The Last Orchard",
                       "Maps of Forgotten Places", "Tea with Strangers"),
        "nouns": (("Paperback", 17, 350), ("Hardcover", 28, 650), ("Signed Hardcover", 42, 650),
                  ("Collector's Edition", 55, 900), ("Audiobook CD", 30, 200), ("Large Print Edition", 24, 500),
                  ("Illustrated Edition", 38, 800), ("Boxed Set", 65, 1800), ("Pocket Edition", 12, 200),
                  ("Annotated Edition", 34, 700)),
        "templates": ("{adjective} ({noun})", "{adjective}: {noun}"),
    },
    "sports-outdoors": {
        "brands": ("Summitline", "Trailhead Co.", "Riverbend", "Peakform", "Basecamp Supply", "Wildwood", "Crestview",
                   "Ironbark"),
        "adjectives": ("Pro", "Ultralight", "All-Terrain", "Performance", "Trail", "Compact", "Elite", "Everyday"),
        "nouns": (("Yoga Mat", 39, 1200), ("Insulated Water Bottle 32oz", 34, 450), ("Adjustable Dumbbells", 299, 20000),
                  ("Trekking Poles", 79, 500), ("Camping Hammock", 59, 600), ("Resistance Band Set", 25, 400),
                  ("Foam Roller", 29, 500), ("Daypack 25L", 89, 800), ("Cycling Gloves", 32, 90),
                  ("Jump Rope", 19, 200)),
        "templates": ("{brand} {adjective} {noun}", "{brand} {noun}"),
    },
    "beauty": {
        "brands": ("Glow & Co.", "Verdant Skin", "Luma Beauty", "Petal Lab", "Aurelia", "Pure Fern", "Solis", "Maren"),
        "adjectives": ("Daily", "Radiance", "Sensitive Skin", "Fragrance-Free", "Botanical", "Overnight",
                       "Travel Size", "Signature"),
        "nouns": (("Vitamin C Serum", 32, 60), ("Hydrating Face Cream", 28, 120), ("SPF 50 Sunscreen", 22, 110),
                  ("Gentle Cleanser", 18, 200), ("Retinol Night Cream", 42, 80), ("Lip Balm Set", 14, 40),
                  ("Hair Repair Mask", 26, 250), ("Clay Face Mask", 24, 150), ("Eau de Parfum 50ml", 85, 300),
                  ("Makeup Brush Set", 39, 300)),
        "templates": ("{brand} {adjective} {noun}", "{brand} {noun}"),
    },
    "toys-games": {
        "brands": ("Brightblock", "Tinker Town", "Meeple House", "Little Fox", "Puzzlewood", "Orbit Toys", "Kitebird",
                   "Moonbeam"),
        "adjectives": ("Classic", "Deluxe", "Family", "Travel", "Junior", "Ultimate", "Starter", "Creator's"),
        "nouns": (("Building Block Set 500 pcs", 49, 1100), ("Strategy Board Game", 45, 1500),
                  ("1000-Piece Jigsaw Puzzle", 22, 700), ("Wooden Train Set", 59, 2000), ("Remote Control Car", 69, 900),
                  ("Card Game", 15, 200), ("Plush Bear", 25, 300), ("Science Kit", 35, 800),
                  ("Art Supplies Set", 29, 1000), ("Marble Run", 39, 1400)),
        "templates": ("{brand} {adjective} {noun}", "{adjective} {noun} by {brand}"),
    },
    "collectibles": {
        "brands": ("Heirloom Mint", "Vault & Co.", "Relic House", "Goldleaf", "Archive Supply", "Curio", "Timeless",
                   "Keystone"),
        "adjectives": ("Limited Edition", "Numbered", "Mint Condition", "Rare", "Original", "Anniversary", "Graded",
                       "Vintage"),
        "nouns": (("Vinyl Record", 45, 250), ("Art Print", 120, 300), ("Trading Card Booster Box", 140, 600),
                  ("Die-Cast Model Car 1:18", 89, 1100), ("Enamel Pin Set", 24, 80), ("Signed Baseball", 199, 200),
                  ("Commemorative Coin", 65, 35), ("Film Camera", 180, 700), ("Designer Vinyl Figure", 75, 400),
                  ("First Edition Comic", 250, 150)),
        "templates": ("{adjective} {noun}", "{brand} {adjective} {noun}"),
    },
}

OPENERS: dict[str, list[str]] = {
    "electronics": ["Clean design, solid battery life and setup that takes about two minutes.",
                    "Our best-selling pick for working from home or on the go.",
                    "Built for everyday use, with the specs that actually matter.",
                    "A reliable upgrade that pairs with almost anything."],
    "home-kitchen": ["Made to be used every day and passed down after that.",
                     "The kind of kitchen piece you reach for without thinking.",
                     "Thoughtfully designed for small kitchens and big dinners.",
                     "Simple, sturdy and easy to clean."],
    "apparel": ["A wardrobe staple cut for comfort and made to last.",
                "Soft, breathable and easy to layer in any season.",
                "Designed in small batches with responsibly sourced materials.",
                "The piece you'll end up wearing three times a week."],
    "books": ["A book readers keep recommending to friends.",
              "Beautifully produced and a pleasure to hold.",
              "One of our staff picks this season.",
              "A thoughtful gift for the reader in your life."],
    "sports-outdoors": ["Built for training days, trail days and everything in between.",
                        "Tested by our team on real workouts and real trails.",
                        "Lightweight, durable and ready when you are.",
                        "Gear that keeps up without weighing you down."],
    "beauty": ["Gentle, effective and made without the stuff you don't want.",
               "A daily essential for healthy-looking skin.",
               "Dermatologist-tested and suitable for most skin types.",
               "Clean ingredients, visible results."],
    "toys-games": ["Hours of screen-free fun for the whole family.",
                   "Encourages creativity, problem solving and a bit of friendly competition.",
                   "Safety-tested materials and instructions kids can follow.",
                   "A favorite for game nights and rainy afternoons."],
    "collectibles": ["A genuine find for serious collectors.",
                     "Carefully stored and described honestly, with photos of every detail.",
                     "Hard to come by and even harder to part with.",
                     "A standout piece for any collection."],
}
MIDDLES = ["Ships within two business days.", "Free returns within 30 days.", "Backed by a one-year warranty.",
           "Packed in plastic-free packaging.", "Questions? Message us before you buy.",
           "Arrives gift-ready.", "Limited stock, so don't wait too long.", "Check the photos for exact dimensions."]
CLOSERS = ["Thanks for shopping small!", "Bundle and save on shipping.", "Restocks are announced on our page.", "", ""]

REVIEW_TITLES = {   # by band: negative (1-2 stars), mixed (3), positive (4-5)
    "negative": ("Disappointed", "Not as described", "Broke after a week", "Would not buy again", "Returned it",
                 "Not worth the price", "Poor quality", "Expected more"),
    "mixed": ("It's okay", "Decent for the price", "Some pros and cons", "Good, not great", "Does the job",
              "Mixed feelings", "Almost there", "Fine for now"),
    "positive": ("Love it!", "Exactly what I needed", "Great quality", "Highly recommend", "Five stars", "Worth it",
                 "Better than expected", "Perfect gift", "Would buy again", "Fantastic"),
}
REVIEW_OPENERS = {
    "negative": ["Really wanted to like this.", "Not happy with this purchase.", "Sadly this didn't work out.",
                 "I had high hopes."],
    "mixed": ["It's fine overall.", "Pretty decent, with a couple of caveats.", "Does what it says, mostly.",
              "Solid enough for the price."],
    "positive": ["Absolutely love this.", "Exactly what I was looking for.", "Really impressed.",
                 "Bought this after reading the reviews and I'm glad I did."],
}
REVIEW_DETAILS: dict[str, dict[str, list[str]]] = {
    "electronics": {"negative": ["The battery barely lasts half a day.", "Connection keeps dropping.",
                                 "Stopped charging after two weeks."],
                    "mixed": ["Sound is good but the app is clunky.", "Battery life is shorter than advertised."],
                    "positive": ["Battery lasts all week.", "Setup took five minutes.", "Sound quality is excellent."]},
    "home-kitchen": {"negative": ["It chipped the first time I used it.", "Much smaller than it looks in the photos.",
                                  "The finish started peeling."],
                     "mixed": ["Works well but is a pain to clean.", "Heavier than I expected."],
                     "positive": ["Use it every single day.", "Cleans up in seconds.", "Feels like it will last forever."]},
    "apparel": {"negative": ["Shrank after one wash.", "The stitching came apart.", "Fabric feels cheap."],
                "mixed": ["Runs a size small.", "Nice fabric, odd fit in the shoulders."],
                "positive": ["Fits perfectly and feels great.", "Still looks new after many washes.",
                             "So comfortable I bought a second one."]},
    "books": {"negative": ["Arrived with a bent cover.", "Couldn't get past the first chapters.",
                           "Printing quality is poor."],
              "mixed": ["Slow start but a good ending.", "Lovely edition, story was just okay."],
              "positive": ["Couldn't put it down.", "Beautiful edition, great gift.", "Already recommended it to friends."]},
    "sports-outdoors": {"negative": ["Fell apart on the second outing.", "Way heavier than listed.",
                                     "The grip wore out quickly."],
                        "mixed": ["Works, but feels a bit flimsy.", "Good for light use only."],
                        "positive": ["Holds up to daily training.", "Light and tough.", "Took it on three trips already."]},
    "beauty": {"negative": ["Broke me out within days.", "The scent is overwhelming.", "Did nothing for my skin."],
               "mixed": ["Nice texture, results are subtle.", "Works but the bottle is tiny."],
               "positive": ["My skin has never looked better.", "Gentle and absorbs quickly.",
                            "A little goes a long way."]},
    "toys-games": {"negative": ["Pieces were missing.", "Broke within an hour.", "Instructions are confusing."],
                   "mixed": ["Fun but the box says ages 6+ and it's more like 9+.", "Kids liked it for a week."],
                   "positive": ["The kids play with it every day.", "Great for family game night.",
                                "Sturdy and well made."]},
    "collectibles": {"negative": ["Condition was worse than described.", "Arrived damaged.",
                                  "Not sure it's authentic."],
                     "mixed": ["Nice piece, packaging could be better.", "As described, shipping was slow."],
                     "positive": ["Exactly as described, well packed.", "A great addition to my collection.",
                                  "Seller was great to deal with."]},
}

TAGS: dict[str, tuple[str, ...]] = {
    "electronics": ("wireless", "bluetooth", "usb-c", "gadgets", "work-from-home", "audio", "smart-home"),
    "home-kitchen": ("kitchen", "cookware", "home-decor", "gift", "coffee", "dining", "storage"),
    "apparel": ("organic-cotton", "casual", "outerwear", "sustainable", "unisex", "layering", "everyday"),
    "books": ("fiction", "hardcover", "gift", "bestseller", "signed", "book-club", "collectible"),
    "sports-outdoors": ("fitness", "training", "hiking", "camping", "yoga", "running", "outdoors"),
    "beauty": ("skincare", "vegan", "cruelty-free", "fragrance-free", "spf", "self-care", "travel-size"),
    "toys-games": ("family", "educational", "board-games", "stem", "puzzle", "kids", "gift"),
    "collectibles": ("vintage", "limited-edition", "rare", "vinyl", "trading-cards", "memorabilia", "signed"),
}

LOOKUP_ROWS = [(a, label, a) for a, label in zip(ACTIVITIES, CATEGORY_LABELS)] + [
    ("headphones-audio", "Headphones & Audio", "electronics"),
    ("cookware", "Cookware", "home-kitchen"),
    ("outerwear", "Outerwear", "apparel"),
    ("fiction", "Fiction", "books"),
    ("fitness", "Fitness", "sports-outdoors"),
    ("skincare", "Skincare", "beauty"),
    ("board-games", "Board Games", "toys-games"),
    ("vinyl-records", "Vinyl Records", "collectibles"),
]

PERSONAS = (
    Persona(
        key="shopper", label="Shopper", content_weight=0.5, share=2.0,
        activities=("apparel", "home-kitchen", "beauty"), level_weights=(0.25, 0.50, 0.20, 0.05),
        bios=("I read every review before I buy anything.",
              "Small-business supporter and serial wishlist maker.",
              "Shopping for a family of four, so durability matters.",
              "If it's on sale and well reviewed, it's in my cart.",
              "Gift finder for everyone I know.",
              "I leave honest reviews, good and bad."),
    ),
    Persona(
        key="seller", label="Seller", content_weight=2.0, share=0.8,
        activities=("electronics", "home-kitchen", "sports-outdoors"), level_weights=(0.15, 0.50, 0.28, 0.07),
        bios=("Small shop, big on customer service. Orders ship within two days.",
              "Family-run store since 2012.",
              "We test everything we sell.",
              "Questions? Message us, we answer within a day.",
              "Curated home goods from independent makers.",
              "Free shipping on orders over $50."),
    ),
    Persona(
        key="reseller", label="Reseller", content_weight=1.6, share=0.6,
        activities=("electronics", "collectibles", "toys-games"), level_weights=(0.20, 0.45, 0.28, 0.07),
        bios=("Finding great deals so you don't have to.",
              "Buying, testing and reselling tech since college.",
              "Every item inspected and photographed by hand.",
              "Estate sales on Saturday, listings on Sunday.",
              "Honest descriptions, fast shipping, easy returns.",
              "Flipping vintage finds as a side hustle that got out of hand."),
    ),
    Persona(
        key="bargain-hunter", label="Bargain Hunter", content_weight=0.6, share=1.2,
        activities=("home-kitchen", "electronics", "books"), level_weights=(0.60, 0.32, 0.07, 0.01),
        bios=("Never paid full price and never will.",
              "Coupon stacker, price tracker, deal alert subscriber.",
              "If it's not on sale, I can wait.",
              "I know every store's clearance schedule.",
              "Frugal, not cheap. There's a difference.",
              "Sharing the best deals I find with friends."),
    ),
    Persona(
        key="collector", label="Collector", content_weight=0.9, share=0.5,
        activities=("collectibles", "books", "toys-games"), level_weights=(0.05, 0.25, 0.40, 0.30),
        bios=("Collecting vinyl since before it was cool again.",
              "First editions, signed copies and the occasional rare find.",
              "My shelves are full and I'm still looking.",
              "Die-cast cars and vintage cameras, mostly.",
              "Always hunting for the one piece that completes the set.",
              "Condition is everything."),
    ),
)


class EcommerceDomain(Domain):
    name = "ecommerce"
    content_tables = ("products",)
    item_tables = ("reviews", "product_reviews")
    lookup_tables = ("categories", "product_categories")
    personas = PERSONAS
    activities = ACTIVITIES
    levels = PRICE_TIERS

    def lookup_rows(self) -> pl.DataFrame:
        slug, name, activity = zip(*LOOKUP_ROWS)
        return pl.DataFrame({"slug": list(slug), "name": list(name), "activity": list(activity)})

    @cached_property
    def _tables(self) -> dict:
        dims = [
            ("noun", {a: [{"noun": n} for n, _, _ in CATALOG[a]["nouns"]] for a in ACTIVITIES}),
            ("brand", {a: [{"brand": b} for b in CATALOG[a]["brands"]] for a in ACTIVITIES}),
            ("adjective", {a: [{"adjective": j} for j in CATALOG[a]["adjectives"]] for a in ACTIVITIES}),
        ]
        name = TextTable(ACTIVITIES, {a: CATALOG[a]["templates"] for a in ACTIVITIES}, dims, slugs=True)
        rest = {a: [f"{m} {c}".strip() for m in MIDDLES for c in CLOSERS] for a in ACTIVITIES}
        bands = ("negative", "mixed", "positive")
        groups, bodies = [], {}
        for band in bands:
            for a in ACTIVITIES:
                key = f"{band}/{a}"
                groups.append(key)
                bodies[key] = [f"{o} {d}" for o in REVIEW_OPENERS[band] for d in REVIEW_DETAILS[a][band]]
        noun_offsets = np.cumsum([0] + [len(CATALOG[a]["nouns"]) for a in ACTIVITIES])[:-1]
        return {
            "name": name,
            "opener": TextTable(ACTIVITIES, OPENERS),
            "rest": TextTable(ACTIVITIES, rest),
            "tags": TagTable(ACTIVITIES, TAGS),
            "review_title": TextTable(bands, REVIEW_TITLES),
            "review_body": TextTable(groups, bodies),
            "noun_offsets": noun_offsets.astype(np.int64),
            "noun_price": np.array([p * 100.0 for a in ACTIVITIES for _, p, _ in CATALOG[a]["nouns"]]),
            "noun_weight": np.array([w for a in ACTIVITIES for _, _, w in CATALOG[a]["nouns"]], dtype=np.int64),
            "brands": pl.Series("brand", [b for a in ACTIVITIES for b in CATALOG[a]["brands"]], dtype=pl.String),
            "n_brands": np.array([len(CATALOG[a]["brands"]) for a in ACTIVITIES], dtype=np.int64),
            "brand_offsets": np.cumsum([0] + [len(CATALOG[a]["brands"]) for a in ACTIVITIES])[:-1].astype(np.int64),
        }

    @cached_property
    def _reviewers(self) -> pl.Series:
        """'Maria K.'-style display names from the Faker-built pools (built once, never per row)."""
        from supaseed_pipeline.generate.pools import pool
        first, last = pool("first_name").to_list(), pool("last_name").to_list()
        names = {f"{first[(i * 7) % len(first)]} {last[(i * 13) % len(last)][0]}." for i in range(2000)}
        return pl.Series("reviewer_name", sorted(names), dtype=pl.String)

    def content(self, owners: pl.DataFrame, per_owner: int, seed: int) -> pl.DataFrame:
        rows = self.expand(owners, per_owner, seed)
        ci = rows["content_index"]
        t = self._tables
        h = hash_rows(ci, seed, self.name, "content")
        act = self.choose_activity(rows["persona"], field(h, 0))
        tier = self.choose_level(rows["persona"], field(h, 1), (0.25, 0.45, 0.22, 0.08))
        currency = pick_weighted(field(h, 2), CURRENCY_WEIGHTS)
        listed = frac(field(h, 3)) < LISTED_SHARE
        n = t["name"]
        x = hash_rows(ci, seed, self.name, "text")
        noun = pick(field(x, 0), n.dim_size("noun", act))
        brand = pick(field(x, 1), n.dim_size("brand", act))
        name_idx = n.index(act, pick(field(x, 2), n.n_templates[act]), noun=noun, brand=brand,
                           adjective=pick(field(x, 3), n.dim_size("adjective", act)))
        m = hash_rows(ci, seed, self.name, "misc")
        global_noun = t["noun_offsets"][act] + noun
        base = t["noun_price"][global_noun] * TIER_FACTORS[tier] * CURRENCY_FACTORS[currency]
        price = money_cents(base, field(m, 0), field(m, 1), spread=0.15)
        has_compare = frac(field(m, 1)) >= 0.70
        compare = np.floor(price * (1.15 + 0.35 * frac(field(m, 2))) / 100.0) * 100.0 + 99.0
        compare = np.where(has_compare, compare, np.nan)
        stock_u = frac(field(m, 3))
        in_stock = np.clip((stock_u - 0.08) / 0.92, 0.0, 1.0)
        stock = np.where(stock_u < 0.08, 0, 1 + in_stock ** 2.5 * 499).astype(np.int64)
        weight = np.maximum(np.rint(t["noun_weight"][global_noun] * (0.9 + 0.2 * frac(field(x, 0) ^ field(x, 1)))), 1)
        m2 = hash_rows(ci, seed, self.name, "misc2")
        opener = t["opener"].render(act, pick(field(m2, 0), t["opener"].n_templates[act]))
        rest = t["rest"].render(act, pick(field(m2, 1), t["rest"].n_templates[act]))
        created, updated = created_updated(hash_rows(ci, seed, self.name, "time"))

        reviews = self._review_plan(ci, seed)
        count = reviews["lengths"]
        rating_sum = sum_per_content(reviews["rating"], count)
        average = np.where(count > 0, np.round(rating_sum / np.maximum(count, 1), 2), np.nan)
        sku = pl.concat_str([labels(SKU_PREFIX, act), pl.lit("-"), pl.Series(ci).cast(pl.String)], separator="")

        frame = pl.DataFrame({
            "owner_position": pl.Series(rows["owner_position"], dtype=pl.Int64),
            "content_index": pl.Series(ci, dtype=pl.Int64),
            "name": n.texts.gather(name_idx),
            **slug_and_description(n.slugs.gather(name_idx), rows["k"], opener, rest),
            "activity": labels(ACTIVITIES, act),
            "category": labels(CATEGORY_LABELS, act),
            "brand": t["brands"].gather(t["brand_offsets"][act] + brand),
            "price": pl.Series(price / 100.0, dtype=pl.Float64),
            "compare_at_price": pl.Series(compare / 100.0, dtype=pl.Float64, nan_to_null=True),
            "currency": labels(CURRENCIES, currency),
            "stock": pl.Series(stock, dtype=pl.Int64),
            "weight_grams": pl.Series(weight.astype(np.int64), dtype=pl.Int64),
            "tags": t["tags"].render(act, field(m2, 2), field(m2, 3)),
            "is_public": pl.Series(listed, dtype=pl.Boolean),
            "review_count": pl.Series(count, dtype=pl.Int64),
            "average_rating": pl.Series(average, dtype=pl.Float64, nan_to_null=True),
            "created_at": created,
            "updated_at": updated,
        })
        return frame.with_columns(sku=sku).select(
            "owner_position", "content_index", "name", pl.col("name").alias("title"),
            "slug", "sku",
            "description",
            "activity", "category", "brand", "price", "compare_at_price", "currency", "stock", "weight_grams", "tags",
            "is_public", pl.col("is_public").alias("is_active"), "review_count", "average_rating",
            "created_at", "updated_at",
        )

    def _review_plan(self, ci: np.ndarray, seed: int) -> dict[str, np.ndarray]:
        hk = hash_rows(ci, seed, self.name, "review-count")
        lengths = np.asarray(REVIEW_COUNTS)[pick_weighted(field(hk, 0), REVIEW_COUNT_WEIGHTS)]
        rows = item_rows(ci, lengths)
        h = hash_rows(rows["item_index"], seed, self.name, "review")
        rows["lengths"] = lengths
        rows["rating"] = pick_weighted(field(h, 0), RATING_WEIGHTS) + 1
        rows["h"] = h
        return rows

    def items(self, content: pl.DataFrame, seed: int) -> pl.DataFrame:
        self.require(content, ("content_index", "activity", "created_at"), "content")
        ci = content["content_index"].cast(pl.Int64).to_numpy()
        act = self.codes_of(content["activity"], ACTIVITIES, "activity")
        created_us = content["created_at"].cast(pl.Datetime("us")).cast(pl.Int64).to_numpy()
        rows = self._review_plan(ci, seed)
        cp, h, rating = rows["content_position"], rows["h"], rows["rating"]
        t = self._tables
        band = np.where(rating <= 2, 0, np.where(rating == 3, 1, 2))
        group = band * len(ACTIVITIES) + act[cp]
        title = t["review_title"].render(band, pick(field(h, 1), t["review_title"].n_templates[band]))
        body = t["review_body"].render(group, pick(field(h, 2), t["review_body"].n_templates[group]))
        h2 = hash_rows(rows["item_index"], seed, self.name, "review-meta")
        start = created_us[cp]
        created = start + (frac(field(h2, 0, 32), 32) * np.maximum(ANCHOR_US - start, 0)).astype(np.int64)
        created = created // 1_000_000 * 1_000_000
        edited = frac(field(h2, 2, 8), 8) < 0.1
        updated = np.where(edited, np.minimum(created + (1 + pick(field(h2, 5, 8), 30, bits=8)) * DAY_US, ANCHOR_US),
                           created)
        updated = np.maximum(updated, created)
        helpful = np.floor(frac(field(h2, 3, 8), 8) ** 3 * 60).astype(np.int64)
        reviewers = self._reviewers
        return pl.DataFrame({
            "content_position": pl.Series(cp, dtype=pl.Int64),
            "position": pl.Series(rows["position"], dtype=pl.Int64),
            "item_index": pl.Series(rows["item_index"], dtype=pl.Int64),
            "rating": pl.Series(rating, dtype=pl.Int64),
            "title": title,
            "body": body,
            "reviewer_name": reviewers.gather(pick(field(h, 3), len(reviewers))),
            "is_verified_purchase": pl.Series(frac(field(h2, 4, 8), 8) < 0.8, dtype=pl.Boolean),
            "helpful_count": pl.Series(helpful, dtype=pl.Int64),
            "created_at": pl.Series(created).cast(pl.Datetime("us")),
            "updated_at": pl.Series(updated).cast(pl.Datetime("us")),
        })


DOMAINS = [EcommerceDomain()]
