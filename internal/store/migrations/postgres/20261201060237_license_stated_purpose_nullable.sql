-- Modify "communications" table
ALTER TABLE "communications" ADD COLUMN "questions_known" boolean NOT NULL DEFAULT false;
-- Modify "licenses" table
ALTER TABLE "licenses" ALTER COLUMN "stated_purpose" DROP NOT NULL, ALTER COLUMN "stated_purpose" DROP DEFAULT, ADD COLUMN "products_known" boolean NOT NULL DEFAULT false;
-- Before this migration an empty stated purpose was stored as "unspecified", and
-- "no products" or "no questions" could not be told from "not known": each is now
-- unknown unless the record names some.
UPDATE licenses SET stated_purpose = NULL WHERE stated_purpose = 'unspecified';
UPDATE licenses SET products_known = true WHERE id IN (SELECT license_id FROM license_products);
UPDATE communications SET questions_known = true WHERE id IN (SELECT communication_id FROM questions);
