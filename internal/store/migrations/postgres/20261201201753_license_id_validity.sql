-- Create index "license_id_validity" to table: "licenses"
CREATE INDEX "license_id_validity" ON "licenses" ("id", "status", "valid_from", "valid_until", "valid_until_precision");
