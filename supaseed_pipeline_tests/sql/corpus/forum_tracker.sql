-- Corpus fixture: a developer community in the style of two Rails apps on PostgreSQL (written for supaseed,
-- not copied): a Discourse-like forum (after discourse/discourse db/structure.sql and its migrations: topics,
-- posts numbered per topic, users with username_lower, nested categories with slugs, topic_users,
-- post_actions over the post_action_types lookup, user_actions, notifications, tags / topic_tags) and a
-- GitLab-like tracker (after gitlabhq/gitlabhq db/schema.rb / db/structure.sql: namespaces, projects, issues
-- and merge_requests numbered per project by `iid`, milestones, labels, polymorphic label_links and notes).
-- Plain PostgreSQL, no auth schema; both halves share the users table.
-- Patterns: bigserial ids (one integer lookup id); per-parent sequence numbers unique with their parent that
-- the app numbers 1, 2, 3 within each parent ((topic_id, post_number), (project_id, iid),
-- (target_project_id, iid)); counter caches (posts_count, reply_count, views, like_count, topic_count) with
-- CHECK >= 0; lock_version integer not null default 0; STI `type` columns (namespaces User/Group, labels
-- ProjectLabel/GroupLabel, notes NULL/DiscussionNote/DiffNote); username_lower that must equal
-- lower(username); deleted_at soft deletes and partial unique indexes on live rows; expression unique indexes
-- (COALESCE(parent_category_id, -1), slug) and lower(name); jsonb custom_fields; created_at / updated_at NOT
-- NULL without defaults (Rails sets them); a category self-FK and a categories <-> topics cycle through a
-- nullable FK; smallint enumerations by CHECK (notification_level, post_type, state_id).
-- Rows the user already has: the post_action_types lookup, the `system` admin (id -1, as Discourse seeds it),
-- the 'Uncategorized' category and the welcome topic with its first post.

-- ---------------------------------------------------------------- forum

create table public.post_action_types (
    id         integer primary key,
    name_key   varchar(50) not null unique,
    is_flag    boolean not null default false,
    icon       varchar(20),
    position   integer not null default 0,
    created_at timestamp without time zone not null,
    updated_at timestamp without time zone not null
);

create table public.users (
    id              bigserial primary key,
    username        varchar(60) not null,
    username_lower  varchar(60) not null,
    name            varchar(255),
    admin           boolean not null default false,
    moderator       boolean not null default false,
    trust_level     smallint not null default 0 check (trust_level between 0 and 4),
    active          boolean not null default false,
    staged          boolean not null default false,
    locale          varchar(10),
    last_seen_at    timestamp without time zone,
    last_posted_at  timestamp without time zone,
    suspended_till  timestamp without time zone,
    post_count      integer not null default 0 check (post_count >= 0),
    topic_count     integer not null default 0 check (topic_count >= 0),
    custom_fields   jsonb not null default '{}'::jsonb,
    created_at      timestamp without time zone not null,
    updated_at      timestamp without time zone not null,
    constraint users_username_lower_matches check (username_lower = lower(username)),
    constraint users_username_format check (char_length(username) between 3 and 20
                                            and username ~ '^[A-Za-z0-9_][A-Za-z0-9_.-]*$')
);
create unique index index_users_on_username on public.users (username);
create unique index index_users_on_username_lower on public.users (username_lower);
create index index_users_on_last_posted_at on public.users (last_posted_at);

-- one primary address per user; the address is unique case-insensitively
create table public.user_emails (
    id         bigserial primary key,
    user_id    bigint not null references public.users on delete cascade,
    email      varchar(513) not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    "primary"  boolean not null default false,
    created_at timestamp without time zone not null,
    updated_at timestamp without time zone not null
);
create unique index index_user_emails_on_email on public.user_emails (lower(email));
create unique index index_user_emails_on_user_id_and_primary on public.user_emails (user_id) where "primary";

create table public.categories (
    id                 bigserial primary key,
    name               varchar(50) not null,
    slug               varchar(255) not null check (slug = lower(slug)),
    color              varchar(6) not null default '0088CC' check (color ~ '^[0-9A-Fa-f]{6}$'),
    text_color         varchar(6) not null default 'FFFFFF' check (text_color ~ '^[0-9A-Fa-f]{6}$'),
    description        text,
    parent_category_id bigint references public.categories on delete set null,
    user_id            bigint not null references public.users,
    topic_id           bigint,          -- the "About this category" topic, added below (cycle with topics)
    position           integer,
    read_restricted    boolean not null default false,
    topic_count        integer not null default 0 check (topic_count >= 0),
    post_count         integer not null default 0 check (post_count >= 0),
    created_at         timestamp without time zone not null,
    updated_at         timestamp without time zone not null,
    constraint categories_not_own_parent check (parent_category_id is null or parent_category_id <> id)
);
create unique index unique_index_categories_on_slug on public.categories (coalesce(parent_category_id, -1), slug)
    where slug <> '';
create unique index unique_index_categories_on_name on public.categories (coalesce(parent_category_id, -1), name);

create table public.topics (
    id                  bigserial primary key,
    title               varchar(255) not null,
    fancy_title         varchar(400),
    slug                varchar(255) not null,
    user_id             bigint references public.users on delete set null,
    last_post_user_id   bigint not null references public.users,
    category_id         bigint references public.categories on delete set null,
    archetype           varchar(255) not null default 'regular'
                        check (archetype in ('regular', 'private_message', 'banner')),
    posts_count         integer not null default 0 check (posts_count >= 0),
    reply_count         integer not null default 0 check (reply_count >= 0),
    highest_post_number integer not null default 0 check (highest_post_number >= 0),
    views               integer not null default 0 check (views >= 0),
    like_count          integer not null default 0 check (like_count >= 0),
    participant_count   integer not null default 1 check (participant_count >= 0),
    last_posted_at      timestamp without time zone,
    bumped_at           timestamp without time zone not null,
    pinned_at           timestamp without time zone,
    visible             boolean not null default true,
    closed              boolean not null default false,
    archived            boolean not null default false,
    deleted_at          timestamp without time zone,
    deleted_by_id       bigint references public.users on delete set null,
    custom_fields       jsonb not null default '{}'::jsonb,
    created_at          timestamp without time zone not null,
    updated_at          timestamp without time zone not null,
    constraint topics_numbers_cover_posts check (posts_count <= highest_post_number),
    constraint topics_messages_have_no_category check (archetype <> 'private_message' or category_id is null)
);
create index index_topics_on_bumped_at on public.topics (bumped_at desc);
create index idx_topics_front_page on public.topics (deleted_at, visible, archetype, category_id, id);

alter table public.categories add constraint categories_topic_id_fkey
    foreign key (topic_id) references public.topics on delete set null;

create table public.posts (
    id                   bigserial primary key,
    user_id              bigint references public.users on delete set null,
    topic_id             bigint not null references public.topics on delete cascade,
    post_number          integer not null check (post_number > 0),
    raw                  text not null,
    cooked               text not null,
    reply_to_post_number integer,
    reply_count          integer not null default 0 check (reply_count >= 0),
    quote_count          integer not null default 0 check (quote_count >= 0),
    like_count           integer not null default 0 check (like_count >= 0),
    reads                integer not null default 0 check (reads >= 0),
    post_type            smallint not null default 1 check (post_type in (1, 2, 3, 4)),
    version              integer not null default 1 check (version >= 1),
    last_editor_id       bigint references public.users on delete set null,
    hidden               boolean not null default false,
    wiki                 boolean not null default false,
    deleted_at           timestamp without time zone,
    created_at           timestamp without time zone not null,
    updated_at           timestamp without time zone not null,
    constraint posts_reply_to_an_earlier_post check (reply_to_post_number is null
                                                     or reply_to_post_number < post_number)
);
create unique index index_posts_on_topic_id_and_post_number on public.posts (topic_id, post_number);
create index index_posts_on_user_id_and_created_at on public.posts (user_id, created_at);

create table public.topic_users (
    id                       bigserial primary key,
    user_id                  bigint not null references public.users on delete cascade,
    topic_id                 bigint not null references public.topics on delete cascade,
    posted                   boolean not null default false,
    last_read_post_number    integer,
    notification_level       smallint not null default 1 check (notification_level in (0, 1, 2, 3)),
    notifications_reason_id  smallint,
    first_visited_at         timestamp without time zone,
    last_visited_at          timestamp without time zone,
    total_msecs_viewed       integer not null default 0 check (total_msecs_viewed >= 0),
    liked                    boolean not null default false,
    bookmarked               boolean not null default false,
    constraint topic_users_user_id_topic_id_key unique (user_id, topic_id)
);

create table public.post_actions (
    id                  bigserial primary key,
    post_id             bigint not null references public.posts on delete cascade,
    user_id             bigint not null references public.users on delete cascade,
    post_action_type_id integer not null references public.post_action_types,
    deleted_at          timestamp without time zone,
    deleted_by_id       bigint references public.users on delete set null,
    staff_took_action   boolean not null default false,
    targets_topic       boolean not null default false,
    created_at          timestamp without time zone not null,
    updated_at          timestamp without time zone not null
);
-- one live like / flag / bookmark of a kind per user and post
create unique index idx_unique_actions on public.post_actions (user_id, post_id, post_action_type_id)
    where deleted_at is null;
create index index_post_actions_on_post_id on public.post_actions (post_id);

-- the activity stream: 1 like, 2 was liked, 4 new topic, 5 reply, 6 response, 7 mention, 9 quote, 11 edit,
-- 12 new private message, 13 got private message
create table public.user_actions (
    id              bigserial primary key,
    action_type     integer not null check (action_type in (1, 2, 4, 5, 6, 7, 9, 11, 12, 13)),
    user_id         bigint not null references public.users on delete cascade,
    target_topic_id bigint references public.topics on delete cascade,
    target_post_id  bigint references public.posts on delete cascade,
    acting_user_id  bigint references public.users on delete set null,
    created_at      timestamp without time zone not null,
    updated_at      timestamp without time zone not null
);
create unique index idx_unique_rows on public.user_actions
    (action_type, user_id, target_topic_id, target_post_id, acting_user_id);

create table public.notifications (
    id                bigserial primary key,
    notification_type integer not null check (notification_type between 1 and 38),
    user_id           bigint not null references public.users on delete cascade,
    data              jsonb not null,
    read              boolean not null default false,
    high_priority     boolean not null default false,
    topic_id          bigint references public.topics on delete cascade,
    post_number       integer,
    post_action_id    bigint references public.post_actions on delete set null,
    created_at        timestamp without time zone not null,
    updated_at        timestamp without time zone not null,
    constraint notifications_post_number_needs_topic check (post_number is null or topic_id is not null)
);
create index index_notifications_on_user_id_and_created_at on public.notifications (user_id, created_at);

create table public.tags (
    id             bigserial primary key,
    name           varchar(100) not null,
    description    varchar(1000),
    topic_count    integer not null default 0 check (topic_count >= 0),
    pm_topic_count integer not null default 0 check (pm_topic_count >= 0),
    created_at     timestamp without time zone not null,
    updated_at     timestamp without time zone not null
);
create unique index index_tags_on_lower_name on public.tags (lower(name));

create table public.topic_tags (
    id         bigserial primary key,
    topic_id   bigint not null references public.topics on delete cascade,
    tag_id     bigint not null references public.tags on delete cascade,
    created_at timestamp without time zone not null,
    updated_at timestamp without time zone not null,
    constraint topic_tags_topic_id_tag_id_key unique (topic_id, tag_id)
);

-- ---------------------------------------------------------------- tracker

-- STI: a User namespace is a person's personal space, a Group may nest in another group
create table public.namespaces (
    id               bigserial primary key,
    name             varchar(255) not null,
    path             varchar(255) not null check (path ~ '^[A-Za-z0-9_][A-Za-z0-9_.-]*$'),
    type             varchar(255) not null check (type in ('User', 'Group')),
    owner_id         bigint references public.users on delete cascade,
    parent_id        bigint references public.namespaces on delete cascade,
    description      varchar(255) not null default '',
    visibility_level integer not null default 20 check (visibility_level in (0, 10, 20)),
    created_at       timestamp with time zone not null,
    updated_at       timestamp with time zone not null,
    constraint namespaces_only_groups_nest check (type = 'Group' or parent_id is null),
    constraint namespaces_user_has_owner check (type <> 'User' or owner_id is not null),
    constraint namespaces_parent_id_path_key unique (parent_id, path)
);
create unique index index_namespaces_on_top_level_path on public.namespaces (lower(path)) where parent_id is null;
create unique index index_namespaces_on_owner_id_user on public.namespaces (owner_id) where type = 'User';

create table public.projects (
    id                bigserial primary key,
    name              varchar(255) not null,
    path              varchar(255) not null check (path ~ '^[A-Za-z0-9_][A-Za-z0-9_.-]*$'),
    namespace_id      bigint not null references public.namespaces on delete cascade,
    creator_id        bigint references public.users on delete set null,
    description       text,
    default_branch    varchar(255) not null default 'main',
    visibility_level  integer not null default 0 check (visibility_level in (0, 10, 20)),
    archived          boolean not null default false,
    star_count        integer not null default 0 check (star_count >= 0),
    last_activity_at  timestamp with time zone,
    created_at        timestamp with time zone not null,
    updated_at        timestamp with time zone not null,
    constraint projects_namespace_id_path_key unique (namespace_id, path)
);

create table public.milestones (
    id          bigserial primary key,
    project_id  bigint not null references public.projects on delete cascade,
    iid         integer not null check (iid > 0),
    title       varchar(255) not null,
    description text,
    state       varchar(255) not null default 'active' check (state in ('active', 'closed')),
    start_date  date,
    due_date    date,
    created_at  timestamp with time zone not null,
    updated_at  timestamp with time zone not null,
    constraint milestones_project_id_iid_key unique (project_id, iid),
    constraint milestones_project_id_title_key unique (project_id, title),
    constraint milestones_dates_in_order check (start_date is null or due_date is null or due_date >= start_date)
);

create table public.issues (
    id                bigserial primary key,
    project_id        bigint not null references public.projects on delete cascade,
    iid               integer not null check (iid > 0),
    author_id         bigint references public.users on delete set null,
    title             varchar(255) not null,
    description       text,
    -- 1 opened, 2 closed
    state_id          smallint not null default 1 check (state_id in (1, 2)),
    -- 0 issue, 1 incident, 2 test case, 3 requirement, 4 task
    issue_type        smallint not null default 0 check (issue_type between 0 and 4),
    milestone_id      bigint references public.milestones on delete set null,
    confidential      boolean not null default false,
    due_date          date,
    weight            integer check (weight >= 0),
    relative_position integer,
    upvotes_count     integer not null default 0 check (upvotes_count >= 0),
    closed_at         timestamp with time zone,
    closed_by_id      bigint references public.users on delete set null,
    lock_version      integer not null default 0,
    created_at        timestamp with time zone not null,
    updated_at        timestamp with time zone not null,
    constraint issues_project_id_iid_key unique (project_id, iid),
    constraint issues_closed_only_when_closed check (closed_at is null or state_id = 2),
    constraint issues_closed_after_created check (closed_at is null or closed_at >= created_at)
);
create index index_issues_on_project_id_and_state_id on public.issues (project_id, state_id, created_at, id);

create table public.issue_assignees (
    issue_id bigint not null references public.issues on delete cascade,
    user_id  bigint not null references public.users on delete cascade,
    primary key (issue_id, user_id)
);

create table public.merge_requests (
    id                bigserial primary key,
    target_project_id bigint not null references public.projects on delete cascade,
    source_project_id bigint not null references public.projects on delete cascade,
    iid               integer not null check (iid > 0),
    source_branch     varchar(255) not null,
    target_branch     varchar(255) not null,
    title             varchar(255) not null,
    description       text,
    author_id         bigint references public.users on delete set null,
    -- 1 opened, 2 closed, 3 merged, 4 locked
    state_id          smallint not null default 1 check (state_id in (1, 2, 3, 4)),
    merge_status      varchar(255) not null default 'unchecked'
                      check (merge_status in ('unchecked', 'checking', 'can_be_merged', 'cannot_be_merged')),
    merge_commit_sha  varchar(40) check (merge_commit_sha ~ '^[0-9a-f]{40}$'),
    milestone_id      bigint references public.milestones on delete set null,
    draft             boolean not null default false,
    squash            boolean not null default false,
    lock_version      integer not null default 0,
    created_at        timestamp with time zone not null,
    updated_at        timestamp with time zone not null,
    constraint merge_requests_target_project_id_iid_key unique (target_project_id, iid),
    constraint merge_requests_distinct_branches check (source_project_id <> target_project_id
                                                       or source_branch <> target_branch),
    constraint merge_requests_sha_only_when_merged check (merge_commit_sha is null or state_id = 3)
);
create index index_merge_requests_on_source_project_id_and_source_branch
    on public.merge_requests (source_project_id, source_branch);

-- STI: a ProjectLabel belongs to a project, a GroupLabel to a group namespace
create table public.labels (
    id          bigserial primary key,
    type        varchar(255) not null check (type in ('ProjectLabel', 'GroupLabel')),
    title       varchar(255) not null,
    color       varchar(7) not null check (color ~ '^#[0-9A-Fa-f]{6}$'),
    description varchar(255),
    project_id  bigint references public.projects on delete cascade,
    group_id    bigint references public.namespaces on delete cascade,
    created_at  timestamp with time zone not null,
    updated_at  timestamp with time zone not null,
    constraint labels_owner_matches_type check (
        (type = 'ProjectLabel' and project_id is not null and group_id is null)
        or (type = 'GroupLabel' and group_id is not null and project_id is null))
);
create unique index index_labels_on_project_id_and_title on public.labels (project_id, title) where project_id is not null;
create unique index index_labels_on_group_id_and_title on public.labels (group_id, title) where group_id is not null;

-- polymorphic: target_id is an issues.id or a merge_requests.id depending on target_type (no FK)
create table public.label_links (
    id          bigserial primary key,
    label_id    bigint not null references public.labels on delete cascade,
    target_type varchar(255) not null check (target_type in ('Issue', 'MergeRequest')),
    target_id   bigint not null,
    created_at  timestamp with time zone not null,
    updated_at  timestamp with time zone not null
);
create unique index index_label_links_on_label_and_target on public.label_links (label_id, target_type, target_id);
create index index_label_links_on_target_id_and_target_type on public.label_links (target_id, target_type);

-- polymorphic and STI: a comment on an issue or merge request; DiffNotes sit on a line of a merge request
create table public.notes (
    id             bigserial primary key,
    type           varchar(255) check (type in ('DiscussionNote', 'DiffNote')),
    note           text not null,
    noteable_type  varchar(255) not null check (noteable_type in ('Issue', 'MergeRequest')),
    noteable_id    bigint not null,
    project_id     bigint not null references public.projects on delete cascade,
    author_id      bigint references public.users on delete set null,
    discussion_id  varchar(40) check (discussion_id ~ '^[0-9a-f]{40}$'),
    system         boolean not null default false,
    internal       boolean not null default false,
    position       jsonb,
    resolved_at    timestamp with time zone,
    resolved_by_id bigint references public.users on delete set null,
    lock_version   integer not null default 0,
    created_at     timestamp with time zone not null,
    updated_at     timestamp with time zone not null,
    constraint notes_diff_notes_on_merge_requests check (type is distinct from 'DiffNote'
                                                         or noteable_type = 'MergeRequest'),
    constraint notes_position_only_on_diff_notes check (position is null or type = 'DiffNote')
);
create index index_notes_on_noteable_id_and_noteable_type on public.notes (noteable_id, noteable_type);

-- ---------------------------------------------------------------- rows the user already has

insert into public.post_action_types (id, name_key, is_flag, icon, position, created_at, updated_at) values
    (1, 'bookmark', false, null, 1, '2023-05-04 09:12:00', '2023-05-04 09:12:00'),
    (2, 'like', false, 'heart', 2, '2023-05-04 09:12:00', '2023-05-04 09:12:00'),
    (3, 'off_topic', true, null, 3, '2023-05-04 09:12:00', '2023-05-04 09:12:00'),
    (4, 'inappropriate', true, null, 4, '2023-05-04 09:12:00', '2023-05-04 09:12:00'),
    (6, 'notify_user', true, null, 6, '2023-05-04 09:12:00', '2023-05-04 09:12:00'),
    (7, 'notify_moderators', true, null, 7, '2023-05-04 09:12:00', '2023-05-04 09:12:00'),
    (8, 'spam', true, null, 8, '2023-05-04 09:12:00', '2023-05-04 09:12:00');

insert into public.users (id, username, username_lower, name, admin, moderator, trust_level, active,
                          post_count, topic_count, created_at, updated_at) values
    (-1, 'system', 'system', 'system', true, true, 4, true, 1, 1, '2023-05-04 09:12:00', '2023-05-04 09:12:00');

insert into public.categories (name, slug, color, text_color, description, user_id, position, topic_count,
                               post_count, created_at, updated_at) values
    ('Uncategorized', 'uncategorized', '0088CC', 'FFFFFF',
     'Topics that don''t need a category, or don''t fit into any other existing category.', -1, 0, 1, 1,
     '2023-05-04 09:12:00', '2023-05-04 09:12:00');

insert into public.topics (title, fancy_title, slug, user_id, last_post_user_id, category_id, posts_count,
                           highest_post_number, views, participant_count, last_posted_at, bumped_at, pinned_at,
                           created_at, updated_at)
    select 'Welcome to the community forum', 'Welcome to the community forum', 'welcome-to-the-community-forum',
           -1, -1, c.id, 1, 1, 42, 1, '2023-05-04 09:12:05', '2023-05-04 09:12:05', '2023-05-04 09:12:05',
           '2023-05-04 09:12:05', '2023-05-04 09:12:05'
    from public.categories c where c.slug = 'uncategorized';

insert into public.posts (user_id, topic_id, post_number, raw, cooked, reads, created_at, updated_at)
    select -1, t.id, 1,
           'This is the place to ask questions, share what you build and meet the team. Read the guidelines first.',
           '<p>This is the place to ask questions, share what you build and meet the team. Read the guidelines first.</p>',
           42, '2023-05-04 09:12:05', '2023-05-04 09:12:05'
    from public.topics t where t.slug = 'welcome-to-the-community-forum';
