-- Corpus fixture: a trading company's orders database in the style of the Northwind sample as ported to
-- PostgreSQL (e.g. pthom/northwind_psql) (written for supaseed, not copied). Plain PostgreSQL, no auth schema.
-- Patterns: five-letter blank-padded customer codes as primary keys (bpchar(5), "ALFKI" style), smallint
-- keys the application assigns (no serial), `real` prices, freight and discounts with CHECKs (discount
-- between 0 and 1, prices >= 0), bytea picture/photo columns, an employee hierarchy (reports_to self
-- reference), region -> territories with unbounded bpchar descriptions, an employee_territories junction and
-- a customer_customer_demo junction with composite keys, order_details keyed by (order_id, product_id),
-- orders shipped via a shipper (ship_via), order/required/shipped `date` columns, many nullable address
-- columns, a 0/1 integer `discontinued` flag, and a free-standing us_states lookup with a smallint id.

create table public.categories (
    category_id   smallint primary key,
    category_name varchar(15) not null,
    description   text,
    picture       bytea
);
create table public.customer_demographics (
    customer_type_id bpchar(10) primary key,
    customer_desc    text
);
create table public.customers (
    customer_id   bpchar(5) primary key,
    company_name  varchar(40) not null,
    contact_name  varchar(30),
    contact_title varchar(30),
    address       varchar(60),
    city          varchar(15),
    region        varchar(15),
    postal_code   varchar(10),
    country       varchar(15),
    phone         varchar(24),
    fax           varchar(24)
);
create table public.customer_customer_demo (
    customer_id      bpchar(5) not null references public.customers,
    customer_type_id bpchar(10) not null references public.customer_demographics,
    primary key (customer_id, customer_type_id)
);
create table public.employees (
    employee_id       smallint primary key,
    last_name         varchar(20) not null,
    first_name        varchar(10) not null,
    title             varchar(30),
    title_of_courtesy varchar(25),
    birth_date        date,
    hire_date         date,
    address           varchar(60),
    city              varchar(15),
    region            varchar(15),
    postal_code       varchar(10),
    country           varchar(15),
    home_phone        varchar(24),
    extension         varchar(4),
    photo             bytea,
    notes             text,
    reports_to        smallint references public.employees,
    photo_path        varchar(255),
    constraint employees_birth_before_hire check (birth_date < hire_date)
);
create table public.suppliers (
    supplier_id   smallint primary key,
    company_name  varchar(40) not null,
    contact_name  varchar(30),
    contact_title varchar(30),
    address       varchar(60),
    city          varchar(15),
    region        varchar(15),
    postal_code   varchar(10),
    country       varchar(15),
    phone         varchar(24),
    fax           varchar(24),
    homepage      text
);
create table public.products (
    product_id        smallint primary key,
    product_name      varchar(40) not null,
    supplier_id       smallint references public.suppliers,
    category_id       smallint references public.categories,
    quantity_per_unit varchar(20),
    unit_price        real default 0 check (unit_price >= 0),
    units_in_stock    smallint default 0 check (units_in_stock >= 0),
    units_on_order    smallint default 0 check (units_on_order >= 0),
    reorder_level     smallint default 0 check (reorder_level >= 0),
    discontinued      integer not null check (discontinued in (0, 1))
);
create table public.region (
    region_id          smallint primary key,
    region_description bpchar not null
);
create table public.territories (
    territory_id          varchar(20) primary key,
    territory_description bpchar not null,
    region_id             smallint not null references public.region
);
create table public.employee_territories (
    employee_id  smallint not null references public.employees,
    territory_id varchar(20) not null references public.territories,
    primary key (employee_id, territory_id)
);
create table public.shippers (
    shipper_id   smallint primary key,
    company_name varchar(40) not null,
    phone        varchar(24)
);
create table public.orders (
    order_id         smallint primary key,
    customer_id      bpchar(5) references public.customers,
    employee_id      smallint references public.employees,
    order_date       date,
    required_date    date,
    shipped_date     date,
    ship_via         smallint references public.shippers,
    freight          real default 0 check (freight >= 0),
    ship_name        varchar(40),
    ship_address     varchar(60),
    ship_city        varchar(15),
    ship_region      varchar(15),
    ship_postal_code varchar(10),
    ship_country     varchar(15)
);
create table public.order_details (
    order_id   smallint not null references public.orders,
    product_id smallint not null references public.products,
    unit_price real not null default 0 check (unit_price >= 0),
    quantity   smallint not null default 1 check (quantity > 0),
    discount   real not null default 0 check (discount between 0 and 1),
    primary key (order_id, product_id)
);
create table public.us_states (
    state_id     smallint primary key,
    state_name   varchar(100),
    state_abbr   varchar(2),
    state_region varchar(50)
);
create index orders_customer_id_idx on public.orders (customer_id);
create index orders_ship_via_idx on public.orders (ship_via);
create index products_category_id_idx on public.products (category_id);

-- Pre-existing rows: the categories and shippers the user entered first.
insert into public.categories (category_id, category_name, description, picture) values
    (1, 'Beverages', 'Soft drinks, coffees, teas, beers, and ales', '\x89504e470d0a1a0a'),
    (2, 'Condiments', 'Sweet and savory sauces, relishes, spreads, and seasonings', null);
insert into public.shippers (shipper_id, company_name, phone) values
    (1, 'Speedy Express', '(503) 555-9831'),
    (2, 'United Package', '(503) 555-3199'),
    (3, 'Federal Shipping', '(503) 555-9931');
