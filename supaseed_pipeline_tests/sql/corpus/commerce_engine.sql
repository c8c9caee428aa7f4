-- Corpus fixture: the core of a headless-commerce backend on plain PostgreSQL, after the patterns the open-source
-- engines share: Medusa (medusajs/medusa: packages/medusa/src/migrations, the v1 TypeORM initial schema and its
-- soft-delete index migrations, and the v2 MikroORM module migrations), Saleor (channel listings, prices per
-- currency) and Vendure (product -> option group -> option, variant <-> option junction). Written for supaseed,
-- not copied. No auth schema.
-- Patterns: text primary keys with a type prefix and a time-ordered ULID-like suffix made by a DEFAULT
-- (public.generate_id('prod') -> 'prod_018F3C...'), orders and regions whose ids the application supplies (no
-- default); soft deletes (`deleted_at timestamptz`) with unique indexes WHERE deleted_at IS NULL (product handle,
-- variant sku and barcode, customer email, option title per product, option value per option); products ->
-- product_options -> product_option_values; product_variants with a product_variant_options junction to option
-- values (composite key); integer-cent prices unique per (variant_id, currency_code) in a lowercase char(3)
-- currency that references a currencies lookup the store already has (usd, eur, gbp); regions with a tax_rate
-- numeric CHECK between 0 and 1; customers with has_account and a billing address (customers <-> addresses form
-- a cycle, as in Medusa); carts -> line_items with quantity > 0, unit_price >= 0 and fulfilled/returned/shipped
-- quantities bounded by quantity; orders with a serial display_id and status / fulfillment / payment enums;
-- products <-> sales_channels many-to-many; nullable jsonb metadata and created_at/updated_at default now()
-- everywhere. Pre-existing rows: three currencies, one region, the default sales channel, and one published
-- product (with its option, variant and price) next to a soft-deleted earlier product with the same handle.

create function public.generate_id(prefix text) returns text
    language sql volatile
as $$
    -- 12 hex digits of milliseconds since the epoch, then 14 random ones: sortable, 26 characters like a ULID
    select prefix || '_' || upper(lpad(to_hex((extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0')
                                  || substr(replace(gen_random_uuid()::text, '-', ''), 1, 14))
$$;

create type public.product_status as enum ('draft', 'proposed', 'published', 'rejected');
create type public.cart_type as enum ('default', 'swap', 'draft_order', 'payment_link', 'claim');
create type public.order_status as enum ('pending', 'completed', 'draft', 'archived', 'canceled', 'requires_action');
create type public.order_fulfillment_status as enum (
    'not_fulfilled', 'partially_fulfilled', 'fulfilled', 'partially_shipped', 'shipped', 'partially_returned',
    'returned', 'canceled', 'requires_action');
create type public.order_payment_status as enum (
    'not_paid', 'awaiting', 'captured', 'partially_refunded', 'refunded', 'canceled', 'requires_action');

create table public.currencies (
    code           char(3) primary key check (code ~ '^[a-z]{3}$'),
    symbol         text not null,
    symbol_native  text not null,
    name           text not null,
    decimal_digits smallint not null default 2 check (decimal_digits between 0 and 4),
    created_at     timestamptz not null default now()
);

create table public.regions (
    id              text primary key,
    name            text not null,
    currency_code   char(3) not null references public.currencies (code),
    tax_rate        numeric(5, 4) not null default 0 check (tax_rate >= 0 and tax_rate <= 1),
    tax_code        text,
    automatic_taxes boolean not null default true,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    metadata        jsonb
);
create index regions_currency_code_idx on public.regions (currency_code);
create index regions_deleted_at_idx on public.regions (deleted_at) where deleted_at is null;

create table public.sales_channels (
    id          text primary key default public.generate_id('sc'),
    name        text not null,
    description text,
    is_disabled boolean not null default false,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    deleted_at  timestamptz,
    metadata    jsonb
);

create table public.products (
    id             text primary key default public.generate_id('prod'),
    title          text not null,
    subtitle       text,
    description    text,
    handle         text not null check (handle ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    status         public.product_status not null default 'draft',
    is_giftcard    boolean not null default false,
    discountable   boolean not null default true,
    thumbnail      text,
    weight         integer check (weight > 0),
    origin_country char(2),
    material       text,
    external_id    text,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    deleted_at     timestamptz,
    metadata       jsonb
);
create unique index products_handle_unique on public.products (handle) where deleted_at is null;
create index products_deleted_at_idx on public.products (deleted_at) where deleted_at is null;

create table public.product_sales_channels (
    product_id       text not null references public.products (id) on delete cascade,
    sales_channel_id text not null references public.sales_channels (id) on delete cascade,
    created_at       timestamptz not null default now(),
    primary key (product_id, sales_channel_id)
);
create index product_sales_channels_channel_idx on public.product_sales_channels (sales_channel_id);

create table public.product_options (
    id         text primary key default public.generate_id('opt'),
    product_id text not null references public.products (id) on delete cascade,
    title      text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    metadata   jsonb
);
create unique index product_options_product_title_unique on public.product_options (product_id, title)
    where deleted_at is null;

create table public.product_option_values (
    id         text primary key default public.generate_id('optval'),
    option_id  text not null references public.product_options (id) on delete cascade,
    value      text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    metadata   jsonb
);
create unique index product_option_values_option_value_unique on public.product_option_values (option_id, value)
    where deleted_at is null;

create table public.product_variants (
    id                 text primary key default public.generate_id('variant'),
    product_id         text not null references public.products (id) on delete cascade,
    title              text not null,
    sku                text,
    barcode            text,
    allow_backorder    boolean not null default false,
    manage_inventory   boolean not null default true,
    inventory_quantity integer not null default 0,
    hs_code            text,
    weight             integer check (weight > 0),
    variant_rank       integer not null default 0,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    deleted_at         timestamptz,
    metadata           jsonb,
    constraint product_variants_stock_check check (allow_backorder or inventory_quantity >= 0)
);
create unique index product_variants_sku_unique on public.product_variants (sku) where deleted_at is null;
create unique index product_variants_barcode_unique on public.product_variants (barcode) where deleted_at is null;
create index product_variants_product_idx on public.product_variants (product_id) where deleted_at is null;

create table public.product_variant_options (
    variant_id      text not null references public.product_variants (id) on delete cascade,
    option_value_id text not null references public.product_option_values (id) on delete cascade,
    primary key (variant_id, option_value_id)
);
create index product_variant_options_value_idx on public.product_variant_options (option_value_id);

create table public.prices (
    id            text primary key default public.generate_id('price'),
    variant_id    text not null references public.product_variants (id) on delete cascade,
    currency_code char(3) not null references public.currencies (code),
    amount        integer not null check (amount >= 0),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    deleted_at    timestamptz,
    constraint prices_variant_currency_unique unique (variant_id, currency_code)
);

create table public.customers (
    id                 text primary key default public.generate_id('cus'),
    email              text not null check (email ~ '^[^@\s]+@[^@\s]+$'),
    first_name         text,
    last_name          text,
    phone              text,
    has_account        boolean not null default false,
    password_hash      text,
    billing_address_id text unique,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    deleted_at         timestamptz,
    metadata           jsonb,
    constraint customers_account_has_password check (not has_account or password_hash is not null)
);
create unique index customers_email_unique on public.customers (email) where deleted_at is null;

create table public.addresses (
    id           text primary key default public.generate_id('addr'),
    customer_id  text references public.customers (id) on delete cascade,
    company      text,
    first_name   text,
    last_name    text,
    address_1    text,
    address_2    text,
    city         text,
    country_code char(2) check (country_code ~ '^[a-z]{2}$'),
    province     text,
    postal_code  text,
    phone        text,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    deleted_at   timestamptz,
    metadata     jsonb
);
create index addresses_customer_idx on public.addresses (customer_id);
alter table public.customers add constraint customers_billing_address_fk
    foreign key (billing_address_id) references public.addresses (id) on delete set null;

create table public.carts (
    id                  text primary key default public.generate_id('cart'),
    email               text,
    customer_id         text references public.customers (id) on delete set null,
    region_id           text not null references public.regions (id),
    sales_channel_id    text references public.sales_channels (id) on delete set null,
    billing_address_id  text references public.addresses (id) on delete set null,
    shipping_address_id text references public.addresses (id) on delete set null,
    type                public.cart_type not null default 'default',
    completed_at        timestamptz,
    idempotency_key     text,
    context             jsonb,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    deleted_at          timestamptz,
    metadata            jsonb
);
create index carts_customer_idx on public.carts (customer_id);

create table public.orders (
    id                  text primary key,
    display_id          serial not null unique,
    status              public.order_status not null default 'pending',
    fulfillment_status  public.order_fulfillment_status not null default 'not_fulfilled',
    payment_status      public.order_payment_status not null default 'not_paid',
    cart_id             text unique references public.carts (id),
    customer_id         text not null references public.customers (id),
    email               text not null,
    billing_address_id  text references public.addresses (id),
    shipping_address_id text references public.addresses (id),
    region_id           text not null references public.regions (id),
    currency_code       char(3) not null references public.currencies (code),
    tax_rate            numeric(5, 4) check (tax_rate >= 0 and tax_rate <= 1),
    sales_channel_id    text references public.sales_channels (id),
    no_notification     boolean,
    canceled_at         timestamptz,
    idempotency_key     text,
    external_id         text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    metadata            jsonb
);
create index orders_customer_idx on public.orders (customer_id);
create index orders_region_idx on public.orders (region_id);

create table public.line_items (
    id                 text primary key default public.generate_id('item'),
    cart_id            text references public.carts (id) on delete cascade,
    order_id           text references public.orders (id) on delete cascade,
    variant_id         text references public.product_variants (id) on delete set null,
    title              text not null,
    description        text,
    thumbnail          text,
    is_giftcard        boolean not null default false,
    should_merge       boolean not null default true,
    allow_discounts    boolean not null default true,
    has_shipping       boolean,
    unit_price         integer not null check (unit_price >= 0),
    quantity           integer not null check (quantity > 0),
    fulfilled_quantity integer check (fulfilled_quantity <= quantity),
    returned_quantity  integer check (returned_quantity <= quantity),
    shipped_quantity   integer check (shipped_quantity <= fulfilled_quantity),
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    metadata           jsonb,
    constraint line_items_belongs_somewhere check (cart_id is not null or order_id is not null)
);
create index line_items_cart_idx on public.line_items (cart_id);
create index line_items_order_idx on public.line_items (order_id);
create index line_items_variant_idx on public.line_items (variant_id);

-- Pre-existing rows: what a store holds right after its first setup.
insert into public.currencies (code, symbol, symbol_native, name, decimal_digits, created_at) values
    ('usd', '$', '$', 'US Dollar', 2, '2024-03-01 10:00:00+00'),
    ('eur', '€', '€', 'Euro', 2, '2024-03-01 10:00:00+00'),
    ('gbp', '£', '£', 'British Pound Sterling', 2, '2024-03-01 10:00:00+00');
insert into public.regions (id, name, currency_code, tax_rate, tax_code, created_at, updated_at) values
    ('reg_018E0A1F2B3C4D5E6F708192', 'North America', 'usd', 0.0725, 'US-STD',
     '2024-03-01 10:05:00+00', '2024-03-01 10:05:00+00');
insert into public.sales_channels (id, name, description, created_at, updated_at) values
    ('sc_018E0A1F2B3C4D5E6F7081A0', 'Default Sales Channel', 'Created by the store setup',
     '2024-03-01 10:05:00+00', '2024-03-01 10:05:00+00');
-- The first t-shirt listing was deleted and recreated: both rows hold the handle, only one is live.
insert into public.products (id, title, handle, status, thumbnail, weight, material, created_at, updated_at,
                             deleted_at) values
    ('prod_018E0A2C00000000000000A1', 'Organic Cotton T-Shirt', 'organic-cotton-t-shirt', 'published', null, 180,
     'Cotton', '2024-03-02 08:00:00+00', '2024-03-04 16:30:00+00', '2024-03-04 16:30:00+00');
insert into public.products (id, title, subtitle, description, handle, status, thumbnail, weight, origin_country,
                             material, created_at, updated_at, metadata) values
    ('prod_018E0A2C00000000000000B2', 'Organic Cotton T-Shirt', 'Relaxed fit',
     'Midweight organic cotton jersey, garment-dyed.', 'organic-cotton-t-shirt', 'published',
     'https://cdn.example.com/products/organic-cotton-t-shirt.jpg', 180, 'pt', 'Cotton',
     '2024-03-04 16:35:00+00', '2024-03-04 16:35:00+00', '{"collection": "essentials"}');
insert into public.product_sales_channels (product_id, sales_channel_id, created_at) values
    ('prod_018E0A2C00000000000000B2', 'sc_018E0A1F2B3C4D5E6F7081A0', '2024-03-04 16:35:00+00');
insert into public.product_options (id, product_id, title, created_at, updated_at) values
    ('opt_018E0A2C00000000000000C1', 'prod_018E0A2C00000000000000B2', 'Size',
     '2024-03-04 16:35:00+00', '2024-03-04 16:35:00+00');
insert into public.product_option_values (id, option_id, value, created_at, updated_at) values
    ('optval_018E0A2C000000000000D1', 'opt_018E0A2C00000000000000C1', 'M',
     '2024-03-04 16:35:00+00', '2024-03-04 16:35:00+00');
-- The deleted listing's variant keeps its sku; the live one reuses it.
insert into public.product_variants (id, product_id, title, sku, barcode, inventory_quantity, created_at,
                                     updated_at, deleted_at) values
    ('variant_018E0A2C0000000000E0', 'prod_018E0A2C00000000000000A1', 'M', 'TSHIRT-ORG-M', null, 0,
     '2024-03-02 08:00:00+00', '2024-03-04 16:30:00+00', '2024-03-04 16:30:00+00'),
    ('variant_018E0A2C0000000000E1', 'prod_018E0A2C00000000000000B2', 'M', 'TSHIRT-ORG-M', '5601234567894', 40,
     '2024-03-04 16:35:00+00', '2024-03-04 16:35:00+00', null);
insert into public.product_variant_options (variant_id, option_value_id) values
    ('variant_018E0A2C0000000000E1', 'optval_018E0A2C000000000000D1');
insert into public.prices (id, variant_id, currency_code, amount, created_at, updated_at) values
    ('price_018E0A2C00000000000F1', 'variant_018E0A2C0000000000E1', 'usd', 2500,
     '2024-03-04 16:35:00+00', '2024-03-04 16:35:00+00'),
    ('price_018E0A2C00000000000F2', 'variant_018E0A2C0000000000E1', 'eur', 2300,
     '2024-03-04 16:35:00+00', '2024-03-04 16:35:00+00');
