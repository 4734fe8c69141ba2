-- Drop index "license_end_user_state" from table: "licenses"
DROP INDEX "license_end_user_state";
-- Drop index "license_exporting_state" from table: "licenses"
DROP INDEX "license_exporting_state";
-- Drop index "license_vendor_id" from table: "licenses"
DROP INDEX "license_vendor_id";
-- Create index "license_end_user_state_status" to table: "licenses"
CREATE INDEX "license_end_user_state_status" ON "licenses" ("end_user_state", "status");
-- Create index "license_exporting_state_status" to table: "licenses"
CREATE INDEX "license_exporting_state_status" ON "licenses" ("exporting_state", "status");
-- Create index "license_vendor_id_status" to table: "licenses"
CREATE INDEX "license_vendor_id_status" ON "licenses" ("vendor_id", "status");
