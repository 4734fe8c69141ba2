-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Add column "requested_by_id" to table: "revisions"
ALTER TABLE `revisions` ADD COLUMN `requested_by_id` integer NULL;
-- Create "new_users" table
CREATE TABLE `new_users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `email` text NOT NULL, `display_name` text NOT NULL, `role` text NOT NULL, `password_hash` text NOT NULL, `disabled` bool NOT NULL DEFAULT (false), `token_epoch` integer NOT NULL DEFAULT (0), `totp_secret` text NULL, `totp_enabled` bool NOT NULL DEFAULT (false), `recovery_codes` json NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL);
-- Copy rows from old table "users" to new temporary table "new_users"
INSERT INTO `new_users` (`id`, `email`, `display_name`, `role`, `password_hash`, `disabled`, `token_epoch`, `created_at`, `updated_at`) SELECT `id`, `email`, `display_name`, `role`, `password_hash`, `disabled`, `token_epoch`, `created_at`, `updated_at` FROM `users`;
-- Drop "users" table after copying rows
DROP TABLE `users`;
-- Rename temporary table "new_users" to "users"
ALTER TABLE `new_users` RENAME TO `users`;
-- Create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
-- Create "review_requests" table
CREATE TABLE `review_requests` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `record_type` text NOT NULL, `record_id` integer NOT NULL, `revision` integer NOT NULL, `requested_at` datetime NOT NULL, `resolved_at` datetime NULL, `resolved_by_id` integer NULL, `requested_by_id` integer NOT NULL, CONSTRAINT `review_requests_users_review_requests` FOREIGN KEY (`requested_by_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- Create index "reviewrequest_record_type_record_id" to table: "review_requests"
CREATE INDEX `reviewrequest_record_type_record_id` ON `review_requests` (`record_type`, `record_id`);
-- Create index "reviewrequest_resolved_at" to table: "review_requests"
CREATE INDEX `reviewrequest_resolved_at` ON `review_requests` (`resolved_at`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
