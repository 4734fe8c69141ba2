-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_vendors" table
CREATE TABLE `new_vendors` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `slug` text NOT NULL, `name` text NOT NULL, `aliases` json NULL, `other_jurisdictions` json NULL, `website` text NULL, `ungp_commitment` text NOT NULL DEFAULT ('unknown'), `human_rights_policy_url` text NULL, `whistleblower_policy_url` text NULL, `designations` json NULL, `description` text NULL, `external_id` text NULL, `headquarters_country` text NULL, `parent_id` integer NULL, CONSTRAINT `vendors_states_vendors` FOREIGN KEY (`headquarters_country`) REFERENCES `states` (`id`) ON DELETE SET NULL, CONSTRAINT `vendors_vendors_subsidiaries` FOREIGN KEY (`parent_id`) REFERENCES `vendors` (`id`) ON DELETE SET NULL);
-- Copy rows from old table "vendors" to new temporary table "new_vendors"
INSERT INTO `new_vendors` (`id`, `created_at`, `updated_at`, `revision`, `status`, `retracted_at`, `retraction_reason`, `slug`, `name`, `aliases`, `other_jurisdictions`, `website`, `ungp_commitment`, `human_rights_policy_url`, `whistleblower_policy_url`, `designations`, `description`, `headquarters_country`, `parent_id`) SELECT `id`, `created_at`, `updated_at`, `revision`, `status`, `retracted_at`, `retraction_reason`, `slug`, `name`, `aliases`, `other_jurisdictions`, `website`, `ungp_commitment`, `human_rights_policy_url`, `whistleblower_policy_url`, `designations`, `description`, `headquarters_country`, `parent_id` FROM `vendors`;
-- Drop "vendors" table after copying rows
DROP TABLE `vendors`;
-- Rename temporary table "new_vendors" to "vendors"
ALTER TABLE `new_vendors` RENAME TO `vendors`;
-- Create index "vendors_slug_key" to table: "vendors"
CREATE UNIQUE INDEX `vendors_slug_key` ON `vendors` (`slug`);
-- Create index "vendors_external_id_key" to table: "vendors"
CREATE UNIQUE INDEX `vendors_external_id_key` ON `vendors` (`external_id`);
-- Create index "vendor_status" to table: "vendors"
CREATE INDEX `vendor_status` ON `vendors` (`status`);
-- Create index "vendor_updated_at" to table: "vendors"
CREATE INDEX `vendor_updated_at` ON `vendors` (`updated_at`);
-- Create index "vendor_headquarters_country" to table: "vendors"
CREATE INDEX `vendor_headquarters_country` ON `vendors` (`headquarters_country`);
-- Create index "vendor_parent_id" to table: "vendors"
CREATE INDEX `vendor_parent_id` ON `vendors` (`parent_id`);
-- Create index "vendor_name" to table: "vendors"
CREATE INDEX `vendor_name` ON `vendors` (`name`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
