-- Drop index "allegation_vendor_id" from table: "allegations"
DROP INDEX `allegation_vendor_id`;
-- Drop index "allegation_operator_state" from table: "allegations"
DROP INDEX `allegation_operator_state`;
-- Drop index "allegation_target_country" from table: "allegations"
DROP INDEX `allegation_target_country`;
-- Create index "allegation_vendor_id_status" to table: "allegations"
CREATE INDEX `allegation_vendor_id_status` ON `allegations` (`vendor_id`, `status`);
-- Create index "allegation_operator_state_status" to table: "allegations"
CREATE INDEX `allegation_operator_state_status` ON `allegations` (`operator_state`, `status`);
-- Create index "allegation_target_country_status" to table: "allegations"
CREATE INDEX `allegation_target_country_status` ON `allegations` (`target_country`, `status`);
-- Drop index "termination_vendor_id" from table: "terminations"
DROP INDEX `termination_vendor_id`;
-- Drop index "termination_state_code" from table: "terminations"
DROP INDEX `termination_state_code`;
-- Drop index "termination_agency_id" from table: "terminations"
DROP INDEX `termination_agency_id`;
-- Create index "termination_vendor_id_status" to table: "terminations"
CREATE INDEX `termination_vendor_id_status` ON `terminations` (`vendor_id`, `status`);
-- Create index "termination_state_code_status" to table: "terminations"
CREATE INDEX `termination_state_code_status` ON `terminations` (`state_code`, `status`);
-- Create index "termination_agency_id_status" to table: "terminations"
CREATE INDEX `termination_agency_id_status` ON `terminations` (`agency_id`, `status`);
