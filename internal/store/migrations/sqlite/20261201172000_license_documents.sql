-- Licence documents: each licence's public JSON as the API writes it in a list, so
-- that a public JSON list the response cache cannot answer is an index walk and a
-- concatenation (store/licensedocs.go). Hand-made: the ent schema cannot say
-- triggers, and internal/store/gen leaves these objects alone.
--   gen   counts the changes that made the document stale; a document is written
--         only for the gen it was rendered at, so a change that commits while a
--         document is rendered is never covered by it.
--   build names the binary that rendered body; a document of another build is
--         not served (a change of the code may change the JSON).
--   body  the JSON; NULL while stale.
-- Every change that can change a licence's public JSON makes it stale in the same
-- statement, through the triggers below: the licence itself, its citations, its
-- products, and the sources its citations name (title, kind, status, ...). A later
-- migration that rebuilds one of these tables (SQLite's way to change a column)
-- drops its triggers and must create them again (TestLicenseDocumentsFollowEveryChange fails
-- until it does).
CREATE TABLE `license_documents` (`license_id` integer NOT NULL PRIMARY KEY, `gen` integer NOT NULL DEFAULT 0, `build` text NULL, `body` text NULL);
CREATE INDEX `license_documents_stale` ON `license_documents` (`license_id`) WHERE `body` IS NULL;
INSERT INTO `license_documents` (`license_id`) SELECT `id` FROM `licenses`;
CREATE TRIGGER `license_documents_license_insert` AFTER INSERT ON `licenses` BEGIN INSERT INTO `license_documents` (`license_id`) VALUES (new.`id`) ON CONFLICT (`license_id`) DO UPDATE SET `gen` = `gen` + 1, `build` = NULL, `body` = NULL; END;
CREATE TRIGGER `license_documents_license_update` AFTER UPDATE ON `licenses` BEGIN UPDATE `license_documents` SET `gen` = `gen` + 1, `build` = NULL, `body` = NULL WHERE `license_id` IN (old.`id`, new.`id`); END;
CREATE TRIGGER `license_documents_license_delete` AFTER DELETE ON `licenses` BEGIN DELETE FROM `license_documents` WHERE `license_id` = old.`id`; END;
CREATE TRIGGER `license_documents_citation_insert` AFTER INSERT ON `citations` WHEN new.`record_type` = 'license' BEGIN UPDATE `license_documents` SET `gen` = `gen` + 1, `build` = NULL, `body` = NULL WHERE `license_id` = new.`record_id`; END;
CREATE TRIGGER `license_documents_citation_update` AFTER UPDATE ON `citations` WHEN old.`record_type` = 'license' OR new.`record_type` = 'license' BEGIN UPDATE `license_documents` SET `gen` = `gen` + 1, `build` = NULL, `body` = NULL WHERE (old.`record_type` = 'license' AND `license_id` = old.`record_id`) OR (new.`record_type` = 'license' AND `license_id` = new.`record_id`); END;
CREATE TRIGGER `license_documents_citation_delete` AFTER DELETE ON `citations` WHEN old.`record_type` = 'license' BEGIN UPDATE `license_documents` SET `gen` = `gen` + 1, `build` = NULL, `body` = NULL WHERE `license_id` = old.`record_id`; END;
CREATE TRIGGER `license_documents_product_insert` AFTER INSERT ON `license_products` BEGIN UPDATE `license_documents` SET `gen` = `gen` + 1, `build` = NULL, `body` = NULL WHERE `license_id` = new.`license_id`; END;
CREATE TRIGGER `license_documents_product_update` AFTER UPDATE ON `license_products` BEGIN UPDATE `license_documents` SET `gen` = `gen` + 1, `build` = NULL, `body` = NULL WHERE `license_id` IN (old.`license_id`, new.`license_id`); END;
CREATE TRIGGER `license_documents_product_delete` AFTER DELETE ON `license_products` BEGIN UPDATE `license_documents` SET `gen` = `gen` + 1, `build` = NULL, `body` = NULL WHERE `license_id` = old.`license_id`; END;
CREATE TRIGGER `license_documents_source_update` AFTER UPDATE ON `sources` BEGIN UPDATE `license_documents` SET `gen` = `gen` + 1, `build` = NULL, `body` = NULL WHERE `license_id` IN (SELECT `record_id` FROM `citations` WHERE `record_type` = 'license' AND `source_id` IN (old.`id`, new.`id`)); END;
