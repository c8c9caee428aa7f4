"""SaaS domain: users own *projects* made of *tasks*.

Tables looked for: content ``projects``, items ``tasks``/``project_tasks``/``issues``, lookup
``project_templates``/``project_types``.

Logical columns of ``content(owners, per_owner, seed)`` (one row per project):

===================== =================================================================================
owner_position        Int64, row position of the owner in ``owners``
content_index         Int64, ``owner_index * 1000 + k``: globally unique, deterministic
title, name           the project name (same value; tables use either), e.g. "Billing API v3"
slug                  ``^[a-z0-9-]+$``, name slugified plus ``-k``: unique per owner
description           2-3 sentences about the goal, scope and how the work is run
activity              project category key (lookup link): engineering | infrastructure | product |
                      design | marketing | sales | operations | research
category              the category's display label ("Engineering")
status                planning | active | on_hold | completed | archived
priority              low | medium | high | urgent (persona-weighted)
color                 "#RRGGBB" from a UI palette
tags                  List(String), 2-4 distinct tags
is_public             Boolean, ~25 % true (visible to the whole workspace)
budget                Float64 (whole hundreds) or null (~40 %); currency: USD mostly, EUR, GBP
task_count            Int64, = number of its tasks
total_estimate_hours  Float64, = Σ tasks.estimate_hours
progress              Int64 0..100, = round(100 × done tasks / tasks)
due_at                Datetime(us), project deadline after created_at (may be past)
created_at            Datetime(us), within two years before 2026-06-30 12:00 (UTC)
updated_at            Datetime(us), >= created_at
===================== =================================================================================

Logical columns of ``items(content, seed)`` (one row per task, 3..10 per project):
content_position, position (1..n), item_index (content_index*16+position), title ("Add integration
tests for billing"), description (String, ~50 % null), status (todo | in_progress | done, shaped by
the project's status: completed projects have only done tasks), priority (low | medium | high |
urgent, shaped by the project's priority), estimate_hours (Float64: 0.5 .. 16), due_at (Datetime or
null), created_at (>= project created_at), updated_at (>= created_at), completed_at (set iff done).
Tasks depend only on (seed, content_index, activity, status, priority, created_at).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import polars as pl

from .base import (ANCHOR_US, DAY_US, created_updated, Domain, field, frac, hash_rows, item_rows, labels, Persona,
                   pick, pick_weighted, pick_weighted_rows, slug_and_description, sum_per_content, TagTable,
                   TextTable)

ACTIVITIES = ("engineering", "infrastructure", "product", "design", "marketing", "sales", "operations", "research")
CATEGORY_LABELS = ("Engineering", "Infrastructure", "Product", "Design", "Marketing", "Sales", "Operations",
                   "Research")
PRIORITIES = ("low", "medium", "high", "urgent")
PROJECT_STATUSES = ("planning", "active", "on_hold", "completed", "archived")
PROJECT_STATUS_WEIGHTS = (0.15, 0.50, 0.08, 0.20, 0.07)
TASK_STATUSES = ("todo", "in_progress", "done")
TASK_STATUS_WEIGHTS = {          # by project status
    "planning": (0.85, 0.10, 0.05),
    "active": (0.40, 0.25, 0.35),
    "on_hold": (0.50, 0.20, 0.30),
    "completed": (0.0, 0.0, 1.0),
    "archived": (0.10, 0.0, 0.90),
}
TASK_PRIORITY_WEIGHTS = {        # by project priority
    "low": (0.50, 0.35, 0.12, 0.03),
    "medium": (0.25, 0.45, 0.22, 0.08),
    "high": (0.12, 0.38, 0.38, 0.12),
    "urgent": (0.05, 0.25, 0.40, 0.30),
}
ESTIMATES = (0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0)
ESTIMATE_WEIGHTS = (0.06, 0.14, 0.20, 0.14, 0.16, 0.10, 0.10, 0.06, 0.04)
TASK_COUNTS = (3, 4, 5, 6, 7, 8, 9, 10)
TASK_COUNT_WEIGHTS = (0.10, 0.14, 0.17, 0.17, 0.14, 0.11, 0.09, 0.08)
CURRENCIES = ("USD", "EUR", "GBP")
CURRENCY_WEIGHTS = (0.80, 0.12, 0.08)
PUBLIC_SHARE = 0.25
COLORS = ("#4F46E5", "#0EA5E9", "#10B981", "#F59E0B", "#EF4444", "#8B5CF6", "#EC4899", "#14B8A6", "#64748B",
          "#F97316", "#22C55E", "#06B6D4")

COMPONENTS = ("billing", "search", "notifications", "onboarding", "checkout", "dashboard", "reporting", "webhooks",
              "auth", "analytics", "integrations", "admin console", "file uploads", "permissions", "invoicing",
              "scheduling")
PERIODS = [{"Quarter": q, "version": v, "year": y}
           for q, v, y in (("Q1", "2", "2026"), ("Q2", "3", "2026"), ("Q3", "2", "2025"), ("Q4", "4", "2025"))]
CODENAMES = ("Atlas", "Nimbus", "Helios", "Orion", "Phoenix", "Aurora", "Falcon", "Everest", "Polaris", "Zephyr",
             "Kestrel", "Juniper")

TITLES: dict[str, list[str]] = {
    "engineering": ["{Component} Service Rewrite", "{Component} API v{version}", "Migrate {component} to Postgres",
                    "Project {codename}: {Component} Overhaul", "Mobile App {Component} Refresh",
                    "{Quarter} {Component} Reliability Push", "Realtime {Component}", "{Component} Performance Sprint"],
    "infrastructure": ["Kubernetes Migration", "{Quarter} {year} Cost Reduction", "Observability Stack Upgrade",
                       "Zero-Downtime Deploys for {Component}", "Multi-Region Failover",
                       "Project {codename}: Infra Refresh", "Postgres Upgrade", "CI Pipeline Speedup",
                       "{Component} Autoscaling"],
    "product": ["{Component} Launch", "{Quarter} Roadmap: {Component}", "Self-Serve {Component}", "Project {codename}",
                "Onboarding Revamp", "Pricing Page Experiments", "{Component} Beta Program",
                "Customer Portal v{version}"],
    "design": ["Design System v{version}", "{Component} UX Refresh", "Dark Mode for {Component}",
               "Accessibility Audit", "Mobile {Component} Redesign", "Brand Refresh {year}",
               "{Component} Usability Study", "Project {codename}: New Navigation"],
    "marketing": ["{Quarter} Launch Campaign", "Website Relaunch", "{Component} Launch Campaign", "SEO Content Sprint",
                  "Customer Stories Series", "Webinar Program {year}", "Product Hunt Launch: {Component}",
                  "Newsletter Revamp"],
    "sales": ["{Quarter} Pipeline Push", "Enterprise Playbook", "CRM Cleanup", "Partner Program Launch",
              "Sales Enablement: {Component}", "Renewals Process {year}", "Outbound Sequences {Quarter}",
              "Project {codename}: Mid-Market Expansion"],
    "operations": ["SOC 2 Type II", "{Quarter} Hiring Plan", "Vendor Consolidation", "Support Process Overhaul",
                   "Office Move {year}", "Finance Close Automation", "Onboarding Handbook",
                   "Incident Response Runbooks"],
    "research": ["{Component} User Interviews", "{Quarter} Churn Analysis", "Competitive Analysis {year}",
                 "Pricing Research", "Jobs-To-Be-Done Study", "{Component} Discovery", "NPS Deep Dive",
                 "Project {codename}: Market Sizing"],
}

OPENERS: dict[str, list[str]] = {
    "engineering": ["We're rebuilding the {component} code path so it stops being the thing that pages us at night.",
                    "This project covers the {component} work we keep pushing to next sprint.",
                    "Goal: make {component} faster, simpler and properly tested.",
                    "Customers have been asking for better {component}, and this is the plan to ship it."],
    "infrastructure": ["This project tracks the infrastructure changes behind {component} and everything around it.",
                       "We want deploys to be boring again, starting with {component}.",
                       "The current setup for {component} won't survive another year of growth.",
                       "Cutting cloud spend without slowing anyone down, {component} first."],
    "product": ["Everything needed to get {component} in front of customers.",
                "This is the working space for the {component} initiative, from spec to launch.",
                "We're turning the {component} feedback from the last quarter into a plan.",
                "Scope, milestones and open questions for {component}."],
    "design": ["A focused pass on how {component} looks, reads and feels.",
               "We're cleaning up the {component} experience based on what users keep tripping over.",
               "This project collects the designs, reviews and handoff notes for {component}.",
               "Making {component} consistent with the rest of the product."],
    "marketing": ["The campaign plan for {component}, from messaging to launch day.",
                  "Everything marketing needs to tell the {component} story well.",
                  "We're building a steady drumbeat of content around {component}.",
                  "Launch checklist and assets for {component}."],
    "sales": ["Giving the sales team what they need to sell {component} with confidence.",
              "This project organizes the pipeline work around {component}.",
              "Playbooks, decks and follow-ups for deals that involve {component}.",
              "We're tightening the process from first call to signed contract."],
    "operations": ["Internal project to make {component} run smoothly behind the scenes.",
                   "This tracks the operational work nobody sees but everybody depends on.",
                   "Process, policy and tooling updates, starting with {component}.",
                   "We're writing down how things actually work so new people can ramp faster."],
    "research": ["Research into how customers really use {component}.",
                 "We're talking to customers before we build anything new in {component}.",
                 "This project collects interview notes, survey results and findings on {component}.",
                 "Figuring out what to build next, with {component} as the starting point."],
}
MIDDLES = ["Tasks are small on purpose so progress stays visible.",
           "Each milestone has an owner and a clear definition of done.",
           "We review status every Monday and adjust scope if needed.",
           "Anything blocked for more than two days gets raised in standup.",
           "Specs and decisions live in the linked doc.",
           "We're keeping scope tight and shipping in slices.",
           "Design, engineering and support are all involved from the start.",
           "Dependencies on other teams are called out in the task notes."]
CLOSERS = ["Questions go in the project channel.", "Feedback welcome at any point.",
           "Target is the end of the quarter.", "Ping the owner before picking up unassigned tasks.", "", "", ""]

TASKS: dict[str, list[str]] = {
    "engineering": ["Write migration for {component} tables", "Add integration tests for {component}",
                    "Fix flaky {component} test", "Review {component} API contract",
                    "Put {component} behind a feature flag", "Instrument {component} metrics",
                    "Update {component} docs", "Refactor {component} error handling", "Load test {component}",
                    "Ship {component} to 10% of users"],
    "infrastructure": ["Terraform module for {component}", "Set up alerts for {component}",
                       "Right-size {component} instances", "Add read replica for {component}",
                       "Write runbook for {component} failover", "Move {component} secrets to the vault",
                       "Enable autoscaling for {component}", "Cut over {component} DNS",
                       "Benchmark {component} before and after", "Decommission old {component} hosts"],
    "product": ["Write {component} spec", "Define success metrics for {component}", "Prioritize {component} backlog",
                "Review {component} designs", "Plan {component} beta cohort", "Draft {component} release notes",
                "Collect {component} feedback from sales", "Decide {component} pricing",
                "Sign off {component} launch checklist", "Demo {component} at all-hands"],
    "design": ["Wireframes for {component}", "High-fidelity mockups for {component}",
               "Prototype {component} flow", "Usability test {component}", "Update {component} components in Figma",
               "Write {component} copy", "Accessibility review of {component}", "Design QA for {component}",
               "Icon set for {component}", "Handoff {component} specs to engineering"],
    "marketing": ["Draft {component} announcement post", "Landing page for {component}",
                  "Email sequence for {component}", "Record {component} demo video",
                  "Social posts for {component} launch", "Brief PR agency on {component}",
                  "Update website screenshots for {component}", "Plan {component} webinar",
                  "Customer quote for {component}", "Report on {component} campaign results"],
    "sales": ["Update {component} pitch deck", "Write {component} battlecard", "Train team on {component}",
              "Follow up on {component} demo requests", "Clean up {component} opportunities in CRM",
              "Pricing FAQ for {component}", "Case study call about {component}",
              "Renewal plan for {component} customers", "Partner briefing on {component}",
              "Forecast {component} revenue"],
    "operations": ["Document {component} process", "Audit {component} access", "Compare {component} vendors",
                   "Set up {component} budget tracking", "Policy review for {component}",
                   "Automate {component} report", "Onboarding checklist for {component}",
                   "Collect {component} evidence for audit", "Renew {component} contract",
                   "Quarterly {component} review"],
    "research": ["Recruit participants for {component} interviews", "Interview guide for {component}",
                 "Run {component} interviews", "Synthesize {component} findings", "Survey on {component} usage",
                 "Analyze {component} funnel data", "Competitor teardown: {component}",
                 "Share {component} insights with the team", "Update {component} personas",
                 "Write {component} research summary"],
}
TASK_NOTES = ("Blocked on design review.", "See the spec linked in the project doc.",
              "Pair with whoever owns this area.", "Needs a decision from the project lead.",
              "Small one, good first task.", "Carry-over from last sprint.", "Waiting on the customer's reply.",
              "Split this if it grows past two days.", "Double-check with support before closing.",
              "Timebox to half a day.", None, None, None, None, None, None, None, None, None, None)

TAGS: dict[str, tuple[str, ...]] = {
    "engineering": ("backend", "frontend", "api", "tech-debt", "performance", "testing", "mobile"),
    "infrastructure": ("devops", "cloud", "reliability", "security", "cost", "observability", "ci-cd"),
    "product": ("roadmap", "launch", "beta", "feedback", "metrics", "pricing", "growth"),
    "design": ("ux", "ui", "design-system", "accessibility", "research", "prototype", "branding"),
    "marketing": ("campaign", "content", "seo", "launch", "email", "social", "webinar"),
    "sales": ("pipeline", "enterprise", "enablement", "crm", "renewals", "partners", "outbound"),
    "operations": ("process", "compliance", "hiring", "finance", "vendors", "support", "internal"),
    "research": ("interviews", "survey", "analysis", "insights", "discovery", "churn", "personas"),
}

LOOKUP_ROWS = [
    ("software-development", "Software Development", "engineering"),
    ("infrastructure-migration", "Infrastructure Migration", "infrastructure"),
    ("product-launch", "Product Launch", "product"),
    ("design-sprint", "Design Sprint", "design"),
    ("marketing-campaign", "Marketing Campaign", "marketing"),
    ("sales-pipeline", "Sales Pipeline", "sales"),
    ("operations-playbook", "Operations Playbook", "operations"),
    ("user-research", "User Research", "research"),
    ("bug-bash", "Bug Bash", "engineering"),
    ("website-redesign", "Website Redesign", "design"),
    ("okr-planning", "OKR Planning", "operations"),
    ("customer-onboarding", "Customer Onboarding", "sales"),
]

PERSONAS = (
    Persona(
        key="founder", label="Founder", content_weight=1.3, share=0.6,
        activities=("product", "sales", "operations"), level_weights=(0.08, 0.30, 0.40, 0.22),
        bios=("Building the tool I wished existed at my last job.",
              "Founder. Currently doing sales, support and payroll before lunch.",
              "Second-time founder, still learning something every week.",
              "Bootstrapped, profitable and slightly sleep deprived.",
              "I write the roadmap and the onboarding emails.",
              "Ex-engineer turned founder; I still sneak in a pull request now and then."),
    ),
    Persona(
        key="product-manager", label="Product Manager", content_weight=1.5, share=1.0,
        activities=("product", "research", "design"), level_weights=(0.12, 0.40, 0.35, 0.13),
        bios=("PM who believes most problems are communication problems.",
              "I turn customer complaints into roadmaps.",
              "Product manager, spreadsheet enthusiast, recovering perfectionist.",
              "Shipping small, learning fast, writing it all down.",
              "Ask me about our prioritization framework (please).",
              "Former support lead, now making sure we build the right thing."),
    ),
    Persona(
        key="engineer", label="Engineer", content_weight=1.0, share=1.6,
        activities=("engineering", "infrastructure"), level_weights=(0.20, 0.45, 0.27, 0.08),
        bios=("Backend engineer. I like boring technology and fast tests.",
              "Full-stack dev who still reads the Postgres release notes for fun.",
              "Writing code, deleting more code.",
              "On call this week, be nice.",
              "Infra by day, side projects by night.",
              "I care about good error messages more than is probably healthy."),
    ),
    Persona(
        key="designer", label="Designer", content_weight=0.9, share=0.8,
        activities=("design", "research", "product"), level_weights=(0.20, 0.45, 0.28, 0.07),
        bios=("Product designer. Pixels, prototypes and a lot of sticky notes.",
              "Making complicated things feel simple.",
              "Design systems nerd. Yes, I have opinions about spacing tokens.",
              "I sketch on paper first, always.",
              "Talking to users is my favorite part of the job.",
              "Accessibility advocate and type enthusiast."),
    ),
    Persona(
        key="consultant", label="Consultant", content_weight=1.2, share=0.6,
        activities=("operations", "marketing", "sales"), level_weights=(0.10, 0.40, 0.38, 0.12),
        bios=("Helping small teams get their operations in order.",
              "Independent consultant, usually juggling three clients and a newsletter.",
              "I set up the processes so founders can get back to building.",
              "Marketing ops and RevOps for B2B startups.",
              "Fractional COO. Checklists are my love language.",
              "I bill by the project, not the hour."),
    ),
)


if len({len(v) for v in TASKS.values()}) != 1 or len(TASKS[ACTIVITIES[0]]) < max(TASK_COUNTS):
    raise ValueError("every category needs the same number of task templates, at least max(TASK_COUNTS)")


class SaasDomain(Domain):
    name = "saas"
    content_tables = ("projects",)
    item_tables = ("tasks", "project_tasks", "issues")
    lookup_tables = ("project_templates", "project_types")
    personas = PERSONAS
    activities = ACTIVITIES
    levels = PRIORITIES

    def lookup_rows(self) -> pl.DataFrame:
        slug, name, activity = zip(*LOOKUP_ROWS)
        return pl.DataFrame({"slug": list(slug), "name": list(name), "activity": list(activity)})

    @cached_property
    def _text(self) -> dict:
        components = [{"component": c, "Component": c[0].upper() + c[1:]} for c in COMPONENTS]
        codenames = [{"codename": c} for c in CODENAMES]
        rest = {a: [f"{m} {c}".strip() for m in MIDDLES for c in CLOSERS] for a in ACTIVITIES}
        return {
            "title": TextTable(ACTIVITIES, TITLES, [("component", components), ("period", PERIODS),
                                                    ("codename", codenames)], slugs=True),
            "opener": TextTable(ACTIVITIES, OPENERS, [("component", components)]),
            "rest": TextTable(ACTIVITIES, rest),
            "task": TextTable(ACTIVITIES, TASKS, [("component", components)]),
            "tags": TagTable(ACTIVITIES, TAGS),
        }

    def _component(self, ci: np.ndarray, seed: int) -> np.ndarray:
        """The component a project is about (shared by its name, description and tasks)."""
        return pick(field(hash_rows(ci, seed, self.name, "component"), 0), len(COMPONENTS))

    def content(self, owners: pl.DataFrame, per_owner: int, seed: int) -> pl.DataFrame:
        rows = self.expand(owners, per_owner, seed)
        ci = rows["content_index"]
        text = self._text
        h = hash_rows(ci, seed, self.name, "content")
        act = self.choose_activity(rows["persona"], field(h, 0))
        priority = self.choose_level(rows["persona"], field(h, 1), (0.2, 0.45, 0.27, 0.08))
        status = pick_weighted(field(h, 2), PROJECT_STATUS_WEIGHTS)
        color = pick(field(h, 3), len(COLORS))
        component = self._component(ci, seed)
        t = hash_rows(ci, seed, self.name, "text")
        title_idx = text["title"].index(act, pick(field(t, 0), text["title"].n_templates[act]), component=component,
                                        period=pick(field(t, 1), len(PERIODS)),
                                        codename=pick(field(t, 2), len(CODENAMES)))
        opener = text["opener"].render(act, pick(field(t, 3), text["opener"].n_templates[act]), component=component)
        m = hash_rows(ci, seed, self.name, "misc")
        rest = text["rest"].render(act, pick(field(m, 0), text["rest"].n_templates[act]))
        has_budget = frac(field(m, 2)) >= 0.4
        budget = np.where(has_budget, (5 + pick(field(m, 3), 496)) * 100.0, np.nan)
        m2 = hash_rows(ci, seed, self.name, "misc2")
        created, updated = created_updated(hash_rows(ci, seed, self.name, "time"))
        created_us = created.cast(pl.Int64).to_numpy()
        due = created_us + (14 + pick(field(m2, 2), 170)) * DAY_US

        tasks = self._task_plan(ci, act, status, priority, created_us, seed)
        lengths = tasks["lengths"]
        done = sum_per_content((tasks["status"] == 2).astype(np.int64), lengths)
        hours = sum_per_content(tasks["estimate"], lengths)

        frame = pl.DataFrame({
            "owner_position": pl.Series(rows["owner_position"], dtype=pl.Int64),
            "content_index": pl.Series(ci, dtype=pl.Int64),
            "title": text["title"].texts.gather(title_idx),
            **slug_and_description(text["title"].slugs.gather(title_idx), rows["k"], opener, rest),
            "activity": labels(ACTIVITIES, act),
            "category": labels(CATEGORY_LABELS, act),
            "status": labels(PROJECT_STATUSES, status),
            "priority": labels(PRIORITIES, priority),
            "color": labels(COLORS, color),
            "tags": text["tags"].render(act, field(m, 1), field(m2, 0)),
            "is_public": pl.Series(frac(field(m2, 1)) < PUBLIC_SHARE, dtype=pl.Boolean),
            "budget": pl.Series(budget, dtype=pl.Float64, nan_to_null=True),
            "currency": labels(CURRENCIES, pick_weighted(field(m2, 3), CURRENCY_WEIGHTS)),
            "task_count": pl.Series(lengths, dtype=pl.Int64),
            "total_estimate_hours": pl.Series(hours, dtype=pl.Float64),
            "progress": pl.Series(np.rint(100.0 * done / np.maximum(lengths, 1)).astype(np.int64), dtype=pl.Int64),
            "due_at": pl.Series(due).cast(pl.Datetime("us")),
            "created_at": created,
            "updated_at": updated,
        })
        return frame.select(
            "owner_position", "content_index", "title", pl.col("title").alias("name"),
            "slug",
            "description",
            "activity", "category", "status", "priority", "color", "tags", "is_public", "budget", "currency",
            "task_count", "total_estimate_hours", "progress", "due_at", "created_at", "updated_at",
        )

    def _task_plan(self, ci: np.ndarray, act: np.ndarray, status: np.ndarray, priority: np.ndarray,
                   created_us: np.ndarray, seed: int) -> dict[str, np.ndarray]:
        hk = hash_rows(ci, seed, self.name, "task-count")
        lengths = np.asarray(TASK_COUNTS)[pick_weighted(field(hk, 0), TASK_COUNT_WEIGHTS)]
        rows = item_rows(ci, lengths)
        cp = rows["content_position"]
        h = hash_rows(rows["item_index"], seed, self.name, "task")
        status_table = np.array([TASK_STATUS_WEIGHTS[s] for s in PROJECT_STATUSES])
        priority_table = np.array([TASK_PRIORITY_WEIGHTS[p] for p in PRIORITIES])
        rows["lengths"] = lengths
        rows["status"] = pick_weighted_rows(field(h, 0), status_table, status[cp])
        rows["priority"] = pick_weighted_rows(field(h, 1), priority_table, priority[cp])
        rows["estimate"] = np.asarray(ESTIMATES)[pick_weighted(field(h, 4, 8), ESTIMATE_WEIGHTS, bits=8)]
        rows["h"] = h
        rows["project_created"] = created_us[cp]
        # task templates without repeats inside a project: start + j * step (mod n), step coprime with n
        n_templates = len(TASKS[ACTIVITIES[0]])
        steps = np.array([d for d in range(1, n_templates) if np.gcd(d, n_templates) == 1])
        start = pick(field(hk, 1), n_templates)[cp]
        step = steps[pick(field(hk, 2), len(steps))][cp]
        rows["template"] = (start + (rows["position"] - 1) * step) % n_templates
        return rows

    def items(self, content: pl.DataFrame, seed: int) -> pl.DataFrame:
        self.require(content, ("content_index", "activity", "status", "priority", "created_at"), "content")
        ci = content["content_index"].cast(pl.Int64).to_numpy()
        act = self.codes_of(content["activity"], ACTIVITIES, "activity")
        status = self.codes_of(content["status"], PROJECT_STATUSES, "status")
        priority = self.codes_of(content["priority"], PRIORITIES, "priority")
        created_us = content["created_at"].cast(pl.Datetime("us")).cast(pl.Int64).to_numpy()
        rows = self._task_plan(ci, act, status, priority, created_us, seed)
        cp, h = rows["content_position"], rows["h"]
        text = self._text
        g = act[cp]
        component = self._component(ci, seed)[cp]
        h2 = hash_rows(rows["item_index"], seed, self.name, "task-text")
        title = text["task"].render(g, rows["template"], component=component)
        notes = pl.Series("description", list(TASK_NOTES), dtype=pl.String).gather(pick(field(h2, 1), len(TASK_NOTES)))
        # created: after the project, within its first months; the rest follows from it
        start = rows["project_created"]
        room = np.maximum(np.minimum(ANCHOR_US - start, 150 * DAY_US), 0)
        created = start + (frac(field(h, 3)) ** 1.5 * room).astype(np.int64) // 1_000_000 * 1_000_000   # bits 48..63
        done = rows["status"] == 2
        finish_room = np.maximum(np.minimum(ANCHOR_US - created, 60 * DAY_US), 0)
        finished = created + (frac(field(h2, 4, 8), 8) * finish_room).astype(np.int64) // 1_000_000 * 1_000_000
        completed = np.where(done, finished, np.iinfo(np.int64).min)
        touched = created + (frac(field(h2, 5, 8), 8) * np.minimum(ANCHOR_US - created, 20 * DAY_US)).astype(np.int64)
        updated = np.where(done, finished, touched // 1_000_000 * 1_000_000)
        due_days = 2 + pick(field(h2, 6, 8), 40, bits=8)
        has_due = frac(field(h, 5, 8), 8) < 0.8
        due = np.where(has_due, created + due_days * DAY_US, np.iinfo(np.int64).min)
        return pl.DataFrame({
            "content_position": pl.Series(cp, dtype=pl.Int64),
            "position": pl.Series(rows["position"], dtype=pl.Int64),
            "item_index": pl.Series(rows["item_index"], dtype=pl.Int64),
            "title": title,
            "description": notes,
            "status": labels(TASK_STATUSES, rows["status"]),
            "priority": labels(PRIORITIES, rows["priority"]),
            "estimate_hours": pl.Series(rows["estimate"], dtype=pl.Float64),
            "due_at": _nullable_datetime(due),
            "created_at": pl.Series(created).cast(pl.Datetime("us")),
            "updated_at": pl.Series(updated).cast(pl.Datetime("us")),
            "completed_at": _nullable_datetime(completed),
        })


def _nullable_datetime(micros: np.ndarray) -> pl.Series:
    """int64 microseconds with int64.min as "null" -> Datetime(us) with nulls."""
    values = pl.Series(micros, dtype=pl.Int64)
    return pl.select(pl.when(values != np.iinfo(np.int64).min).then(values)).to_series().cast(pl.Datetime("us"))


DOMAINS = [SaasDomain()]
