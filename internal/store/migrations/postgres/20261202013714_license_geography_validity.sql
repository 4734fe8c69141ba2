-- Modify "license_geographies" table
ALTER TABLE "license_geographies" ADD COLUMN "status" character varying NULL, ADD COLUMN "valid_from" character varying NULL, ADD COLUMN "valid_until" character varying NULL, ADD COLUMN "valid_until_precision" character varying NULL;
-- Create index "licensegeography_country_active" to table: "license_geographies"
CREATE INDEX "licensegeography_country_active" ON "license_geographies" ("country", "status", "license_id", "valid_from", "valid_until", "valid_until_precision");
-- Hand-made below (the ent schema cannot say triggers; internal/store/gen does not
-- read them): each geography row carries its licence's status and validity, so that a
-- public covers= list filtered by nothing else is one walk of the rows' index
-- (ent/schema/licensegeography.go). The database writes the copies: when a row is
-- inserted, from its licence, and whenever an UPDATE changes one of them on the
-- licence (an edit that leaves them as they were writes no row).
-- The rows already there are filled here.
UPDATE "license_geographies" AS g SET "status" = l."status", "valid_from" = l."valid_from", "valid_until" = l."valid_until",
  "valid_until_precision" = l."valid_until_precision" FROM "licenses" AS l WHERE l."id" = g."license_id";
CREATE FUNCTION "license_geographies_validity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT l."status", l."valid_from", l."valid_until", l."valid_until_precision"
    INTO NEW."status", NEW."valid_from", NEW."valid_until", NEW."valid_until_precision"
    FROM "licenses" AS l WHERE l."id" = NEW."license_id";
  RETURN NEW;
END $$;
CREATE TRIGGER "license_geographies_validity" BEFORE INSERT ON "license_geographies" FOR EACH ROW EXECUTE FUNCTION "license_geographies_validity"();
CREATE FUNCTION "license_geographies_license"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "license_geographies" SET "status" = NEW."status", "valid_from" = NEW."valid_from", "valid_until" = NEW."valid_until",
    "valid_until_precision" = NEW."valid_until_precision" WHERE "license_id" = NEW."id";
  RETURN NULL;
END $$;
CREATE TRIGGER "license_geographies_license" AFTER UPDATE OF "status", "valid_from", "valid_until", "valid_until_precision" ON "licenses" FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."valid_from" IS DISTINCT FROM NEW."valid_from" OR OLD."valid_until" IS DISTINCT FROM NEW."valid_until"
    OR OLD."valid_until_precision" IS DISTINCT FROM NEW."valid_until_precision")
  EXECUTE FUNCTION "license_geographies_license"();
