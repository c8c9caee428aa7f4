-- Corpus fixture: a multi-seller marketplace on Supabase, after the patterns open-source commerce backends
-- on Postgres share (Medusa / Saleor / Supabase commerce starters; written for supaseed, not copied).
-- Needs the demo's 00_roles.sql + 10_auth.sql.
-- Patterns: sellers (stores) owned by an auth user with a unique slug, products with variants whose sku is
-- unique per product, integer cents prices with a compare-at price above the price, one inventory_levels
-- row per variant with reserved <= on_hand, a BEFORE INSERT trigger on order_items that refuses an item
-- the stock cannot cover and otherwise reserves it, orders with a status list and a 3-letter currency,
-- order items snapshotting the unit price, coupons with a case-insensitive unique code and exactly one of
-- percent_off / amount_off_cents plus a validity window, ISO country addresses, one review per user and
-- product with a 1..5 rating. RLS keyed on auth.uid().

create table public.sellers (
    id         uuid not null primary key default gen_random_uuid(),
    owner_id   uuid not null references auth.users on delete cascade,
    name       text not null check (char_length(name) between 2 and 80),
    slug       text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    created_at timestamptz not null default now()
);
create index sellers_owner_idx on public.sellers (owner_id);

create table public.products (
    id          uuid not null primary key default gen_random_uuid(),
    seller_id   uuid not null references public.sellers on delete cascade,
    title       text not null,
    description text,
    published   boolean not null default false,
    created_at  timestamptz not null default now()
);
create index products_seller_idx on public.products (seller_id);

create table public.product_variants (
    id               uuid not null primary key default gen_random_uuid(),
    product_id       uuid not null references public.products on delete cascade,
    sku              text not null,
    title            text not null,
    price_cents      integer not null check (price_cents > 0),
    compare_at_cents integer check (compare_at_cents is null or compare_at_cents > price_cents),
    created_at       timestamptz not null default now(),
    unique (product_id, sku)
);

create table public.inventory_levels (
    variant_id uuid not null primary key references public.product_variants on delete cascade,
    on_hand    integer not null default 0,
    reserved   integer not null default 0,
    updated_at timestamptz not null default now(),
    constraint reserved_within_stock check (reserved >= 0 and reserved <= on_hand)
);

create table public.addresses (
    id          uuid not null primary key default gen_random_uuid(),
    user_id     uuid not null references auth.users on delete cascade,
    full_name   text not null,
    line1       text not null,
    line2       text,
    city        text not null,
    postal_code text,
    country     char(2) not null check (country ~ '^[A-Z]{2}$'),
    created_at  timestamptz not null default now()
);
create index addresses_user_idx on public.addresses (user_id);

create table public.coupons (
    id               uuid not null primary key default gen_random_uuid(),
    code             text not null,
    percent_off      integer check (percent_off between 1 and 100),
    amount_off_cents integer check (amount_off_cents > 0),
    starts_at        timestamptz not null default now(),
    ends_at          timestamptz not null,
    constraint one_discount_kind check ((percent_off is null) <> (amount_off_cents is null)),
    constraint valid_window check (ends_at > starts_at)
);
create unique index coupons_code_key on public.coupons (upper(code));

create table public.orders (
    id                  uuid not null primary key default gen_random_uuid(),
    buyer_id            uuid not null references auth.users on delete restrict,
    shipping_address_id uuid references public.addresses on delete set null,
    coupon_id           uuid references public.coupons on delete set null,
    status              text not null default 'pending'
        check (status in ('pending', 'paid', 'fulfilled', 'cancelled', 'refunded')),
    currency            char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    total_cents         integer not null default 0 check (total_cents >= 0),
    created_at          timestamptz not null default now()
);
create index orders_buyer_idx on public.orders (buyer_id, created_at desc);

create table public.order_items (
    id               bigint generated always as identity primary key,
    order_id         uuid not null references public.orders on delete cascade,
    variant_id       uuid not null references public.product_variants on delete restrict,
    quantity         integer not null check (quantity > 0),
    unit_price_cents integer not null check (unit_price_cents > 0)
);
create index order_items_order_idx on public.order_items (order_id);

-- Checkout reserves stock as items are added; an item the stock cannot cover is refused.
create function public.reserve_stock() returns trigger
    language plpgsql security definer set search_path = ''
as $$
declare
    available integer;
begin
    select on_hand - reserved into available
    from public.inventory_levels where variant_id = new.variant_id for update;
    if available is null or available < new.quantity then
        raise exception 'variant % has % available, % requested', new.variant_id, coalesce(available, 0), new.quantity;
    end if;
    update public.inventory_levels set reserved = reserved + new.quantity, updated_at = now()
    where variant_id = new.variant_id;
    return new;
end;
$$;
create trigger order_items_reserve_stock before insert on public.order_items
    for each row execute function public.reserve_stock();

create table public.reviews (
    id         bigint generated by default as identity primary key,
    user_id    uuid not null references auth.users on delete cascade,
    product_id uuid not null references public.products on delete cascade,
    rating     smallint not null check (rating between 1 and 5),
    body       text check (char_length(body) <= 2000),
    created_at timestamptz not null default now(),
    unique (user_id, product_id)
);

alter table public.sellers enable row level security;
alter table public.products enable row level security;
alter table public.product_variants enable row level security;
alter table public.inventory_levels enable row level security;
alter table public.addresses enable row level security;
alter table public.coupons enable row level security;
alter table public.orders enable row level security;
alter table public.order_items enable row level security;
alter table public.reviews enable row level security;
create policy "Stores are public" on public.sellers for select using (true);
create policy "Owners manage their store" on public.sellers for all to authenticated
    using ((select auth.uid()) = owner_id) with check ((select auth.uid()) = owner_id);
create policy "Published products are public" on public.products for select using (published);
create policy "Variants are public" on public.product_variants for select using (true);
create policy "Users manage their addresses" on public.addresses for all to authenticated
    using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy "Buyers read their orders" on public.orders for select to authenticated
    using ((select auth.uid()) = buyer_id);
create policy "Buyers read their order items" on public.order_items for select to authenticated
    using (exists (select 1 from public.orders o where o.id = order_id and o.buyer_id = (select auth.uid())));
create policy "Reviews are public" on public.reviews for select using (true);
create policy "Users review as themselves" on public.reviews for insert to authenticated
    with check ((select auth.uid()) = user_id);
grant select on all tables in schema public to anon;
grant select, insert, update, delete on all tables in schema public to authenticated, service_role;

-- Pre-existing rows: a seller with her store, one product in two variants with stock, and a coupon.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
values ('00000000-0000-0000-0000-000000000000', 'e0000000-0000-4000-8000-000000000001', 'authenticated',
        'authenticated', 'maya@existing.example', '', '2024-05-02 09:00:00+00',
        '{"provider":"email","providers":["email"]}', '{"full_name":"Maya Existing"}',
        '2024-05-02 09:00:00+00', '2024-05-02 09:00:00+00', '', '', '', '');
insert into public.sellers (id, owner_id, name, slug, created_at)
values ('e1000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'Maya''s Ceramics',
        'mayas-ceramics', '2024-05-02 09:10:00+00');
insert into public.products (id, seller_id, title, description, published, created_at)
values ('e2000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001', 'Stoneware mug',
        'Hand-thrown, dishwasher safe.', true, '2024-05-02 09:20:00+00');
insert into public.product_variants (id, product_id, sku, title, price_cents, compare_at_cents, created_at)
values ('e3000000-0000-4000-8000-000000000001', 'e2000000-0000-4000-8000-000000000001', 'MUG-SAGE', 'Sage',
        2400, 2800, '2024-05-02 09:21:00+00'),
       ('e3000000-0000-4000-8000-000000000002', 'e2000000-0000-4000-8000-000000000001', 'MUG-SAND', 'Sand',
        2400, null, '2024-05-02 09:21:00+00');
insert into public.inventory_levels (variant_id, on_hand, reserved, updated_at)
values ('e3000000-0000-4000-8000-000000000001', 12, 0, '2024-05-02 09:22:00+00'),
       ('e3000000-0000-4000-8000-000000000002', 5, 0, '2024-05-02 09:22:00+00');
insert into public.coupons (code, percent_off, starts_at, ends_at)
values ('SPRING10', 10, '2024-05-01 00:00:00+00', '2024-06-01 00:00:00+00');
