-- Corpus fixture: a Supabase + Next.js SaaS template grown into a workplace-canteen ordering app, in the shape
-- `supabase db pull` / `supabase db dump` writes (pg_dump: quoted type names, CREATE TABLE IF NOT EXISTS, keys
-- and FKs added afterwards with ALTER TABLE ONLY), after the patterns of Razikus/supabase-nextjs-template's
-- migrations (a todo_list with an owner defaulting to auth.uid(), canteens / companies / menus / orders /
-- profiles / worker_assignments); written for supaseed, not copied. Needs the demo's 00_roles.sql + 10_auth.sql.
-- Patterns: profiles keyed by auth.users with a unique worker_number, a role CHECK over varchar ('worker',
-- 'admin', 'cook'), a language code varchar(8) default 'en'; companies with a jsonb billing_info; canteens with a
-- location; weekly menus (week_number + year, start_date .. end_date, the week's meals as jsonb) unique per canteen
-- and week; orders for a day and a meal_type ('lunch', 'dinner') naming the chosen option by a varchar id, with
-- an 'ordered' / 'cancelled' / 'missed' status; worker_assignments valid_from .. valid_to (open-ended);
-- nullable created_at / updated_at defaulting to now() kept by BEFORE UPDATE triggers; a todo_list with an identity
-- key, an urgent flag, a done flag with its done_at; RLS keyed on auth.uid() and grants to anon / authenticated.
-- Rows the user already has: the dietary groups and one canteen.

SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION "public"."set_updated_at"() RETURNS "trigger"
    LANGUAGE "plpgsql"
    AS $$
begin
    new.updated_at := now();
    return new;
end;
$$;

CREATE TABLE IF NOT EXISTS "public"."canteens" (
    "id" "uuid" DEFAULT "gen_random_uuid"() NOT NULL,
    "name" character varying(128) NOT NULL,
    "location" character varying(128),
    "active" boolean DEFAULT true NOT NULL,
    "created_at" timestamp with time zone DEFAULT "now"(),
    "updated_at" timestamp with time zone DEFAULT "now"()
);

CREATE TABLE IF NOT EXISTS "public"."companies" (
    "id" "uuid" DEFAULT "gen_random_uuid"() NOT NULL,
    "name" character varying(128) NOT NULL,
    "billing_info" "jsonb",
    "active" boolean DEFAULT true NOT NULL,
    "created_at" timestamp with time zone DEFAULT "now"(),
    "updated_at" timestamp with time zone DEFAULT "now"()
);

CREATE TABLE IF NOT EXISTS "public"."dietary_groups" (
    "id" "uuid" DEFAULT "gen_random_uuid"() NOT NULL,
    "name" character varying(64) NOT NULL,
    "description" "text"
);

CREATE TABLE IF NOT EXISTS "public"."menus" (
    "id" "uuid" DEFAULT "gen_random_uuid"() NOT NULL,
    "week_number" integer NOT NULL,
    "year" integer NOT NULL,
    "canteen_id" "uuid" NOT NULL,
    "meals" "jsonb" NOT NULL,
    "start_date" "date" NOT NULL,
    "end_date" "date" NOT NULL,
    "created_at" timestamp with time zone DEFAULT "now"(),
    "updated_at" timestamp with time zone DEFAULT "now"(),
    CONSTRAINT "menus_week_number_check" CHECK ((("week_number" >= 1) AND ("week_number" <= 53))),
    CONSTRAINT "menus_dates_check" CHECK (("end_date" >= "start_date"))
);

CREATE TABLE IF NOT EXISTS "public"."orders" (
    "id" "uuid" DEFAULT "gen_random_uuid"() NOT NULL,
    "user_id" "uuid" NOT NULL,
    "menu_id" "uuid" NOT NULL,
    "day" "date" NOT NULL,
    "meal_type" character varying(16) NOT NULL,
    "selected_option_id" character varying(64) NOT NULL,
    "status" character varying(16) DEFAULT 'ordered'::character varying NOT NULL,
    "created_at" timestamp with time zone DEFAULT "now"(),
    "updated_at" timestamp with time zone DEFAULT "now"(),
    CONSTRAINT "orders_meal_type_check" CHECK ((("meal_type")::"text" = ANY ((ARRAY['lunch'::character varying, 'dinner'::character varying])::"text"[]))),
    CONSTRAINT "orders_status_check" CHECK ((("status")::"text" = ANY ((ARRAY['ordered'::character varying, 'cancelled'::character varying, 'missed'::character varying])::"text"[])))
);

CREATE TABLE IF NOT EXISTS "public"."profiles" (
    "id" "uuid" NOT NULL,
    "worker_number" character varying(64) NOT NULL,
    "name" character varying(128) NOT NULL,
    "role" character varying(16) NOT NULL,
    "canteen_id" "uuid",
    "company_id" "uuid",
    "dietary_group_id" "uuid",
    "language" character varying(8) DEFAULT 'en'::character varying NOT NULL,
    "active" boolean DEFAULT true NOT NULL,
    "created_at" timestamp with time zone DEFAULT "now"(),
    "updated_at" timestamp with time zone DEFAULT "now"(),
    CONSTRAINT "profiles_role_check" CHECK ((("role")::"text" = ANY ((ARRAY['worker'::character varying, 'admin'::character varying, 'cook'::character varying])::"text"[])))
);

CREATE TABLE IF NOT EXISTS "public"."worker_assignments" (
    "id" "uuid" DEFAULT "gen_random_uuid"() NOT NULL,
    "user_id" "uuid" NOT NULL,
    "canteen_id" "uuid" NOT NULL,
    "valid_from" "date" NOT NULL,
    "valid_to" "date",
    "created_at" timestamp with time zone DEFAULT "now"(),
    "updated_at" timestamp with time zone DEFAULT "now"(),
    CONSTRAINT "worker_assignments_valid_check" CHECK ((("valid_to" IS NULL) OR ("valid_to" >= "valid_from")))
);

CREATE TABLE IF NOT EXISTS "public"."todo_list" (
    "id" bigint NOT NULL,
    "created_at" timestamp with time zone DEFAULT "now"() NOT NULL,
    "title" "text",
    "urgent" boolean DEFAULT false NOT NULL,
    "description" "text",
    "done" boolean DEFAULT false,
    "done_at" timestamp with time zone,
    "owner" "uuid" DEFAULT "auth"."uid"() NOT NULL
);

ALTER TABLE "public"."todo_list" ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME "public"."todo_list_id_seq"
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY "public"."canteens" ADD CONSTRAINT "canteens_pkey" PRIMARY KEY ("id");
ALTER TABLE ONLY "public"."companies" ADD CONSTRAINT "companies_pkey" PRIMARY KEY ("id");
ALTER TABLE ONLY "public"."dietary_groups" ADD CONSTRAINT "dietary_groups_pkey" PRIMARY KEY ("id");
ALTER TABLE ONLY "public"."dietary_groups" ADD CONSTRAINT "dietary_groups_name_key" UNIQUE ("name");
ALTER TABLE ONLY "public"."menus" ADD CONSTRAINT "menus_pkey" PRIMARY KEY ("id");
ALTER TABLE ONLY "public"."menus" ADD CONSTRAINT "menus_canteen_id_year_week_number_key" UNIQUE ("canteen_id", "year", "week_number");
ALTER TABLE ONLY "public"."orders" ADD CONSTRAINT "orders_pkey" PRIMARY KEY ("id");
ALTER TABLE ONLY "public"."orders" ADD CONSTRAINT "orders_user_id_day_meal_type_key" UNIQUE ("user_id", "day", "meal_type");
ALTER TABLE ONLY "public"."profiles" ADD CONSTRAINT "profiles_pkey" PRIMARY KEY ("id");
ALTER TABLE ONLY "public"."profiles" ADD CONSTRAINT "profiles_worker_number_key" UNIQUE ("worker_number");
ALTER TABLE ONLY "public"."todo_list" ADD CONSTRAINT "todo_list_pkey" PRIMARY KEY ("id");
ALTER TABLE ONLY "public"."worker_assignments" ADD CONSTRAINT "worker_assignments_pkey" PRIMARY KEY ("id");

CREATE OR REPLACE TRIGGER "set_updated_at_canteens" BEFORE UPDATE ON "public"."canteens" FOR EACH ROW EXECUTE FUNCTION "public"."set_updated_at"();
CREATE OR REPLACE TRIGGER "set_updated_at_companies" BEFORE UPDATE ON "public"."companies" FOR EACH ROW EXECUTE FUNCTION "public"."set_updated_at"();
CREATE OR REPLACE TRIGGER "set_updated_at_menus" BEFORE UPDATE ON "public"."menus" FOR EACH ROW EXECUTE FUNCTION "public"."set_updated_at"();
CREATE OR REPLACE TRIGGER "set_updated_at_orders" BEFORE UPDATE ON "public"."orders" FOR EACH ROW EXECUTE FUNCTION "public"."set_updated_at"();
CREATE OR REPLACE TRIGGER "set_updated_at_profiles" BEFORE UPDATE ON "public"."profiles" FOR EACH ROW EXECUTE FUNCTION "public"."set_updated_at"();
CREATE OR REPLACE TRIGGER "set_updated_at_worker_assignments" BEFORE UPDATE ON "public"."worker_assignments" FOR EACH ROW EXECUTE FUNCTION "public"."set_updated_at"();

ALTER TABLE ONLY "public"."menus" ADD CONSTRAINT "menus_canteen_id_fkey" FOREIGN KEY ("canteen_id") REFERENCES "public"."canteens"("id");
ALTER TABLE ONLY "public"."orders" ADD CONSTRAINT "orders_menu_id_fkey" FOREIGN KEY ("menu_id") REFERENCES "public"."menus"("id") ON DELETE CASCADE;
ALTER TABLE ONLY "public"."orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE CASCADE;
ALTER TABLE ONLY "public"."profiles" ADD CONSTRAINT "profiles_canteen_id_fkey" FOREIGN KEY ("canteen_id") REFERENCES "public"."canteens"("id");
ALTER TABLE ONLY "public"."profiles" ADD CONSTRAINT "profiles_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id");
ALTER TABLE ONLY "public"."profiles" ADD CONSTRAINT "profiles_dietary_group_id_fkey" FOREIGN KEY ("dietary_group_id") REFERENCES "public"."dietary_groups"("id");
ALTER TABLE ONLY "public"."profiles" ADD CONSTRAINT "profiles_id_fkey" FOREIGN KEY ("id") REFERENCES "auth"."users"("id") ON DELETE CASCADE;
ALTER TABLE ONLY "public"."todo_list" ADD CONSTRAINT "todo_list_owner_fkey" FOREIGN KEY ("owner") REFERENCES "auth"."users"("id") ON DELETE CASCADE;
ALTER TABLE ONLY "public"."worker_assignments" ADD CONSTRAINT "worker_assignments_canteen_id_fkey" FOREIGN KEY ("canteen_id") REFERENCES "public"."canteens"("id");
ALTER TABLE ONLY "public"."worker_assignments" ADD CONSTRAINT "worker_assignments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE CASCADE;

ALTER TABLE "public"."profiles" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "public"."orders" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "public"."todo_list" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "public"."worker_assignments" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Owner can do everything" ON "public"."todo_list" TO "authenticated"
    USING (("owner" = "auth"."uid"())) WITH CHECK (("owner" = "auth"."uid"()));
CREATE POLICY "Users read their own profile" ON "public"."profiles" FOR SELECT TO "authenticated"
    USING (("id" = "auth"."uid"()));
CREATE POLICY "Users manage their own orders" ON "public"."orders" TO "authenticated"
    USING (("user_id" = "auth"."uid"())) WITH CHECK (("user_id" = "auth"."uid"()));
CREATE POLICY "Users read their assignments" ON "public"."worker_assignments" FOR SELECT TO "authenticated"
    USING (("user_id" = "auth"."uid"()));

GRANT USAGE ON SCHEMA "public" TO "anon";
GRANT USAGE ON SCHEMA "public" TO "authenticated";
GRANT ALL ON TABLE "public"."canteens" TO "authenticated";
GRANT ALL ON TABLE "public"."companies" TO "authenticated";
GRANT ALL ON TABLE "public"."dietary_groups" TO "anon";
GRANT ALL ON TABLE "public"."dietary_groups" TO "authenticated";
GRANT ALL ON TABLE "public"."menus" TO "authenticated";
GRANT ALL ON TABLE "public"."orders" TO "authenticated";
GRANT ALL ON TABLE "public"."profiles" TO "authenticated";
GRANT ALL ON TABLE "public"."todo_list" TO "authenticated";
GRANT ALL ON TABLE "public"."worker_assignments" TO "authenticated";

-- What the user already has: the dietary groups the menus are labelled with, and the first canteen.
INSERT INTO "public"."dietary_groups" ("name", "description") VALUES
    ('Standard', 'No restrictions'),
    ('Vegetarian', 'No meat or fish'),
    ('Vegan', 'No animal products'),
    ('Gluten-free', 'No wheat, barley or rye');
INSERT INTO "public"."canteens" ("name", "location") VALUES ('Main Plant Canteen', 'Building A, ground floor');
