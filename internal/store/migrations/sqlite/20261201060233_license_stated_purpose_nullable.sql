-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_communications" table
CREATE TABLE `new_communications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `reference` text NULL, `kind` text NOT NULL DEFAULT ('letter'), `sender` text NOT NULL, `recipient_state` text NULL, `recipient_name` text NULL, `copied_states` json NULL, `url` text NULL, `summary` text NULL, `questions_known` bool NOT NULL DEFAULT (false), `sent_on` text NULL, `sent_on_precision` text NULL, `in_reply_to_id` integer NULL, `recipient_vendor_id` integer NULL, CONSTRAINT `communications_communications_replies` FOREIGN KEY (`in_reply_to_id`) REFERENCES `communications` (`id`) ON DELETE SET NULL, CONSTRAINT `communications_vendors_communications` FOREIGN KEY (`recipient_vendor_id`) REFERENCES `vendors` (`id`) ON DELETE SET NULL);
-- Copy rows from old table "communications" to new temporary table "new_communications"
INSERT INTO `new_communications` (`id`, `created_at`, `updated_at`, `revision`, `status`, `retracted_at`, `retraction_reason`, `reference`, `kind`, `sender`, `recipient_state`, `recipient_name`, `copied_states`, `url`, `summary`, `sent_on`, `sent_on_precision`, `in_reply_to_id`, `recipient_vendor_id`) SELECT `id`, `created_at`, `updated_at`, `revision`, `status`, `retracted_at`, `retraction_reason`, `reference`, `kind`, `sender`, `recipient_state`, `recipient_name`, `copied_states`, `url`, `summary`, `sent_on`, `sent_on_precision`, `in_reply_to_id`, `recipient_vendor_id` FROM `communications`;
-- Drop "communications" table after copying rows
DROP TABLE `communications`;
-- Rename temporary table "new_communications" to "communications"
ALTER TABLE `new_communications` RENAME TO `communications`;
-- Create index "communication_status" to table: "communications"
CREATE INDEX `communication_status` ON `communications` (`status`);
-- Create index "communication_updated_at" to table: "communications"
CREATE INDEX `communication_updated_at` ON `communications` (`updated_at`);
-- Create index "communication_recipient_vendor_id" to table: "communications"
CREATE INDEX `communication_recipient_vendor_id` ON `communications` (`recipient_vendor_id`);
-- Create index "communication_recipient_state" to table: "communications"
CREATE INDEX `communication_recipient_state` ON `communications` (`recipient_state`);
-- Create index "communication_in_reply_to_id" to table: "communications"
CREATE INDEX `communication_in_reply_to_id` ON `communications` (`in_reply_to_id`);
-- Create "new_licenses" table
CREATE TABLE `new_licenses` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `kind` text NOT NULL, `issuing_authority` text NULL, `reference` text NULL, `license_status` text NOT NULL DEFAULT ('unknown'), `max_targets` integer NULL, `max_concurrent_targets` integer NULL, `volume_note` text NULL, `geography` json NULL, `geography_note` text NULL, `duration_note` text NULL, `stated_purpose` text NULL, `purpose_specificity` text NOT NULL DEFAULT ('unknown'), `control_list_entries` json NULL, `description` text NULL, `products_known` bool NOT NULL DEFAULT (false), `decision_date` text NULL, `decision_date_precision` text NULL, `valid_from` text NULL, `valid_from_precision` text NULL, `valid_until` text NULL, `valid_until_precision` text NULL, `end_user_agency_id` integer NULL, `end_user_state` text NULL, `exporting_state` text NULL, `vendor_id` integer NULL, CONSTRAINT `licenses_agencies_licenses` FOREIGN KEY (`end_user_agency_id`) REFERENCES `agencies` (`id`) ON DELETE SET NULL, CONSTRAINT `licenses_states_licenses_to` FOREIGN KEY (`end_user_state`) REFERENCES `states` (`id`) ON DELETE SET NULL, CONSTRAINT `licenses_states_licenses_from` FOREIGN KEY (`exporting_state`) REFERENCES `states` (`id`) ON DELETE SET NULL, CONSTRAINT `licenses_vendors_licenses` FOREIGN KEY (`vendor_id`) REFERENCES `vendors` (`id`) ON DELETE SET NULL);
-- Copy rows from old table "licenses" to new temporary table "new_licenses"
INSERT INTO `new_licenses` (`id`, `created_at`, `updated_at`, `revision`, `status`, `retracted_at`, `retraction_reason`, `kind`, `issuing_authority`, `reference`, `license_status`, `max_targets`, `max_concurrent_targets`, `volume_note`, `geography`, `geography_note`, `duration_note`, `stated_purpose`, `purpose_specificity`, `control_list_entries`, `description`, `decision_date`, `decision_date_precision`, `valid_from`, `valid_from_precision`, `valid_until`, `valid_until_precision`, `end_user_agency_id`, `end_user_state`, `exporting_state`, `vendor_id`) SELECT `id`, `created_at`, `updated_at`, `revision`, `status`, `retracted_at`, `retraction_reason`, `kind`, `issuing_authority`, `reference`, `license_status`, `max_targets`, `max_concurrent_targets`, `volume_note`, `geography`, `geography_note`, `duration_note`, `stated_purpose`, `purpose_specificity`, `control_list_entries`, `description`, `decision_date`, `decision_date_precision`, `valid_from`, `valid_from_precision`, `valid_until`, `valid_until_precision`, `end_user_agency_id`, `end_user_state`, `exporting_state`, `vendor_id` FROM `licenses`;
-- Drop "licenses" table after copying rows
DROP TABLE `licenses`;
-- Rename temporary table "new_licenses" to "licenses"
ALTER TABLE `new_licenses` RENAME TO `licenses`;
-- Create index "license_status" to table: "licenses"
CREATE INDEX `license_status` ON `licenses` (`status`);
-- Create index "license_updated_at" to table: "licenses"
CREATE INDEX `license_updated_at` ON `licenses` (`updated_at`);
-- Create index "license_vendor_id" to table: "licenses"
CREATE INDEX `license_vendor_id` ON `licenses` (`vendor_id`);
-- Create index "license_end_user_state" to table: "licenses"
CREATE INDEX `license_end_user_state` ON `licenses` (`end_user_state`);
-- Create index "license_end_user_agency_id" to table: "licenses"
CREATE INDEX `license_end_user_agency_id` ON `licenses` (`end_user_agency_id`);
-- Create index "license_exporting_state" to table: "licenses"
CREATE INDEX `license_exporting_state` ON `licenses` (`exporting_state`);
-- Create index "license_license_status" to table: "licenses"
CREATE INDEX `license_license_status` ON `licenses` (`license_status`);
-- Create index "license_valid_from" to table: "licenses"
CREATE INDEX `license_valid_from` ON `licenses` (`valid_from`);
-- Create index "license_valid_until" to table: "licenses"
CREATE INDEX `license_valid_until` ON `licenses` (`valid_until`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
-- Before this migration an empty stated purpose was stored as "unspecified", and
-- "no products" or "no questions" could not be told from "not known": each is now
-- unknown unless the record names some.
UPDATE licenses SET stated_purpose = NULL WHERE stated_purpose = 'unspecified';
UPDATE licenses SET products_known = true WHERE id IN (SELECT license_id FROM license_products);
UPDATE communications SET questions_known = true WHERE id IN (SELECT communication_id FROM questions);
