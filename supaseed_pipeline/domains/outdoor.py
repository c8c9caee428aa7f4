"""Outdoor domain (the flagship): users share *setups* (kit lists for an activity) made of gear items.

Tables looked for: content ``setups``/``user_setups``/``gear_setups``, items ``gear_items``/
``setup_items``/``items``, lookup ``setup_types``/``base_templates``/``setup_templates``.

Logical columns of ``content(owners, per_owner, seed)`` (one row per setup):

=================== ==================================================================================
owner_position      Int64, row position of the owner in ``owners``
content_index       Int64, ``owner_index * 1000 + k`` (k = 1.. per owner): globally unique, deterministic
title               e.g. "Sierra High Route Backpacking Kit", 3..120 chars
slug                ``^[a-z0-9-]+$``, the title slugified plus ``-k``: unique per owner
description         2-3 sentences: opener (activity, place, season) + kit remark + optional closer
activity            hiking | backpacking | camping | climbing | photography | winter (activity_type)
difficulty          beginner | intermediate | advanced | expert (persona-weighted)
season              spring | summer | fall | winter | all-season (activity-weighted)
tags                List(String), 2-4 distinct lower-case tags of the activity
currency            USD (80 %), EUR, GBP, CAD
is_public           Boolean, ~85 % true
total_price         Float64, = Σ items.price × items.quantity (2 decimals)
total_weight_grams  Int64, = Σ items.weight_grams × items.quantity
created_at          Datetime(us), within two years before 2026-06-30 12:00 (UTC)
updated_at          Datetime(us), >= created_at
=================== ==================================================================================

Logical columns of ``items(content, seed)`` (one row per gear item, 3..8 per setup):
content_position (row in content), position (1..n), item_index (content_index*16+position), name
("Osprey Exos 58"), brand, category (gear_category label), price (Float64 per unit in the setup's
currency, ±10 % around street price, ending .95/.99), weight_grams (Int64), quantity (1..12, mostly
1), product_url (https://www.<brand>.example/products/<model>), notes (String, ~50 % null).

Rows per owner: exactly ``per_owner`` each when there are at most 100 owners (12 users x 3 -> 36
setups); for larger populations persona-weighted (gear-expert 1.6x, weekend-warrior 0.7x ...) with a
right-skewed spread, at least 1 each, averaging ``per_owner`` (see ``Domain.content_counts``).
``content_with_items`` returns both frames computing the item plan once.

Items come from activity kit lists (photography: camera body + lens + tripod ...; climbing: rope +
harness + hardware; winter: traction + avalanche beacon ...), and camera bodies/lenses of one setup
share a lens mount. Items depend only on (seed, content_index, activity, currency), so ``content``
can compute the totals and ``items`` the rows independently and they always agree.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd

from supaseed_pipeline.errors import ConfigError

from . import outdoor_catalog as cat
from . import outdoor_settings
from .images import image_urls
from .base import (ITEM_STRIDE, b16, byte_fields, created_updated, Domain, field, frac, hash_rows, Persona, pick,
                   pick_weighted, pick_weighted_rows, slug_and_description, slug_text, sum_per_content, TagTable,
                   TextTable)

ACTIVITIES = ("hiking", "backpacking", "camping", "climbing", "photography", "winter")
DIFFICULTIES = ("beginner", "intermediate", "advanced", "expert")
SEASONS = ("spring", "summer", "fall", "winter", "all-season")
CURRENCIES = ("USD", "EUR", "GBP", "CAD")
CURRENCY_WEIGHTS = (0.80, 0.08, 0.06, 0.06)
CURRENCY_FACTORS = np.array([1.0, 0.95, 0.82, 1.37])
PUBLIC_SHARE = 0.85
KIT_VARIANTS = 32   # precomputed kit lists per (activity, item count)

SEASON_WEIGHTS = {   # spring, summer, fall, winter, all-season
    "hiking": (0.25, 0.30, 0.25, 0.05, 0.15),
    "backpacking": (0.15, 0.50, 0.25, 0.00, 0.10),
    "camping": (0.20, 0.50, 0.20, 0.02, 0.08),
    "climbing": (0.30, 0.20, 0.30, 0.05, 0.15),
    "photography": (0.15, 0.20, 0.25, 0.15, 0.25),
    "winter": (0.05, 0.00, 0.05, 0.80, 0.10),
}
SEASON_DIMS = [
    {"season": "spring", "Season": "Spring", "when": "in spring", "season_text": "spring"},
    {"season": "summer", "Season": "Summer", "when": "in summer", "season_text": "summer"},
    {"season": "fall", "Season": "Fall", "when": "in the fall", "season_text": "fall"},
    {"season": "winter", "Season": "Winter", "when": "in winter", "season_text": "winter"},
    {"season": "all-season", "Season": "All-Season", "when": "all year round", "season_text": "year-round"},
]

# (name used in titles, how it reads in a sentence)
PLACES: dict[str, list[tuple[str, str]]] = {
    "hiking": [("Sierra", "the Sierra"), ("Cascades", "the Cascades"), ("Smokies", "the Smokies"),
               ("White Mountains", "the White Mountains"), ("Zion", "Zion"), ("Dolomites", "the Dolomites"),
               ("Lake District", "the Lake District"), ("Scottish Highlands", "the Scottish Highlands"),
               ("Blue Ridge", "the Blue Ridge"), ("Columbia Gorge", "the Columbia Gorge"),
               ("Adirondacks", "the Adirondacks"), ("Front Range", "the Front Range")],
    "backpacking": [("John Muir Trail", "the John Muir Trail"), ("Sierra High Route", "the Sierra High Route"),
                    ("Wind River Range", "the Winds"), ("Tour du Mont Blanc", "the Tour du Mont Blanc"),
                    ("Colorado Trail", "the Colorado Trail"), ("Wonderland Trail", "the Wonderland Trail"),
                    ("Pacific Crest Trail", "the PCT"), ("Appalachian Trail", "the AT"),
                    ("Kungsleden", "the Kungsleden"), ("West Highland Way", "the West Highland Way"),
                    ("Teton Crest", "the Teton Crest Trail"), ("Uinta Highline", "the Uinta Highline")],
    "camping": [("Big Sur", "Big Sur"), ("Yosemite Valley", "Yosemite Valley"), ("Lake Tahoe", "Lake Tahoe"),
                ("Olympic Peninsula", "the Olympic Peninsula"), ("Joshua Tree", "Joshua Tree"), ("Moab", "Moab"),
                ("Acadia", "Acadia"), ("Outer Banks", "the Outer Banks"), ("Boundary Waters", "the Boundary Waters"),
                ("Shenandoah", "Shenandoah"), ("Hill Country", "the Texas Hill Country"),
                ("Oregon Coast", "the Oregon Coast")],
    "climbing": [("Yosemite", "Yosemite"), ("Red River Gorge", "the Red"), ("Joshua Tree", "J-Tree"),
                 ("Smith Rock", "Smith Rock"), ("Indian Creek", "Indian Creek"), ("Squamish", "Squamish"),
                 ("Fontainebleau", "Font"), ("Kalymnos", "Kalymnos"), ("Red Rock", "Red Rock"),
                 ("Gunks", "the Gunks"), ("New River Gorge", "the New"), ("Eldorado Canyon", "Eldo")],
    "photography": [("Patagonia", "Patagonia"), ("Iceland", "Iceland"), ("Dolomites", "the Dolomites"),
                    ("Grand Teton", "the Tetons"), ("Banff", "Banff"), ("Lofoten", "Lofoten"),
                    ("Death Valley", "Death Valley"), ("Glacier Park", "Glacier National Park"),
                    ("Palouse", "the Palouse"), ("Big Sur", "Big Sur"), ("Faroe Islands", "the Faroe Islands"),
                    ("Scottish Highlands", "the Scottish Highlands")],
    "winter": [("Mount Rainier", "Rainier"), ("Mount Washington", "Mount Washington"), ("Chamonix", "Chamonix"),
               ("Tetons", "the Tetons"), ("Wasatch", "the Wasatch"), ("Mount Hood", "Mount Hood"),
               ("Rocky Mountain", "Rocky Mountain National Park"), ("Ouray", "Ouray"),
               ("Adirondack High Peaks", "the Adirondack High Peaks"), ("Mount Shasta", "Shasta"),
               ("Presidential Range", "the Presidentials"), ("Cairngorms", "the Cairngorms")],
}

TITLES: dict[str, list[str]] = {
    "hiking": ["Weekend Hiking Essentials", "Day Hiking Kit", "{place} Day Hike Kit", "{Season} Day Hiking Setup",
               "My Go-To Day Hike Pack", "{place} Summit Day Kit", "Lightweight Day Hiking Kit",
               "{Season} Trail Essentials", "What I Carry on {place} Hikes", "Fast and Light {place} Hike",
               "Ten Essentials Day Pack", "{Season} Hiking in {the_place}", "Family Day Hike Setup"],
    "backpacking": ["Backpacking Adventure Kit", "{place} Backpacking Kit", "{place} Thru-Hike Setup",
                    "Ultralight {Season} Backpacking Kit", "My {place} Gear List", "Overnight Backpacking Setup",
                    "Sub-10 lb Base Weight Kit", "{Season} Backpacking Loadout", "Budget Backpacking Kit",
                    "{place} Section Hike Kit", "First Backpacking Trip Setup", "Three Nights Out: {place}"],
    "camping": ["Car Camping Basecamp", "Family Camping Setup", "{place} Car Camping Kit", "{Season} Camping Setup",
                "Weekend Campground Kit", "Basecamp Kitchen and Sleep Setup", "{place} Campground Setup",
                "Comfort Camping Loadout", "Car Camping near {the_place}", "{Season} Family Camping Kit",
                "Glamping-Lite Car Camping Setup", "Road Trip Camping Kit"],
    "climbing": ["Rock Climbing Essentials", "Sport Climbing Rack", "{place} Sport Climbing Kit", "{place} Trad Rack",
                 "Multi-Pitch Setup for {the_place}", "Crag Day Kit", "{Season} Cragging Setup",
                 "Gym-to-Crag Starter Kit", "Single-Pitch Trad Kit", "My {place} Climbing Rack",
                 "Climbing Trip to {the_place}", "Top-Rope Setup for Beginners"],
    "photography": ["Mountain Photography Gear", "{place} Landscape Photography Kit",
                    "Astrophotography Setup for {the_place}", "{Season} Landscape Photography Kit",
                    "Wildlife Photography Setup", "Backcountry Photography Kit", "Sunrise Shoot Kit for {the_place}",
                    "Hiking Photography Setup", "{place} Photo Trip Gear", "Shooting {the_place}: My Camera Bag",
                    "{Season} Photo Walk Kit", "Lightweight Landscape Photography Kit"],
    "winter": ["Winter Hiking Gear", "{place} Winter Summit Kit", "Winter Mountaineering Setup",
               "Avalanche Terrain Kit", "{place} Ice Climbing Rack", "Snowshoe Day Trip Kit", "{Season} Alpine Kit",
               "Cold-Weather Summit Setup", "{place} Ski Touring Safety Kit", "Winter Hiking around {the_place}",
               "My {place} Mountaineering Kit", "Alpine Start Essentials"],
}

OPENERS: dict[str, list[str]] = {
    "hiking": [
        "This is what I carry for day hikes in {the_place}, mostly {when}.",
        "I put this list together after a few too many hikes in {the_place} where I either overpacked or forgot something.",
        "Everything here has been tested on real trail miles around {the_place}.",
        "Day hikes are my reset button, and this is the kit I grab {when}.",
        "Most of my hiking happens in {the_place}, so this setup leans toward long days and changeable weather.",
        "Sharing my day hike kit since a few people asked after my last trip to {the_place}.",
        "Simple, reliable {season_text} hiking kit that I use almost every weekend in {the_place}.",
        "My go-to setup for long days on the trail in {the_place} {when}.",
    ],
    "backpacking": [
        "Gear list from my last multi-night trip on {the_place}, {when}.",
        "I carried this exact kit on {the_place} and would change very little.",
        "This is my {season_text} backpacking setup, dialed in over a few seasons of long weekends.",
        "Built this kit for {the_place} with weight and comfort in about equal measure.",
        "After years of overpacking, this is the list I actually take backpacking {when}.",
        "Planning {the_place} next? This is what worked for me.",
        "Base weight is the obsession, but this kit for {the_place} still keeps me warm and fed.",
        "Five nights on {the_place} taught me what I really need, and this is it.",
    ],
    "camping": [
        "Our car camping setup for long weekends around {the_place}, usually {when}.",
        "We camp out of the car a lot, and this is the kit that makes trips to {the_place} easy.",
        "Comfort first: this is the basecamp we set up whenever we head to {the_place}.",
        "Everything fits in the trunk with room for the dog, which was the whole goal for {the_place}.",
        "This setup has seen rain, wind and a lot of s'mores around {the_place}.",
        "Car camping doesn't need to be complicated, and this {season_text} kit proves it.",
        "The family campground kit we've refined over about a dozen trips to {the_place}.",
        "Built for easy weekends around {the_place} {when}, where the car is never far away.",
    ],
    "climbing": [
        "This is the kit I bring to {the_place} {when}.",
        "Everything I clip to my harness on a typical day at {the_place}.",
        "My crag bag for {the_place}, refined over a lot of long approach hikes.",
        "Built this rack for {the_place}, where the climbing rewards a light, simple setup.",
        "Sharing my climbing kit since I get asked about it at {the_place} a lot.",
        "I started climbing in the gym and this is the kit that got me outside at {the_place}.",
        "This is the setup I trust for long days at {the_place} {when}.",
        "Most of my climbing is around {the_place}, so this kit is tuned for that rock.",
    ],
    "photography": [
        "This is the camera kit I carry for landscapes in {the_place} {when}.",
        "My landscape photography setup, built around hiking in to the good spots in {the_place}.",
        "I shoot mostly sunrise and sunset in {the_place}, so this kit is about low weight and fast setup.",
        "Everything here has earned its place in my bag after a few trips to {the_place}.",
        "This is what I carry when the goal is photos first and miles second, usually {when}.",
        "Balancing image quality and pack weight is hard, and this is where I landed for {the_place}.",
        "Sharing my camera bag from a recent trip to {the_place} {when}.",
        "Astro and landscape kit that has held up to cold nights and long hikes in {the_place}.",
    ],
    "winter": [
        "My winter kit for {the_place}, where conditions can turn quickly.",
        "This is what I carry for winter summits around {the_place}.",
        "Cold, wind and short days near {the_place}: this setup is built for all three.",
        "Everything here has been tested on early starts around {the_place}.",
        "Conditions around {the_place} turn quickly, and this kit reflects that.",
        "I carry this kit for objectives around {the_place} {when}.",
        "Built for alpine starts and long days above treeline near {the_place}.",
        "My setup for {season_text} trips near {the_place}: warm, simple and proven.",
    ],
}

MIDDLES: dict[str, list[str]] = {
    "hiking": [
        "The pack rides well even on long climbs, and everything I need is within reach.",
        "I keep the layers simple so I can adjust without stopping for long.",
        "Water and a light are non-negotiable, everything else depends on the forecast.",
        "It's nothing exotic, just reliable gear that I don't have to think about.",
        "Total weight stays low enough that I can move fast and still enjoy the views.",
        "I swapped a few pieces over the years, mostly to save weight on the big climbs.",
        "The footwear took a while to break in but has been great since.",
        "Rain gear stays in the pack even when the sky looks clear.",
    ],
    "backpacking": [
        "The big three (shelter, sleep system and pack) are where I spent most of the budget.",
        "I went lighter on the shelter and it changed how much I enjoy long days.",
        "Water treatment and a warm layer are the two things I never cut.",
        "Cooking is kept simple: boil water, rehydrate, go to bed.",
        "The sleep system is rated a bit warmer than I need, which has saved me more than once.",
        "I can carry five days of food without the pack feeling overloaded.",
        "Everything packs in the same order every time so camp chores go quickly.",
        "There's room to shave more weight, but this balance works for me.",
    ],
    "camping": [
        "The tent is huge, which matters a lot when it rains for two days straight.",
        "Our kitchen setup turns out real meals, not just boiled water.",
        "The cooler keeps things cold for a long weekend if you pre-chill it.",
        "Sleeping well is the priority, so the pads are thick and the bags are warm.",
        "Lighting makes a bigger difference than you'd think once the sun goes down.",
        "It all packs into a few bins so setup takes about twenty minutes.",
        "The kids have their own headlamps, which makes evenings easier.",
        "Nothing here is ultralight and that is completely fine for car camping.",
    ],
    "climbing": [
        "The rope gets a careful check before every trip, and I keep a log of big falls.",
        "I keep the rack light and add gear based on the route.",
        "The belay device is the piece I'd replace last.",
        "Everything fits in one pack for the approach, even with a full rack.",
        "Helmet stays on at the base too, rockfall is not a joke.",
        "I've built the rack up slowly over a few seasons instead of buying it all at once.",
        "Shoes are comfortable enough for long routes but still edge well.",
        "Quickdraws are the workhorses here and get retired when they show wear.",
    ],
    "photography": [
        "The wide zoom lives on the camera and does most of the work.",
        "A sturdy tripod is the one thing I won't go light on.",
        "Filters help a lot with bright skies and moving water.",
        "The bag opens from the back, so I can swap lenses without putting it in the dirt.",
        "Extra batteries stay in an inside pocket to keep them warm.",
        "I leave the heavy glass at home unless I'm planning wildlife shots.",
        "The whole setup is built to be carried a long way, not just from the car.",
        "Weather sealing matters more than megapixels for the places I shoot.",
    ],
    "winter": [
        "Beacon, probe and shovel come on every trip, no exceptions.",
        "Layering is the key: I start cold and adjust before I sweat.",
        "Traction is matched to the conditions, spikes for packed trails and crampons for steep ice.",
        "The gloves and shell are the pieces I'd spend on first.",
        "Batteries go inside my jacket so they still work at the top.",
        "The ice axe has self-arrested me once, which paid for it forever.",
        "Everything works with thick gloves on, which I learned to check the hard way.",
        "I carry a little more than I need because winter punishes shortcuts.",
    ],
}

CLOSERS: dict[str, list[str]] = {
    "beginner": ["Great starting point if you're just getting into this.",
                 "Nothing fancy here, which is kind of the point.",
                 "If you're new, borrow or rent before buying the expensive pieces.",
                 "Happy to answer questions if you're putting together your first kit.",
                 "Easy to use and hard to break."],
    "intermediate": ["Works well for most trips once you have a few under your belt.",
                     "Solid middle ground between weight, cost and comfort.",
                     "I'd upgrade a piece or two before anything more serious.",
                     "Ask me anything about these, I've used them a lot."],
    "advanced": ["Built for long days and committing terrain.",
                 "Not a beginner list, but everything here earns its spot.",
                 "This setup assumes you know how to use all of it.",
                 "Dialed in over years of trial and error."],
    "expert": ["Only take this setup into terrain you have the skills for.",
               "Every item here has been tested in rough conditions.",
               "Serious objectives need serious gear, and this is mine.",
               "Know how to use every item before relying on it."],
}
GENERIC_CLOSERS = ["Questions welcome!", "Will update as things change.", "Feedback welcome if you'd swap anything.",
                   "Links are to the versions I actually own.", "Still my favorite setup.", "Happy trails!"]
NO_CLOSER_SLOTS = 5        # of ~15 closer choices per level: about a third of descriptions have 2 sentences

TAGS: dict[str, tuple[str, ...]] = {   # 11 each (prime: start/step combinations give distinct tags)
    "hiking": ("hiking", "day-hike", "trail", "lightweight", "ten-essentials", "summit", "beginner-friendly",
               "weekend", "views", "fast-and-light", "family"),
    "backpacking": ("backpacking", "ultralight", "thru-hike", "multi-day", "base-weight", "overnight",
                    "section-hike", "gear-list", "wilderness", "long-trail", "budget"),
    "camping": ("camping", "car-camping", "family", "basecamp", "campground", "road-trip", "comfort",
                "camp-kitchen", "weekend", "glamping", "lakeside"),
    "climbing": ("climbing", "sport-climbing", "trad", "multi-pitch", "crag", "rack", "bouldering", "top-rope",
                 "rope", "outdoor-climbing", "alpine"),
    "photography": ("photography", "landscape", "astrophotography", "sunrise", "sunset", "camera-bag", "wildlife",
                    "mirrorless", "tripod", "filters", "adventure-photo"),
    "winter": ("winter", "mountaineering", "avalanche-safety", "ice-climbing", "snowshoeing", "ski-touring",
               "cold-weather", "alpine", "crampons", "backcountry", "summit"),
}
TAG_LENGTHS = (2, 3, 4)
DEFAULT_IMAGES_PER_SETUP = 2     # the old tool's default imagesPerSetup
# search words of real photos of a setup's activity (enableRealImages)
IMAGE_GEAR_KEYWORDS = {c: c.replace("_", "") for c in cat.GEAR_CATEGORIES} | {
    "sleep_system": "sleepingbag", "pack": "backpack", "footwear": "hikingboots", "clothing": "outdoorjacket",
    "cooking": "campstove", "hydration": "waterbottle", "lighting": "headlamp", "safety": "firstaid",
    "climbing_hardware": "carabiner", "rope": "climbingrope", "winter_traction": "crampons",
    "avalanche_safety": "avalanche"}
IMAGE_KEYWORDS = {"hiking": "hiking,trail", "backpacking": "backpacking,tent", "camping": "camping,campsite",
                  "climbing": "rockclimbing,cliff", "photography": "landscape,mountains", "winter": "mountaineering,snow"}
TAG_LENGTH_WEIGHTS = (0.30, 0.45, 0.25)

LOOKUP_ROWS = [   # the demo's six first, then finer-grained types
    ("day-hiking", "Day Hiking", "hiking"),
    ("backpacking", "Backpacking", "backpacking"),
    ("car-camping", "Car Camping", "camping"),
    ("rock-climbing", "Rock Climbing", "climbing"),
    ("landscape-photography", "Landscape Photography", "photography"),
    ("winter-mountaineering", "Winter Mountaineering", "winter"),
    ("thru-hiking", "Thru-Hiking", "backpacking"),
    ("ultralight-backpacking", "Ultralight Backpacking", "backpacking"),
    ("family-camping", "Family Camping", "camping"),
    ("sport-climbing", "Sport Climbing", "climbing"),
    ("trad-climbing", "Trad Climbing", "climbing"),
    ("astrophotography", "Astrophotography", "photography"),
    ("ice-climbing", "Ice Climbing", "winter"),
    ("ski-touring", "Ski Touring", "winter"),
    ("trail-running", "Trail Running", "hiking"),
]

PERSONAS = (
    Persona(
        key="outdoors-enthusiast", label="Outdoors Enthusiast", content_weight=1.0, share=1.3,
        activities=("hiking", "backpacking", "camping"), level_weights=(0.20, 0.45, 0.28, 0.07),
        bios=("Happiest somewhere without cell service.",
              "Weekends are for trails, weekdays are for planning the next one.",
              "Hiker, camper and chronic map collector.",
              "I'll take a muddy trail over a sunny beach any day.",
              "Trying to visit every national park before I turn 50.",
              "Always up for a sunrise summit if there's coffee after.",
              "Former city kid who found the mountains and never looked back."),
    ),
    Persona(
        key="gear-expert", label="Gear Expert", content_weight=1.6, share=0.7,
        activities=("backpacking", "climbing", "winter", "hiking"), level_weights=(0.08, 0.32, 0.38, 0.22),
        bios=("I test gear so you don't have to waste money on the wrong stuff.",
              "Ten years working the floor at an outdoor shop; ask me about tent fabrics.",
              "Spreadsheet person. Every gram and every dollar is accounted for.",
              "Gear reviewer, repair nerd and occasional warranty-claim expert.",
              "If it has a denier rating, I probably have an opinion about it.",
              "I've returned more gear than most people have bought. Honest reviews only.",
              "Helping friends pick their first tent is my favorite hobby."),
    ),
    Persona(
        key="adventure-photographer", label="Adventure Photographer", content_weight=1.1, share=0.8,
        activities=("photography", "hiking", "backpacking"), level_weights=(0.15, 0.45, 0.30, 0.10),
        bios=("Chasing light in wild places, usually with a tripod strapped to my pack.",
              "Landscape photographer. I hike so the photos have better views.",
              "Up at 4am for blue hour, napping by noon.",
              "Shooting mountains, glaciers and the occasional very patient marmot.",
              "Prints, workshops and far too many spare batteries.",
              "My camera bag weighs more than my tent and I'm fine with that.",
              "Astrophotography addict; I check the moon calendar before the weather."),
    ),
    Persona(
        key="weekend-warrior", label="Weekend Warrior", content_weight=0.7, share=1.5,
        activities=("hiking", "camping"), level_weights=(0.45, 0.40, 0.12, 0.03),
        bios=("Desk job Monday to Friday, trail time Saturday and Sunday.",
              "Still learning, still buying the wrong socks, still having a blast.",
              "Just trying to get outside more than I did last year.",
              "Weekend hikes, car camping and a lot of gas station snacks.",
              "I plan my whole week around the Saturday forecast.",
              "New to this but hooked. Tips welcome!",
              "Dad of two, occasional hiker, full-time snack carrier."),
    ),
    Persona(
        key="content-creator", label="Content Creator", content_weight=1.4, share=0.6,
        activities=("hiking", "camping", "photography", "backpacking"), level_weights=(0.30, 0.40, 0.22, 0.08),
        bios=("Sharing trail guides, gear breakdowns and the occasional bloopers reel.",
              "Making outdoor videos for people who want to start but don't know where.",
              "New video every Sunday: trips, gear and honest mistakes.",
              "Filming my way through every long trail I can find.",
              "I post the gear lists so you don't have to ask in the comments.",
              "Vlogger, hiker and professional over-packer of camera gear.",
              "Partnered with a few brands, but the opinions are always mine."),
    ),
    Persona(
        key="ultralight-backpacker", label="Ultralight Backpacker", content_weight=1.2, share=0.8,
        activities=("backpacking", "hiking"), level_weights=(0.05, 0.35, 0.42, 0.18),
        bios=("Base weight under 10 lb and still dropping.",
              "Thru-hiked the PCT and the CDT; now I cut the tags off everything.",
              "If it doesn't do two jobs, it stays home.",
              "Trail name: Grams. You can guess why.",
              "I own a kitchen scale solely for weighing gear.",
              "Quilt over sleeping bag, trail runners over boots, always.",
              "Section hiking the AT one long weekend at a time."),
    ),
    Persona(
        key="alpine-climber", label="Alpine Climber", content_weight=1.3, share=0.6,
        activities=("climbing", "winter", "backpacking"), level_weights=(0.02, 0.18, 0.42, 0.38),
        bios=("Alpine starts, long approaches and the occasional summit.",
              "Trad climber in summer, ice climber in winter, sore all year.",
              "Chasing ridgelines and splitter cracks.",
              "AMGA-trained, still learning something on every route.",
              "Happiest roped up on a long ridge with a good partner.",
              "Spent the last five winters on frozen waterfalls and loving it.",
              "Climbing since I was a kid; mountains since I could drive to them."),
    ),
)


class OutdoorDomain(Domain):
    name = "outdoor"
    content_tables = ("setups", "user_setups", "gear_setups")
    item_tables = ("gear_items", "setup_items", "items")
    lookup_tables = ("setup_types", "base_templates", "setup_templates")
    personas = PERSONAS
    activities = ACTIVITIES
    levels = DIFFICULTIES
    # extensions.outdoor.settings and imagesPerSetup/enableRealImages; a configured domain is a new object
    options = outdoor_settings.OutdoorSettings()
    images_per_content = DEFAULT_IMAGES_PER_SETUP
    real_images = False

    # ---- configuration ------------------------------------------------------------------------
    def configure(self, settings) -> "OutdoorDomain":
        """gearCategories, brands and priceRange restrict the catalog every setup draws from."""
        domain = self._derived(options=outdoor_settings.parse(settings, ACTIVITIES))
        domain._kit_variants            # computed now: settings that leave no gear fail before any row is written
        return domain

    def with_images(self, per_content: int, real: bool) -> "OutdoorDomain":
        return self._derived(images=(per_content, real))

    def _derived(self, *, options=None, images=None) -> "OutdoorDomain":
        domain = type(self)()           # a fresh object: cached catalogs and kits follow the new settings
        domain.options = options or self.options
        domain.images_per_content, domain.real_images = images or (self.images_per_content, self.real_images)
        return domain

    # ---- public API ---------------------------------------------------------------------------
    def lookup_rows(self) -> pl.DataFrame:
        slug, name, activity = zip(*LOOKUP_ROWS)
        return pl.DataFrame({"slug": list(slug), "name": list(name), "activity": list(activity)})

    def content(self, owners: pl.DataFrame, per_owner: int, seed: int) -> pl.DataFrame:
        return self._content(owners, per_owner, seed)[0]

    def items(self, content: pl.DataFrame, seed: int) -> pl.DataFrame:
        self.require(content, ("content_index", "activity", "currency"), "content")
        ci = content["content_index"].cast(pl.Int64).to_numpy()
        act = self.codes_of(content["activity"], ACTIVITIES, "activity")
        currency = self.codes_of(content["currency"], CURRENCIES, "currency")
        return self._items_frame(self._item_plan(ci, act, currency, seed))

    def content_with_items(self, owners: pl.DataFrame, per_owner: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
        """``content(...)`` and ``items(content)`` in one pass (the item plan is computed once)."""
        content, plan = self._content(owners, per_owner, seed)
        return content, self._items_frame(plan)

    # ---- internals ----------------------------------------------------------------------------
    def _content(self, owners: pl.DataFrame, per_owner: int, seed: int) -> tuple[pl.DataFrame, dict[str, np.ndarray]]:
        rows = self.expand(owners, per_owner, seed)
        ci = rows["content_index"]
        h = hash_rows(ci, seed, self.name, "content")
        act = self.choose_activity(rows["persona"], field(h, 0))
        level = self.choose_level(rows["persona"], field(h, 1), (0.25, 0.40, 0.25, 0.10))
        season = self._season_codes(act, field(h, 2))
        currency = pick_weighted(field(h, 3), CURRENCY_WEIGHTS)

        t = hash_rows(ci, seed, self.name, "text")
        text = self._text
        place = pick(field(t, 1), text["title"].dim_size("place", act))
        title_idx = text["title"].index(act, pick(field(t, 0), text["title"].n_templates[act]), place=place, season=season)
        opener = text["opener"].render(act, pick(field(t, 2), text["opener"].n_templates[act]), place=place, season=season)
        group = act * len(DIFFICULTIES) + level
        rest = text["rest"].render(group, pick(field(t, 3), text["rest"].n_templates[group]))

        m = hash_rows(ci, seed, self.name, "misc")
        created, updated = created_updated(hash_rows(ci, seed, self.name, "time"))

        plan = self._item_plan(ci, act, currency, seed)
        total_cents = sum_per_content(plan["price_cents"] * plan["quantity"], plan["lengths"])
        total_weight = sum_per_content(plan["weight"] * plan["quantity"], plan["lengths"])

        frame = pl.DataFrame({
            "owner_position": pl.Series(rows["owner_position"], dtype=pl.Int64),
            "content_index": pl.Series(ci, dtype=pl.Int64),
            "title": text["title"].texts.gather(title_idx),
            **slug_and_description(text["title"].slugs.gather(title_idx), rows["k"], opener, rest),
            "activity": pl.Series(ACTIVITIES, dtype=pl.String).gather(act),
            "difficulty": pl.Series(DIFFICULTIES, dtype=pl.String).gather(level),
            "season": pl.Series(SEASONS, dtype=pl.String).gather(season),
            "tags": self._tags.render(act, field(m, 0), field(m, 1)),
            "currency": pl.Series(CURRENCIES, dtype=pl.String).gather(currency),
            "is_public": pl.Series(frac(field(m, 2)) < PUBLIC_SHARE, dtype=pl.Boolean),
            **self._setup_images(ci, act, seed),
            "total_price": pl.Series(np.round(total_cents) / 100.0, dtype=pl.Float64),
            "total_weight_grams": pl.Series(np.round(total_weight).astype(np.int64), dtype=pl.Int64),
            "created_at": created,
            "updated_at": updated,
        })
        return frame.select(
            "owner_position", "content_index", "title",
            "slug",
            "description",
            "activity", "difficulty", "season", "tags", "currency", "is_public", "total_price",
            "total_weight_grams", "created_at", "updated_at", "image_url", "images",
        ), plan

    def _items_frame(self, plan: dict[str, np.ndarray]) -> pl.DataFrame:
        product = pl.Series(plan["product"])          # one index Series for all gathers (fast path)
        cat_ = self._catalog
        lengths = plan["lengths"]
        return pl.DataFrame({
            "content_position": pl.Series(np.repeat(np.arange(len(lengths), dtype=np.int64), lengths), dtype=pl.Int64),
            "position": pl.Series(plan["position"]).cast(pl.Int64),
            "item_index": pl.Series(plan["item_index"], dtype=pl.Int64),
            "name": cat_["name"].gather(product),
            "brand": cat_["brand"].gather(product),
            "category": cat_["category"].gather(product),
            "price": pl.Series(plan["price_cents"] / 100.0, dtype=pl.Float64),
            "weight_grams": pl.Series(plan["weight"], dtype=pl.Int64),
            "quantity": pl.Series(plan["quantity"], dtype=pl.Int64),
            "product_url": cat_["url"].gather(product),
            "notes": self._notes.gather(pl.Series(plan["note"])),
            "image_url": image_urls(plan["item_index"], 1, plan["seed"], real=self.real_images,
                                    keywords=cat_["image_keywords"].gather(product), kind="gear").list.first(),
        })

    def _setup_images(self, ci: np.ndarray, act: np.ndarray, seed: int) -> dict[str, pl.Series]:
        """images: imagesPerSetup URLs per setup (array columns); image_url: the first (a cover column)."""
        keywords = pl.Series([IMAGE_KEYWORDS[a] for a in ACTIVITIES], dtype=pl.String).gather(act)
        images = image_urls(ci, self.images_per_content, seed, real=self.real_images, keywords=keywords, kind="setup")
        return {"images": images, "image_url": images.list.first()}

    def _season_codes(self, act: np.ndarray, f: np.ndarray) -> np.ndarray:
        table = np.array([SEASON_WEIGHTS[a] for a in ACTIVITIES])
        return pick_weighted_rows(f, table, act)

    @cached_property
    def _text(self) -> dict[str, TextTable]:
        places = {a: [{"place": p, "the_place": prose} for p, prose in PLACES[a]] for a in ACTIVITIES}
        title = TextTable(ACTIVITIES, TITLES, [("place", places), ("season", SEASON_DIMS)], slugs=True)
        opener = TextTable(ACTIVITIES, OPENERS, [("place", places), ("season", SEASON_DIMS)])
        groups, rest = [], {}
        for a in ACTIVITIES:
            for level in DIFFICULTIES:
                key = f"{a}/{level}"
                groups.append(key)
                closers = CLOSERS[level] + GENERIC_CLOSERS + [""] * NO_CLOSER_SLOTS
                rest[key] = [f"{m} {c}".strip() for m in MIDDLES[a] for c in closers]
        return {"title": title, "opener": opener, "rest": TextTable(groups, rest)}

    @cached_property
    def _tags(self) -> TagTable:
        return TagTable(ACTIVITIES, TAGS, TAG_LENGTHS, TAG_LENGTH_WEIGHTS)

    @cached_property
    def _catalog(self) -> dict:
        """Product arrays plus (kind, system) -> product ranges, limited to the products the settings allow
        (brands, gear categories, price range); ``available`` marks the kinds that still have products and
        ``systems`` the camera systems with a body and lenses left."""
        kinds = list(cat.KIND_CATEGORY)
        options = self.options
        rows = []
        for entry in cat.PRODUCTS:
            brand, model, kind, price, weight = entry[:5]
            qmin, qmax = (entry[5], entry[6]) if len(entry) > 5 else (1, 1)
            system = entry[7] if len(entry) > 7 else 0
            if (options.brands is not None and brand not in options.brands) or \
                    (options.categories is not None and cat.KIND_CATEGORY[kind] not in options.categories) or \
                    (options.price_min is not None and price < options.price_min) or \
                    (options.price_max is not None and price > options.price_max):
                continue
            rows.append((brand, model, kinds.index(kind), price, weight, qmin, qmax, system))
        rows.sort(key=lambda r: (r[2], r[7]))          # group by kind, then camera system
        n_sys = len(cat.SYSTEMS)
        start = np.zeros((len(kinds), n_sys), dtype=np.int64)
        count = np.zeros((len(kinds), n_sys), dtype=np.int64)
        for i, r in enumerate(rows):
            if count[r[2], r[7]] == 0:
                start[r[2], r[7]] = i
            count[r[2], r[7]] += 1
        has_system = np.zeros(len(kinds), dtype=bool)   # from the whole catalog: filtering does not change it
        for entry in cat.PRODUCTS:
            if len(entry) > 7 and entry[7]:
                has_system[kinds.index(entry[2])] = True
        if not options.restricts:
            for k, kind in enumerate(kinds):
                if has_system[k]:
                    if count[k, 0] or (count[k, 1:] == 0).any():
                        raise ValueError(f"catalog kind {kind!r} must have products for every camera system")
                elif count[k, 0] == 0:
                    raise ValueError(f"catalog kind {kind!r} has no products")
        # a camera system is usable when every camera kind left has products for it (a body and its lenses)
        camera_kinds = [k for k in range(len(kinds)) if has_system[k] and count[k].sum()]
        systems = tuple(s for s in range(1, n_sys) if all(count[k, s] for k in camera_kinds))
        available = np.where(has_system, bool(systems) & (count.sum(axis=1) > 0), count[:, 0] > 0)

        def domain_of(brand: str) -> str:
            return cat.BRAND_DOMAINS.get(brand) or slug_text(brand).replace("-", "")

        categories = [cat.KIND_CATEGORY[kinds[r[2]]] for r in rows]
        price = np.array([round(r[3] * 100) for r in rows], dtype=np.float64)
        qmin = np.array([r[5] for r in rows], dtype=np.int64)
        qmax = np.array([r[6] for r in rows], dtype=np.int64)
        qstep = np.where(qmin >= 2, 2, 1)          # sets come in pairs: 2/4/6 screws, 6/8/10/12 draws
        return {
            "kinds": kinds, "available": available, "systems": systems or (1,),
            "start": start, "count": count, "has_system": has_system,
            "image_keywords": pl.Series([IMAGE_GEAR_KEYWORDS[c] for c in categories], dtype=pl.String),
            "name": pl.Series("name", [f"{r[0]} {r[1]}" for r in rows], dtype=pl.String),
            "brand": pl.Series("brand", [r[0] for r in rows], dtype=pl.String),
            "category": pl.Series("category", categories, dtype=pl.String),
            "category_code": np.array([cat.GEAR_CATEGORIES.index(c) for c in categories], dtype=np.int64),
            "url": pl.Series("product_url", [f"https://www.{domain_of(r[0])}.example/products/{slug_text(r[1])}"
                                             for r in rows], dtype=pl.String),
            "price_cents": price,
            "weight": np.array([r[4] for r in rows], dtype=np.int64),
            "weight_f": np.array([r[4] for r in rows], dtype=np.float64),
            "qmin": qmin, "qmax": qmax, "qstep": qstep, "qchoices": (qmax - qmin) // qstep + 1,
        }

    @cached_property
    def _kit_variants(self) -> dict[str, np.ndarray]:
        """Precomputed kit lists: for every (activity, item count, variant) the ordered item kinds.

        Slots are sampled without replacement by importance (Efraimidis-Spirakis keys from the
        counter hash, seed-independent), required slots always, then kept in kit order.
        """
        kinds, available = self._catalog["kinds"], self._catalog["available"]
        flat, starts, lengths = [], [], []
        usable = []
        for a in ACTIVITIES:
            # kinds without products under the settings leave their slot; a slot with no kind left goes
            slots = [(tuple(o for o in options if available[kinds.index(o)]), w) for options, w in cat.KITS[a]]
            slots = [(options, w) for options, w in slots if options]
            if self.options.activities is not None and a not in self.options.activities:
                slots = []
            if slots:
                usable.append(a)
            weights = np.array([w for _, w in slots], dtype=np.float64)
            required = weights >= 100
            for n in cat.ITEM_COUNTS:
                for v in range(KIT_VARIANTS):
                    u = rnd.uniform(np.arange(len(slots)), rnd.salt("outdoor-kit", a, n, v))
                    keys = np.where(required, -1.0, -np.log(np.maximum(u, 1e-12)) / weights)
                    chosen = np.sort(np.argsort(keys, kind="stable")[:n])
                    alt = rnd.choose(np.arange(len(slots)), rnd.salt("outdoor-kit-alt", a, n, v), 1 << 20)
                    starts.append(len(flat))
                    lengths.append(len(chosen))
                    for s in chosen:
                        options = slots[s][0]
                        flat.append(kinds.index(options[alt[s] % len(options)]))
        if not usable:
            raise ConfigError("extensions.outdoor.settings: no gear of the outdoor catalog fits gearCategories, "
                              "brands and priceRange together",
                              hint="widen priceRange, name more brands, or add gear categories")
        return {"flat": np.array(flat, dtype=np.int64), "start": np.array(starts, dtype=np.int64),
                "length": np.array(lengths, dtype=np.int64), "activities": tuple(usable)}

    def activity_weights(self) -> np.ndarray:
        """The persona weights, limited to the activities that have gear under the settings."""
        table = super().activity_weights()
        usable = self._kit_variants["activities"]
        if len(usable) == len(ACTIVITIES):
            return table
        table[:, [a not in usable for a in ACTIVITIES]] = 0.0
        empty = table.sum(axis=1) == 0          # a persona whose activities all went: any usable one
        table[np.ix_(empty, [a in usable for a in ACTIVITIES])] = 1.0
        return table

    @cached_property
    def _kit_lookup(self) -> dict[str, np.ndarray]:
        """Kit variants resolved per camera system: for each (variant, system) and position the
        catalog group (kind, system) whose product range the item draws from."""
        kit, catalog = self._kit_variants, self._catalog
        n_sys = len(cat.SYSTEMS)
        flat, position, starts, lengths = [], [], [], []
        for v in range(len(kit["start"])):
            kinds = kit["flat"][kit["start"][v]:kit["start"][v] + kit["length"][v]]
            for system in catalog["systems"]:
                starts.append(len(flat))
                lengths.append(len(kinds))
                flat.extend(int(k) * n_sys + (system if catalog["has_system"][k] else 0) for k in kinds)
                position.extend(range(1, len(kinds) + 1))
        return {"group": np.array(flat, dtype=np.int32), "position": np.array(position, dtype=np.int32),
                "start": np.array(starts, dtype=np.int64), "length": np.array(lengths, dtype=np.int64),
                "group_start": catalog["start"].reshape(-1).astype(np.int32),
                "group_count": catalog["count"].reshape(-1).astype(np.int32)}

    @cached_property
    def _item_tables(self) -> dict[str, np.ndarray]:
        """Per-product lookup tables indexed by (product, currency?, 8-bit random field), so that an
        item's price, weight, quantity and note are single gathers."""
        catalog = self._catalog
        n = len(catalog["weight"])
        u = (np.arange(256) + 0.5) / 256.0                                   # the 8-bit field as a fraction
        # price: (product, currency, 8-bit variation, 1-bit ending) -> cents
        base = catalog["price_cents"][:, None] * CURRENCY_FACTORS[None, :]    # (n, currencies)
        dollars = np.floor(base[:, :, None] * (0.90 + 0.20 * u)[None, None, :] / 100.0)
        cents = dollars[..., None] * 100.0 + np.array([95.0, 99.0])[None, None, None, :]
        if self.options.price_min is not None:   # priceRange: unit prices in the setup's currency stay inside
            high = np.inf if self.options.price_max is None else self.options.price_max * 100.0
            np.clip(cents, self.options.price_min * 100.0, high, out=cents)
        weight = np.maximum(np.rint(catalog["weight_f"][:, None] * (0.97 + 0.06 * u)[None, :]), 1).astype(np.int64)
        quantity = (catalog["qmin"][:, None]
                    + catalog["qstep"][:, None] * np.floor(u[None, :] * catalog["qchoices"][:, None]).astype(np.int64))
        # notes: ~50 % none, 25 % generic, 25 % about the item's category
        n_generic = len(cat.GENERIC_NOTES)
        counts = np.array([len(cat.CATEGORY_NOTES[c]) for c in cat.GEAR_CATEGORIES], dtype=np.int64)
        offsets = n_generic + np.concatenate([[0], np.cumsum(counts)[:-1]])
        code = catalog["category_code"][:, None]
        generic = np.minimum(((u - 0.5) * 4 * n_generic).astype(np.int64), n_generic - 1)[None, :]
        specific = offsets[code] + np.minimum(((u - 0.75)[None, :] * 4 * counts[code]).astype(np.int64), counts[code] - 1)
        note = np.where(u[None, :] < 0.5, n_generic + int(counts.sum()), np.where(u[None, :] < 0.75, generic, specific))
        return {"price": cents.reshape(-1), "weight": weight.reshape(-1), "quantity": quantity.reshape(-1),
                "note": note.reshape(n * 256).astype(np.int32)}

    def _item_plan(self, ci: np.ndarray, act: np.ndarray, currency: np.ndarray, seed: int) -> dict[str, np.ndarray]:
        """Numeric item rows for content rows (content_index, activity code, currency code).

        Per content row one hash picks the item count, the kit variant and the camera system; per
        item one hash split into fields picks the product (bits 0-15), the price variation (16-23)
        and ending (bit 24), weight (32-39), quantity (40-47) and note (48-55). Written to allocate
        as few large arrays as possible (int32 scratch, in-place ops, byte views of the hash).
        """
        kit, tables = self._kit_lookup, self._item_tables
        n_sys = len(self._catalog["systems"])
        hk = hash_rows(ci, seed, self.name, "kit")
        count_idx = pick_weighted(field(hk, 0), cat.ITEM_COUNT_WEIGHTS)
        variant = (act * len(cat.ITEM_COUNTS) + count_idx) * KIT_VARIANTS + pick(field(hk, 1), KIT_VARIANTS)
        variant = variant * n_sys + pick(field(hk, 2), n_sys)
        lengths = kit["length"][variant]
        total = int(lengths.sum())
        starts = np.cumsum(lengths) - lengths
        # row -> position in the kit tables: variant start + offset within the content
        flat = np.repeat((kit["start"][variant] - starts).astype(np.int32), lengths)
        flat += np.arange(total, dtype=np.int32)
        group = np.take(kit["group"], flat)
        position = np.take(kit["position"], flat, out=flat)                  # reuses flat's buffer
        item_index = np.repeat(ci * ITEM_STRIDE, lengths)
        item_index += position

        h = rnd.hash64(item_index, rnd.salt(seed, self.name, "item"))
        b = byte_fields(h)
        scratch = np.empty(total, dtype=np.int32)
        product = b16(h, 0).astype(np.int32)
        product *= np.take(kit["group_count"], group, out=scratch)
        product >>= 16
        product += np.take(kit["group_start"], group, out=scratch)
        del group
        key = product << 8
        key |= b[:, 4]
        weight = np.take(tables["weight"], key)
        key &= ~0xFF
        key |= b[:, 5]
        quantity = np.take(tables["quantity"], key)
        key &= ~0xFF
        key |= b[:, 6]
        note = np.take(tables["note"], key)
        np.multiply(product, len(CURRENCIES), out=key)
        key += np.repeat(currency.astype(np.int32), lengths)
        key <<= 9
        scratch[:] = b[:, 2]                                                  # ±10 % variation
        scratch <<= 1
        key |= scratch
        scratch[:] = b[:, 3]
        scratch &= 1                                                          # ends in .95 or .99
        key |= scratch
        price_cents = np.take(tables["price"], key)
        return {"lengths": lengths, "position": position, "item_index": item_index, "product": product,
                "price_cents": price_cents, "weight": weight, "quantity": quantity, "note": note, "seed": seed}

    @cached_property
    def _notes(self) -> pl.Series:
        values = list(cat.GENERIC_NOTES)
        for c in cat.GEAR_CATEGORIES:
            values.extend(cat.CATEGORY_NOTES[c])
        return pl.Series("notes", values + [None], dtype=pl.String)


DOMAINS = [OutdoorDomain()]
