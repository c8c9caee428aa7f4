-- Corpus fixture: two classic shapes in two schemas of one plain PostgreSQL database (written for supaseed,
-- not copied).
-- employees: after the MySQL "employees" sample database (datacharmer/test_db, employees.sql) as the
--   PostgreSQL ports of it lay it out (an enum for gender, char(4) department codes, schema "employees"):
--   employees keyed by an integer emp_no the application assigns (no default, no sequence), birth and hire
--   dates, the 9 departments 'd001'..'d009' the user loaded first, dept_emp and dept_manager keyed by
--   (emp_no, dept_no) with a from_date/to_date period whose open end is the sentinel '9999-01-01', salaries
--   keyed by (emp_no, from_date), titles keyed by (emp_no, title, from_date) with a nullable to_date, every
--   child cascading from its employee; the two "current department" views of the original.
-- telemetry: an IoT / time-series app in the shape of the Postgres-only device telemetry schemas published
--   as examples (devices + range-partitioned readings with a BRIN index on the time column, as in the
--   "IoT schema (PostgreSQL)" and sensor_readings partitioning write-ups): devices with a serial number
--   'ABC-123456' and a semantic firmware version checked by regex, readings PARTITION BY RANGE
--   (recorded_at) with one partition per month of 2025 and 2026 and a DEFAULT partition, bigint identity
--   keys, numeric measurements with CHECK ranges, a BRIN index on recorded_at, alerts with a severity enum
--   and an acknowledgement no earlier than the alert, and device_locations with latitude/longitude CHECKs.

create schema employees;
create schema telemetry;

-- ---- employees -------------------------------------------------------------------------------------

create type employees.employee_gender as enum ('M', 'F');

create table employees.employees (
    emp_no     integer         not null primary key,
    birth_date date            not null,
    first_name varchar(14)     not null,
    last_name  varchar(16)     not null,
    gender     employees.employee_gender not null,
    hire_date  date            not null,
    constraint employees_hired_after_birth check (hire_date > birth_date)
);

create table employees.departments (
    dept_no   char(4)     not null primary key check (dept_no ~ '^d[0-9]{3}$'),
    dept_name varchar(40) not null unique
);

create table employees.dept_manager (
    emp_no    integer not null references employees.employees (emp_no) on delete cascade,
    dept_no   char(4) not null references employees.departments (dept_no) on delete cascade,
    from_date date    not null,
    to_date   date    not null,
    primary key (emp_no, dept_no),
    constraint dept_manager_period check (from_date <= to_date)
);

create table employees.dept_emp (
    emp_no    integer not null references employees.employees (emp_no) on delete cascade,
    dept_no   char(4) not null references employees.departments (dept_no) on delete cascade,
    from_date date    not null,
    to_date   date    not null,
    primary key (emp_no, dept_no),
    constraint dept_emp_period check (from_date <= to_date)
);
create index dept_emp_dept_no_idx on employees.dept_emp (dept_no);

create table employees.titles (
    emp_no    integer     not null references employees.employees (emp_no) on delete cascade,
    title     varchar(50) not null,
    from_date date        not null,
    to_date   date,
    primary key (emp_no, title, from_date),
    constraint titles_period check (to_date is null or from_date <= to_date)
);

create table employees.salaries (
    emp_no    integer not null references employees.employees (emp_no) on delete cascade,
    salary    integer not null check (salary > 0),
    from_date date    not null,
    to_date   date    not null,
    primary key (emp_no, from_date),
    constraint salaries_period check (from_date < to_date)
);

-- the latest dept_emp period of each employee, and the department it points at (the original's two views)
create view employees.dept_emp_latest_date as
    select emp_no, max(from_date) as from_date, max(to_date) as to_date
    from employees.dept_emp
    group by emp_no;
create view employees.current_dept_emp as
    select l.emp_no, d.dept_no, l.from_date, l.to_date
    from employees.dept_emp d
    join employees.dept_emp_latest_date l
      on d.emp_no = l.emp_no and d.from_date = l.from_date and d.to_date = l.to_date;

-- ---- telemetry -------------------------------------------------------------------------------------

create type telemetry.alert_severity as enum ('info', 'warning', 'critical');

create table telemetry.devices (
    id               bigint generated always as identity primary key,
    serial_number    text not null unique check (serial_number ~ '^[A-Z]{3}-[0-9]{6}$'),
    model            text not null,
    firmware_version text not null check (firmware_version ~ '^\d+\.\d+\.\d+$'),
    status           text not null default 'active' check (status in ('active', 'maintenance', 'retired')),
    installed_at     timestamptz not null default now(),
    last_seen_at     timestamptz,
    constraint devices_seen_after_install check (last_seen_at is null or last_seen_at >= installed_at)
);

create table telemetry.readings (
    id          bigint generated always as identity,
    device_id   bigint not null references telemetry.devices (id) on delete cascade,
    recorded_at timestamptz not null,
    temperature numeric(5,2) check (temperature between -50 and 150),
    humidity    numeric(5,2) check (humidity between 0 and 100),
    battery_pct smallint check (battery_pct between 0 and 100),
    primary key (id, recorded_at)
) partition by range (recorded_at);

-- one partition per month of 2025 and 2026, the way a partition-maintenance job lays them out ahead of time
do $$
declare
    m date;
begin
    for m in select generate_series(date '2025-01-01', date '2026-12-01', interval '1 month')::date loop
        execute format('create table telemetry.%I partition of telemetry.readings for values from (%L) to (%L)',
                       'readings_' || to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date);
    end loop;
end;
$$;
create table telemetry.readings_default partition of telemetry.readings default;

create index readings_recorded_at_brin on telemetry.readings using brin (recorded_at);
create index readings_device_time_idx on telemetry.readings (device_id, recorded_at desc);

create table telemetry.alerts (
    id              bigint generated always as identity primary key,
    device_id       bigint not null references telemetry.devices (id) on delete cascade,
    severity        telemetry.alert_severity not null,
    message         text not null,
    raised_at       timestamptz not null default now(),
    acknowledged_at timestamptz,
    constraint alerts_ack_after_raise check (acknowledged_at >= raised_at)
);
create index alerts_open_idx on telemetry.alerts (device_id, raised_at) where acknowledged_at is null;

create table telemetry.device_locations (
    id         bigint generated always as identity primary key,
    device_id  bigint not null references telemetry.devices (id) on delete cascade,
    latitude   double precision not null check (latitude between -90 and 90),
    longitude  double precision not null check (longitude between -180 and 180),
    valid_from timestamptz not null,
    valid_to   timestamptz,
    unique (device_id, valid_from),
    constraint device_locations_period check (valid_to is null or valid_to > valid_from)
);

-- Pre-existing rows: the nine departments of the sample, loaded before anything else.
insert into employees.departments (dept_no, dept_name) values
    ('d001', 'Marketing'), ('d002', 'Finance'), ('d003', 'Human Resources'), ('d004', 'Production'),
    ('d005', 'Development'), ('d006', 'Quality Management'), ('d007', 'Sales'), ('d008', 'Research'),
    ('d009', 'Customer Service');
