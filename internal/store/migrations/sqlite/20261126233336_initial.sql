-- Create "agencies" table
CREATE TABLE `agencies` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `name` text NOT NULL, `kind` text NOT NULL DEFAULT ('unknown'), `aliases` json NULL, `description` text NULL, `parent_id` integer NULL, `state_code` text NOT NULL, CONSTRAINT `agencies_agencies_subagencies` FOREIGN KEY (`parent_id`) REFERENCES `agencies` (`id`) ON DELETE SET NULL, CONSTRAINT `agencies_states_agencies` FOREIGN KEY (`state_code`) REFERENCES `states` (`id`) ON DELETE NO ACTION);
-- Create index "agency_status" to table: "agencies"
CREATE INDEX `agency_status` ON `agencies` (`status`);
-- Create index "agency_updated_at" to table: "agencies"
CREATE INDEX `agency_updated_at` ON `agencies` (`updated_at`);
-- Create index "agency_state_code" to table: "agencies"
CREATE INDEX `agency_state_code` ON `agencies` (`state_code`);
-- Create index "agency_parent_id" to table: "agencies"
CREATE INDEX `agency_parent_id` ON `agencies` (`parent_id`);
-- Create index "agency_name" to table: "agencies"
CREATE INDEX `agency_name` ON `agencies` (`name`);
-- Create "allegations" table
CREATE TABLE `allegations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `operator_state` text NULL, `target_category` text NOT NULL DEFAULT ('unknown'), `target_country` text NULL, `allegation_status` text NOT NULL DEFAULT ('alleged'), `summary` text NULL, `vendor_reply` text NULL, `period_start` text NULL, `period_start_precision` text NULL, `period_end` text NULL, `period_end_precision` text NULL, `operator_agency_id` integer NULL, `product_id` integer NULL, `vendor_id` integer NULL, CONSTRAINT `allegations_agencies_allegations` FOREIGN KEY (`operator_agency_id`) REFERENCES `agencies` (`id`) ON DELETE SET NULL, CONSTRAINT `allegations_products_allegations` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE SET NULL, CONSTRAINT `allegations_vendors_allegations` FOREIGN KEY (`vendor_id`) REFERENCES `vendors` (`id`) ON DELETE SET NULL);
-- Create index "allegation_status" to table: "allegations"
CREATE INDEX `allegation_status` ON `allegations` (`status`);
-- Create index "allegation_updated_at" to table: "allegations"
CREATE INDEX `allegation_updated_at` ON `allegations` (`updated_at`);
-- Create index "allegation_vendor_id" to table: "allegations"
CREATE INDEX `allegation_vendor_id` ON `allegations` (`vendor_id`);
-- Create index "allegation_product_id" to table: "allegations"
CREATE INDEX `allegation_product_id` ON `allegations` (`product_id`);
-- Create index "allegation_operator_state" to table: "allegations"
CREATE INDEX `allegation_operator_state` ON `allegations` (`operator_state`);
-- Create index "allegation_operator_agency_id" to table: "allegations"
CREATE INDEX `allegation_operator_agency_id` ON `allegations` (`operator_agency_id`);
-- Create index "allegation_target_country" to table: "allegations"
CREATE INDEX `allegation_target_country` ON `allegations` (`target_country`);
-- Create index "allegation_allegation_status" to table: "allegations"
CREATE INDEX `allegation_allegation_status` ON `allegations` (`allegation_status`);
-- Create "citations" table
CREATE TABLE `citations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `record_type` text NOT NULL, `record_id` integer NOT NULL, `fields` json NULL, `locator` text NULL, `confidence` text NOT NULL, `created_at` datetime NOT NULL, `source_id` integer NOT NULL, CONSTRAINT `citations_sources_citations` FOREIGN KEY (`source_id`) REFERENCES `sources` (`id`) ON DELETE NO ACTION);
-- Create index "citation_record_type_record_id" to table: "citations"
CREATE INDEX `citation_record_type_record_id` ON `citations` (`record_type`, `record_id`);
-- Create index "citation_source_id" to table: "citations"
CREATE INDEX `citation_source_id` ON `citations` (`source_id`);
-- Create "communications" table
CREATE TABLE `communications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `reference` text NULL, `kind` text NOT NULL DEFAULT ('letter'), `sender` text NOT NULL, `recipient_state` text NULL, `recipient_name` text NULL, `copied_states` json NULL, `url` text NULL, `summary` text NULL, `sent_on` text NULL, `sent_on_precision` text NULL, `in_reply_to_id` integer NULL, `recipient_vendor_id` integer NULL, CONSTRAINT `communications_communications_replies` FOREIGN KEY (`in_reply_to_id`) REFERENCES `communications` (`id`) ON DELETE SET NULL, CONSTRAINT `communications_vendors_communications` FOREIGN KEY (`recipient_vendor_id`) REFERENCES `vendors` (`id`) ON DELETE SET NULL);
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
-- Create "licenses" table
CREATE TABLE `licenses` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `kind` text NOT NULL, `issuing_authority` text NULL, `reference` text NULL, `license_status` text NOT NULL DEFAULT ('unknown'), `max_targets` integer NULL, `max_concurrent_targets` integer NULL, `volume_note` text NULL, `geography` json NULL, `geography_note` text NULL, `duration_note` text NULL, `stated_purpose` text NOT NULL DEFAULT ('unspecified'), `purpose_specificity` text NOT NULL DEFAULT ('unknown'), `control_list_entries` json NULL, `description` text NULL, `decision_date` text NULL, `decision_date_precision` text NULL, `valid_from` text NULL, `valid_from_precision` text NULL, `valid_until` text NULL, `valid_until_precision` text NULL, `end_user_agency_id` integer NULL, `end_user_state` text NULL, `exporting_state` text NULL, `vendor_id` integer NULL, CONSTRAINT `licenses_agencies_licenses` FOREIGN KEY (`end_user_agency_id`) REFERENCES `agencies` (`id`) ON DELETE SET NULL, CONSTRAINT `licenses_states_licenses_to` FOREIGN KEY (`end_user_state`) REFERENCES `states` (`id`) ON DELETE SET NULL, CONSTRAINT `licenses_states_licenses_from` FOREIGN KEY (`exporting_state`) REFERENCES `states` (`id`) ON DELETE SET NULL, CONSTRAINT `licenses_vendors_licenses` FOREIGN KEY (`vendor_id`) REFERENCES `vendors` (`id`) ON DELETE SET NULL);
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
-- Create "products" table
CREATE TABLE `products` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `name` text NOT NULL, `categories` json NULL, `capabilities` json NULL, `control_list_entries` json NULL, `description` text NULL, `vendor_id` integer NOT NULL, CONSTRAINT `products_vendors_products` FOREIGN KEY (`vendor_id`) REFERENCES `vendors` (`id`) ON DELETE NO ACTION);
-- Create index "product_status" to table: "products"
CREATE INDEX `product_status` ON `products` (`status`);
-- Create index "product_updated_at" to table: "products"
CREATE INDEX `product_updated_at` ON `products` (`updated_at`);
-- Create index "product_vendor_id" to table: "products"
CREATE INDEX `product_vendor_id` ON `products` (`vendor_id`);
-- Create index "product_name" to table: "products"
CREATE INDEX `product_name` ON `products` (`name`);
-- Create "questions" table
CREATE TABLE `questions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `position` integer NOT NULL, `topic` text NULL, `text` text NOT NULL, `answer_status` text NOT NULL DEFAULT ('unknown'), `answer_note` text NULL, `communication_id` integer NOT NULL, CONSTRAINT `questions_communications_questions` FOREIGN KEY (`communication_id`) REFERENCES `communications` (`id`) ON DELETE NO ACTION);
-- Create index "question_communication_id_position" to table: "questions"
CREATE UNIQUE INDEX `question_communication_id_position` ON `questions` (`communication_id`, `position`);
-- Create "refresh_tokens" table
CREATE TABLE `refresh_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `token_hash` text NOT NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `used_at` datetime NULL, `session_id` text NOT NULL, CONSTRAINT `refresh_tokens_sessions_refresh_tokens` FOREIGN KEY (`session_id`) REFERENCES `sessions` (`id`) ON DELETE NO ACTION);
-- Create index "refresh_tokens_token_hash_key" to table: "refresh_tokens"
CREATE UNIQUE INDEX `refresh_tokens_token_hash_key` ON `refresh_tokens` (`token_hash`);
-- Create index "refreshtoken_session_id" to table: "refresh_tokens"
CREATE INDEX `refreshtoken_session_id` ON `refresh_tokens` (`session_id`);
-- Create "revisions" table
CREATE TABLE `revisions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `record_type` text NOT NULL, `record_id` integer NOT NULL, `revision` integer NOT NULL, `at` datetime NOT NULL, `action` text NOT NULL, `public` bool NOT NULL DEFAULT (false), `before` json NULL, `after` json NULL, `reason` text NULL, `request_id` text NULL, `actor_id` integer NULL, CONSTRAINT `revisions_users_revisions` FOREIGN KEY (`actor_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- Create index "revision_record_type_record_id_revision" to table: "revisions"
CREATE UNIQUE INDEX `revision_record_type_record_id_revision` ON `revisions` (`record_type`, `record_id`, `revision`);
-- Create index "revision_public" to table: "revisions"
CREATE INDEX `revision_public` ON `revisions` (`public`);
-- Create "sessions" table
CREATE TABLE `sessions` (`id` text NOT NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `revoked_at` datetime NULL, `revoked_reason` text NULL, `user_id` integer NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `sessions_users_sessions` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- Create index "session_user_id" to table: "sessions"
CREATE INDEX `session_user_id` ON `sessions` (`user_id`);
-- Create "settings" table
CREATE TABLE `settings` (`id` text NOT NULL, `value` text NOT NULL, `updated_at` datetime NOT NULL, PRIMARY KEY (`id`));
-- Create "sources" table
CREATE TABLE `sources` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `kind` text NOT NULL, `title` text NOT NULL, `publisher` text NULL, `url` text NULL, `archived_url` text NULL, `document_symbol` text NULL, `language` text NULL, `description` text NULL, `published_on` text NULL, `published_on_precision` text NULL);
-- Create index "source_status" to table: "sources"
CREATE INDEX `source_status` ON `sources` (`status`);
-- Create index "source_updated_at" to table: "sources"
CREATE INDEX `source_updated_at` ON `sources` (`updated_at`);
-- Create index "source_kind" to table: "sources"
CREATE INDEX `source_kind` ON `sources` (`kind`);
-- Create index "source_document_symbol" to table: "sources"
CREATE INDEX `source_document_symbol` ON `sources` (`document_symbol`);
-- Create "states" table
CREATE TABLE `states` (`id` text NOT NULL, `alpha3` text NOT NULL, `name` text NOT NULL, `official` bool NOT NULL DEFAULT (true), PRIMARY KEY (`id`));
-- Create "terminations" table
CREATE TABLE `terminations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `state_code` text NULL, `initiated_by` text NOT NULL DEFAULT ('unknown'), `reason` text NOT NULL DEFAULT ('unknown'), `human_rights_basis` text NOT NULL DEFAULT ('unknown'), `rights_involved` json NULL, `scope` text NOT NULL DEFAULT ('unknown'), `reported_to` json NULL, `description` text NULL, `terminated_on` text NULL, `terminated_on_precision` text NULL, `agency_id` integer NULL, `license_id` integer NULL, `vendor_id` integer NOT NULL, CONSTRAINT `terminations_agencies_terminations` FOREIGN KEY (`agency_id`) REFERENCES `agencies` (`id`) ON DELETE SET NULL, CONSTRAINT `terminations_licenses_terminations` FOREIGN KEY (`license_id`) REFERENCES `licenses` (`id`) ON DELETE SET NULL, CONSTRAINT `terminations_vendors_terminations` FOREIGN KEY (`vendor_id`) REFERENCES `vendors` (`id`) ON DELETE NO ACTION);
-- Create index "termination_status" to table: "terminations"
CREATE INDEX `termination_status` ON `terminations` (`status`);
-- Create index "termination_updated_at" to table: "terminations"
CREATE INDEX `termination_updated_at` ON `terminations` (`updated_at`);
-- Create index "termination_vendor_id" to table: "terminations"
CREATE INDEX `termination_vendor_id` ON `terminations` (`vendor_id`);
-- Create index "termination_license_id" to table: "terminations"
CREATE INDEX `termination_license_id` ON `terminations` (`license_id`);
-- Create index "termination_state_code" to table: "terminations"
CREATE INDEX `termination_state_code` ON `terminations` (`state_code`);
-- Create index "termination_agency_id" to table: "terminations"
CREATE INDEX `termination_agency_id` ON `terminations` (`agency_id`);
-- Create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `email` text NOT NULL, `display_name` text NOT NULL, `role` text NOT NULL, `password_hash` text NOT NULL, `disabled` bool NOT NULL DEFAULT (false), `token_epoch` integer NOT NULL DEFAULT (0), `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL);
-- Create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
-- Create "vendors" table
CREATE TABLE `vendors` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `revision` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('draft'), `retracted_at` datetime NULL, `retraction_reason` text NULL, `slug` text NOT NULL, `name` text NOT NULL, `aliases` json NULL, `other_jurisdictions` json NULL, `website` text NULL, `ungp_commitment` text NOT NULL DEFAULT ('unknown'), `human_rights_policy_url` text NULL, `whistleblower_policy_url` text NULL, `designations` json NULL, `description` text NULL, `headquarters_country` text NULL, `parent_id` integer NULL, CONSTRAINT `vendors_states_vendors` FOREIGN KEY (`headquarters_country`) REFERENCES `states` (`id`) ON DELETE SET NULL, CONSTRAINT `vendors_vendors_subsidiaries` FOREIGN KEY (`parent_id`) REFERENCES `vendors` (`id`) ON DELETE SET NULL);
-- Create index "vendors_slug_key" to table: "vendors"
CREATE UNIQUE INDEX `vendors_slug_key` ON `vendors` (`slug`);
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
-- Create "license_products" table
CREATE TABLE `license_products` (`license_id` integer NOT NULL, `product_id` integer NOT NULL, PRIMARY KEY (`license_id`, `product_id`), CONSTRAINT `license_products_license_id` FOREIGN KEY (`license_id`) REFERENCES `licenses` (`id`) ON DELETE CASCADE, CONSTRAINT `license_products_product_id` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE CASCADE);
