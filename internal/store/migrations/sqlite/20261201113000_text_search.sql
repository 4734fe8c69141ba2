-- The q= filter (store.matchQ) through an index: an FTS5 trigram table per searched
-- table, external content (it holds the index, not a copy of the text), kept current
-- by triggers and filled here from the rows already written. Hand-made: the ent schema
-- cannot say it, and internal/store/gen leaves these objects alone. A later migration
-- that rebuilds one of these tables (SQLite's way to change a column) drops its
-- triggers and must create them again (TestTextSearchObjects fails until it does).
-- Create FTS5 table "licenses_fts" on "licenses" (reference, description) with its triggers, and fill it
CREATE VIRTUAL TABLE `licenses_fts` USING fts5(`reference`, `description`, content='licenses', content_rowid='id', tokenize='trigram case_sensitive 0');
CREATE TRIGGER `licenses_fts_insert` AFTER INSERT ON `licenses` BEGIN INSERT INTO `licenses_fts` (rowid, `reference`, `description`) VALUES (new.`id`, new.`reference`, new.`description`); END;
CREATE TRIGGER `licenses_fts_delete` AFTER DELETE ON `licenses` BEGIN INSERT INTO `licenses_fts` (`licenses_fts`, rowid, `reference`, `description`) VALUES ('delete', old.`id`, old.`reference`, old.`description`); END;
CREATE TRIGGER `licenses_fts_update` AFTER UPDATE OF `id`, `reference`, `description` ON `licenses` BEGIN INSERT INTO `licenses_fts` (`licenses_fts`, rowid, `reference`, `description`) VALUES ('delete', old.`id`, old.`reference`, old.`description`); INSERT INTO `licenses_fts` (rowid, `reference`, `description`) VALUES (new.`id`, new.`reference`, new.`description`); END;
INSERT INTO `licenses_fts` (`licenses_fts`) VALUES ('rebuild');
-- Create FTS5 table "vendors_fts" on "vendors" (name, slug) with its triggers, and fill it
CREATE VIRTUAL TABLE `vendors_fts` USING fts5(`name`, `slug`, content='vendors', content_rowid='id', tokenize='trigram case_sensitive 0');
CREATE TRIGGER `vendors_fts_insert` AFTER INSERT ON `vendors` BEGIN INSERT INTO `vendors_fts` (rowid, `name`, `slug`) VALUES (new.`id`, new.`name`, new.`slug`); END;
CREATE TRIGGER `vendors_fts_delete` AFTER DELETE ON `vendors` BEGIN INSERT INTO `vendors_fts` (`vendors_fts`, rowid, `name`, `slug`) VALUES ('delete', old.`id`, old.`name`, old.`slug`); END;
CREATE TRIGGER `vendors_fts_update` AFTER UPDATE OF `id`, `name`, `slug` ON `vendors` BEGIN INSERT INTO `vendors_fts` (`vendors_fts`, rowid, `name`, `slug`) VALUES ('delete', old.`id`, old.`name`, old.`slug`); INSERT INTO `vendors_fts` (rowid, `name`, `slug`) VALUES (new.`id`, new.`name`, new.`slug`); END;
INSERT INTO `vendors_fts` (`vendors_fts`) VALUES ('rebuild');
-- Create FTS5 table "agencies_fts" on "agencies" (name) with its triggers, and fill it
CREATE VIRTUAL TABLE `agencies_fts` USING fts5(`name`, content='agencies', content_rowid='id', tokenize='trigram case_sensitive 0');
CREATE TRIGGER `agencies_fts_insert` AFTER INSERT ON `agencies` BEGIN INSERT INTO `agencies_fts` (rowid, `name`) VALUES (new.`id`, new.`name`); END;
CREATE TRIGGER `agencies_fts_delete` AFTER DELETE ON `agencies` BEGIN INSERT INTO `agencies_fts` (`agencies_fts`, rowid, `name`) VALUES ('delete', old.`id`, old.`name`); END;
CREATE TRIGGER `agencies_fts_update` AFTER UPDATE OF `id`, `name` ON `agencies` BEGIN INSERT INTO `agencies_fts` (`agencies_fts`, rowid, `name`) VALUES ('delete', old.`id`, old.`name`); INSERT INTO `agencies_fts` (rowid, `name`) VALUES (new.`id`, new.`name`); END;
INSERT INTO `agencies_fts` (`agencies_fts`) VALUES ('rebuild');
-- Create FTS5 table "products_fts" on "products" (name) with its triggers, and fill it
CREATE VIRTUAL TABLE `products_fts` USING fts5(`name`, content='products', content_rowid='id', tokenize='trigram case_sensitive 0');
CREATE TRIGGER `products_fts_insert` AFTER INSERT ON `products` BEGIN INSERT INTO `products_fts` (rowid, `name`) VALUES (new.`id`, new.`name`); END;
CREATE TRIGGER `products_fts_delete` AFTER DELETE ON `products` BEGIN INSERT INTO `products_fts` (`products_fts`, rowid, `name`) VALUES ('delete', old.`id`, old.`name`); END;
CREATE TRIGGER `products_fts_update` AFTER UPDATE OF `id`, `name` ON `products` BEGIN INSERT INTO `products_fts` (`products_fts`, rowid, `name`) VALUES ('delete', old.`id`, old.`name`); INSERT INTO `products_fts` (rowid, `name`) VALUES (new.`id`, new.`name`); END;
INSERT INTO `products_fts` (`products_fts`) VALUES ('rebuild');
-- Create FTS5 table "sources_fts" on "sources" (title, document_symbol) with its triggers, and fill it
CREATE VIRTUAL TABLE `sources_fts` USING fts5(`title`, `document_symbol`, content='sources', content_rowid='id', tokenize='trigram case_sensitive 0');
CREATE TRIGGER `sources_fts_insert` AFTER INSERT ON `sources` BEGIN INSERT INTO `sources_fts` (rowid, `title`, `document_symbol`) VALUES (new.`id`, new.`title`, new.`document_symbol`); END;
CREATE TRIGGER `sources_fts_delete` AFTER DELETE ON `sources` BEGIN INSERT INTO `sources_fts` (`sources_fts`, rowid, `title`, `document_symbol`) VALUES ('delete', old.`id`, old.`title`, old.`document_symbol`); END;
CREATE TRIGGER `sources_fts_update` AFTER UPDATE OF `id`, `title`, `document_symbol` ON `sources` BEGIN INSERT INTO `sources_fts` (`sources_fts`, rowid, `title`, `document_symbol`) VALUES ('delete', old.`id`, old.`title`, old.`document_symbol`); INSERT INTO `sources_fts` (rowid, `title`, `document_symbol`) VALUES (new.`id`, new.`title`, new.`document_symbol`); END;
INSERT INTO `sources_fts` (`sources_fts`) VALUES ('rebuild');
-- Create FTS5 table "communications_fts" on "communications" (reference, summary) with its triggers, and fill it
CREATE VIRTUAL TABLE `communications_fts` USING fts5(`reference`, `summary`, content='communications', content_rowid='id', tokenize='trigram case_sensitive 0');
CREATE TRIGGER `communications_fts_insert` AFTER INSERT ON `communications` BEGIN INSERT INTO `communications_fts` (rowid, `reference`, `summary`) VALUES (new.`id`, new.`reference`, new.`summary`); END;
CREATE TRIGGER `communications_fts_delete` AFTER DELETE ON `communications` BEGIN INSERT INTO `communications_fts` (`communications_fts`, rowid, `reference`, `summary`) VALUES ('delete', old.`id`, old.`reference`, old.`summary`); END;
CREATE TRIGGER `communications_fts_update` AFTER UPDATE OF `id`, `reference`, `summary` ON `communications` BEGIN INSERT INTO `communications_fts` (`communications_fts`, rowid, `reference`, `summary`) VALUES ('delete', old.`id`, old.`reference`, old.`summary`); INSERT INTO `communications_fts` (rowid, `reference`, `summary`) VALUES (new.`id`, new.`reference`, new.`summary`); END;
INSERT INTO `communications_fts` (`communications_fts`) VALUES ('rebuild');
