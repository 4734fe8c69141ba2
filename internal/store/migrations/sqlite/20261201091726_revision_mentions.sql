-- Create "revision_mentions" table
CREATE TABLE `revision_mentions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `country` text NULL, `vendor_id` integer NULL, `revision_id` integer NOT NULL, CONSTRAINT `revision_mentions_revisions_mentions` FOREIGN KEY (`revision_id`) REFERENCES `revisions` (`id`) ON DELETE NO ACTION);
-- Create index "revisionmention_country_revision_id" to table: "revision_mentions"
CREATE INDEX `revisionmention_country_revision_id` ON `revision_mentions` (`country`, `revision_id`);
-- Create index "revisionmention_vendor_id_revision_id" to table: "revision_mentions"
CREATE INDEX `revisionmention_vendor_id_revision_id` ON `revision_mentions` (`vendor_id`, `revision_id`);
-- Create index "revisionmention_revision_id" to table: "revision_mentions"
CREATE INDEX `revisionmention_revision_id` ON `revision_mentions` (`revision_id`);

-- Backfill: the countries and vendors every revision written before this migration
-- names, as store.mentions would have written them (the fields in store.countryFields,
-- store.countryLists and store.vendorFields; a vendor's own revisions name it).
INSERT INTO `revision_mentions` (`revision_id`, `country`)
  SELECT id, json_extract(after, '$.headquarters_country') FROM revisions WHERE json_type(after, '$.headquarters_country') = 'text'
  UNION SELECT id, json_extract(after, '$.state_code') FROM revisions WHERE json_type(after, '$.state_code') = 'text'
  UNION SELECT id, json_extract(after, '$.end_user_state') FROM revisions WHERE json_type(after, '$.end_user_state') = 'text'
  UNION SELECT id, json_extract(after, '$.exporting_state') FROM revisions WHERE json_type(after, '$.exporting_state') = 'text'
  UNION SELECT id, json_extract(after, '$.operator_state') FROM revisions WHERE json_type(after, '$.operator_state') = 'text'
  UNION SELECT id, json_extract(after, '$.target_country') FROM revisions WHERE json_type(after, '$.target_country') = 'text'
  UNION SELECT id, json_extract(after, '$.recipient_state') FROM revisions WHERE json_type(after, '$.recipient_state') = 'text'
  UNION SELECT r.id, j.value FROM revisions r, json_each(r.after, '$.other_jurisdictions') j WHERE json_type(r.after, '$.other_jurisdictions') = 'array' AND j.type = 'text'
  UNION SELECT r.id, j.value FROM revisions r, json_each(r.after, '$.copied_states') j WHERE json_type(r.after, '$.copied_states') = 'array' AND j.type = 'text'
  UNION SELECT r.id, j.value FROM revisions r, json_each(r.after, '$.geography') j WHERE json_type(r.after, '$.geography') = 'array' AND j.type = 'text';
INSERT INTO `revision_mentions` (`revision_id`, `vendor_id`)
  SELECT id, record_id FROM revisions WHERE record_type = 'vendor'
  UNION SELECT id, CAST(json_extract(after, '$.vendor_id') AS INTEGER) FROM revisions WHERE json_type(after, '$.vendor_id') IN ('text', 'integer')
  UNION SELECT id, CAST(json_extract(after, '$.recipient_vendor_id') AS INTEGER) FROM revisions WHERE json_type(after, '$.recipient_vendor_id') IN ('text', 'integer');
