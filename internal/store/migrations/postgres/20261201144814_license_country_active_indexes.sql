-- Drop index "license_end_user_state_status" from table: "licenses"
DROP INDEX "license_end_user_state_status";
-- Drop index "license_exporting_state_status" from table: "licenses"
DROP INDEX "license_exporting_state_status";
-- Create index "license_end_user_state_active" to table: "licenses"
CREATE INDEX "license_end_user_state_active" ON "licenses" ("end_user_state", "status", "id", "valid_from", "valid_until", "valid_until_precision");
-- Create index "license_exporting_state_active" to table: "licenses"
CREATE INDEX "license_exporting_state_active" ON "licenses" ("exporting_state", "status", "id", "valid_from", "valid_until", "valid_until_precision");
