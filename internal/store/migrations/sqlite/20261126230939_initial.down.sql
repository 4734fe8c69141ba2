-- reverse: create "license_products" table
DROP TABLE `license_products`;
-- reverse: create index "vendor_name" to table: "vendors"
DROP INDEX `vendor_name`;
-- reverse: create index "vendor_parent_id" to table: "vendors"
DROP INDEX `vendor_parent_id`;
-- reverse: create index "vendor_headquarters_country" to table: "vendors"
DROP INDEX `vendor_headquarters_country`;
-- reverse: create index "vendor_updated_at" to table: "vendors"
DROP INDEX `vendor_updated_at`;
-- reverse: create index "vendor_status" to table: "vendors"
DROP INDEX `vendor_status`;
-- reverse: create index "vendors_slug_key" to table: "vendors"
DROP INDEX `vendors_slug_key`;
-- reverse: create "vendors" table
DROP TABLE `vendors`;
-- reverse: create index "users_email_key" to table: "users"
DROP INDEX `users_email_key`;
-- reverse: create "users" table
DROP TABLE `users`;
-- reverse: create index "termination_agency_id" to table: "terminations"
DROP INDEX `termination_agency_id`;
-- reverse: create index "termination_state_code" to table: "terminations"
DROP INDEX `termination_state_code`;
-- reverse: create index "termination_license_id" to table: "terminations"
DROP INDEX `termination_license_id`;
-- reverse: create index "termination_vendor_id" to table: "terminations"
DROP INDEX `termination_vendor_id`;
-- reverse: create index "termination_updated_at" to table: "terminations"
DROP INDEX `termination_updated_at`;
-- reverse: create index "termination_status" to table: "terminations"
DROP INDEX `termination_status`;
-- reverse: create "terminations" table
DROP TABLE `terminations`;
-- reverse: create "states" table
DROP TABLE `states`;
-- reverse: create index "source_document_symbol" to table: "sources"
DROP INDEX `source_document_symbol`;
-- reverse: create index "source_kind" to table: "sources"
DROP INDEX `source_kind`;
-- reverse: create index "source_updated_at" to table: "sources"
DROP INDEX `source_updated_at`;
-- reverse: create index "source_status" to table: "sources"
DROP INDEX `source_status`;
-- reverse: create "sources" table
DROP TABLE `sources`;
-- reverse: create "settings" table
DROP TABLE `settings`;
-- reverse: create index "revision_public" to table: "revisions"
DROP INDEX `revision_public`;
-- reverse: create index "revision_record_type_record_id_revision" to table: "revisions"
DROP INDEX `revision_record_type_record_id_revision`;
-- reverse: create "revisions" table
DROP TABLE `revisions`;
-- reverse: create index "question_communication_id_position" to table: "questions"
DROP INDEX `question_communication_id_position`;
-- reverse: create "questions" table
DROP TABLE `questions`;
-- reverse: create index "product_name" to table: "products"
DROP INDEX `product_name`;
-- reverse: create index "product_vendor_id" to table: "products"
DROP INDEX `product_vendor_id`;
-- reverse: create index "product_updated_at" to table: "products"
DROP INDEX `product_updated_at`;
-- reverse: create index "product_status" to table: "products"
DROP INDEX `product_status`;
-- reverse: create "products" table
DROP TABLE `products`;
-- reverse: create index "license_valid_until" to table: "licenses"
DROP INDEX `license_valid_until`;
-- reverse: create index "license_valid_from" to table: "licenses"
DROP INDEX `license_valid_from`;
-- reverse: create index "license_license_status" to table: "licenses"
DROP INDEX `license_license_status`;
-- reverse: create index "license_exporting_state" to table: "licenses"
DROP INDEX `license_exporting_state`;
-- reverse: create index "license_end_user_agency_id" to table: "licenses"
DROP INDEX `license_end_user_agency_id`;
-- reverse: create index "license_end_user_state" to table: "licenses"
DROP INDEX `license_end_user_state`;
-- reverse: create index "license_vendor_id" to table: "licenses"
DROP INDEX `license_vendor_id`;
-- reverse: create index "license_updated_at" to table: "licenses"
DROP INDEX `license_updated_at`;
-- reverse: create index "license_status" to table: "licenses"
DROP INDEX `license_status`;
-- reverse: create "licenses" table
DROP TABLE `licenses`;
-- reverse: create index "communication_in_reply_to_id" to table: "communications"
DROP INDEX `communication_in_reply_to_id`;
-- reverse: create index "communication_recipient_state" to table: "communications"
DROP INDEX `communication_recipient_state`;
-- reverse: create index "communication_recipient_vendor_id" to table: "communications"
DROP INDEX `communication_recipient_vendor_id`;
-- reverse: create index "communication_updated_at" to table: "communications"
DROP INDEX `communication_updated_at`;
-- reverse: create index "communication_status" to table: "communications"
DROP INDEX `communication_status`;
-- reverse: create "communications" table
DROP TABLE `communications`;
-- reverse: create index "citation_source_id" to table: "citations"
DROP INDEX `citation_source_id`;
-- reverse: create index "citation_record_type_record_id" to table: "citations"
DROP INDEX `citation_record_type_record_id`;
-- reverse: create "citations" table
DROP TABLE `citations`;
-- reverse: create index "allegation_allegation_status" to table: "allegations"
DROP INDEX `allegation_allegation_status`;
-- reverse: create index "allegation_target_country" to table: "allegations"
DROP INDEX `allegation_target_country`;
-- reverse: create index "allegation_operator_agency_id" to table: "allegations"
DROP INDEX `allegation_operator_agency_id`;
-- reverse: create index "allegation_operator_state" to table: "allegations"
DROP INDEX `allegation_operator_state`;
-- reverse: create index "allegation_product_id" to table: "allegations"
DROP INDEX `allegation_product_id`;
-- reverse: create index "allegation_vendor_id" to table: "allegations"
DROP INDEX `allegation_vendor_id`;
-- reverse: create index "allegation_updated_at" to table: "allegations"
DROP INDEX `allegation_updated_at`;
-- reverse: create index "allegation_status" to table: "allegations"
DROP INDEX `allegation_status`;
-- reverse: create "allegations" table
DROP TABLE `allegations`;
-- reverse: create index "agency_name" to table: "agencies"
DROP INDEX `agency_name`;
-- reverse: create index "agency_parent_id" to table: "agencies"
DROP INDEX `agency_parent_id`;
-- reverse: create index "agency_state_code" to table: "agencies"
DROP INDEX `agency_state_code`;
-- reverse: create index "agency_updated_at" to table: "agencies"
DROP INDEX `agency_updated_at`;
-- reverse: create index "agency_status" to table: "agencies"
DROP INDEX `agency_status`;
-- reverse: create "agencies" table
DROP TABLE `agencies`;
