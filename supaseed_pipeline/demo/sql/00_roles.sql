-- Supabase API roles (as in supabase/postgres initial-schema).
-- Roles are cluster-wide: create each one only if it is missing, and never fail when it exists
-- (another database on the same server, or a concurrent run, may have created it already).

do $$
declare
    spec record;
begin
    for spec in
        select * from (values
            ('anon',          'NOLOGIN NOINHERIT'),
            ('authenticated', 'NOLOGIN NOINHERIT'),
            ('service_role',  'NOLOGIN NOINHERIT BYPASSRLS'),
            ('authenticator', 'NOINHERIT LOGIN')
        ) as t(role_name, attributes)
    loop
        if not exists (select 1 from pg_catalog.pg_roles where rolname = spec.role_name) then
            begin
                execute format('create role %I %s', spec.role_name, spec.attributes);
            exception when duplicate_object or unique_violation then
                null;  -- created concurrently by another session
            end;
        end if;
    end loop;
end
$$;

do $$
declare
    granted text;
begin
    foreach granted in array array['anon', 'authenticated', 'service_role'] loop
        if not exists (
            select 1
            from pg_catalog.pg_auth_members m
            join pg_catalog.pg_roles r on r.oid = m.roleid
            join pg_catalog.pg_roles u on u.oid = m.member
            where r.rolname = granted and u.rolname = 'authenticator'
        ) then
            begin
                execute format('grant %I to authenticator', granted);
            exception when duplicate_object or unique_violation then
                null;
            end;
        end if;
    end loop;
end
$$;
