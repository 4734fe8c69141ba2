-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_license_geographies" table
CREATE TABLE `new_license_geographies` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `country` text NOT NULL, `status` text NULL, `valid_from` text NULL, `valid_until` text NULL, `valid_until_precision` text NULL, `license_id` integer NOT NULL, CONSTRAINT `license_geographies_licenses_geography_countries` FOREIGN KEY (`license_id`) REFERENCES `licenses` (`id`) ON DELETE CASCADE);
-- Copy rows from old table "license_geographies" to new temporary table "new_license_geographies"
INSERT INTO `new_license_geographies` (`id`, `country`, `license_id`) SELECT `id`, `country`, `license_id` FROM `license_geographies`;
-- Drop "license_geographies" table after copying rows
DROP TABLE `license_geographies`;
-- Rename temporary table "new_license_geographies" to "license_geographies"
ALTER TABLE `new_license_geographies` RENAME TO `license_geographies`;
-- Create index "licensegeography_country_license_id" to table: "license_geographies"
CREATE UNIQUE INDEX `licensegeography_country_license_id` ON `license_geographies` (`country`, `license_id`);
-- Create index "licensegeography_country_active" to table: "license_geographies"
CREATE INDEX `licensegeography_country_active` ON `license_geographies` (`country`, `status`, `license_id`, `valid_from`, `valid_until`, `valid_until_precision`);
-- Create index "licensegeography_license_id" to table: "license_geographies"
CREATE INDEX `licensegeography_license_id` ON `license_geographies` (`license_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
-- Hand-made below (the ent schema cannot say triggers; internal/store/gen does not
-- read them): each geography row carries its licence's status and validity, so that a
-- public covers= list filtered by nothing else is one walk of the rows' index
-- (ent/schema/licensegeography.go). The database writes the copies: when a row is
-- inserted, from its licence, and whenever an UPDATE changes one of them on the
-- licence (an edit that leaves them as they were writes no row).
-- The rows already there are filled here.
UPDATE `license_geographies` SET (`status`, `valid_from`, `valid_until`, `valid_until_precision`) =
  (SELECT l.`status`, l.`valid_from`, l.`valid_until`, l.`valid_until_precision` FROM `licenses` AS l WHERE l.`id` = `license_geographies`.`license_id`);
CREATE TRIGGER `license_geographies_validity` AFTER INSERT ON `license_geographies` BEGIN
  UPDATE `license_geographies` SET (`status`, `valid_from`, `valid_until`, `valid_until_precision`) =
    (SELECT l.`status`, l.`valid_from`, l.`valid_until`, l.`valid_until_precision` FROM `licenses` AS l WHERE l.`id` = NEW.`license_id`)
  WHERE `id` = NEW.`id`;
END;
CREATE TRIGGER `license_geographies_license` AFTER UPDATE OF `status`, `valid_from`, `valid_until`, `valid_until_precision` ON `licenses`
  WHEN OLD.`status` IS NOT NEW.`status` OR OLD.`valid_from` IS NOT NEW.`valid_from` OR OLD.`valid_until` IS NOT NEW.`valid_until`
    OR OLD.`valid_until_precision` IS NOT NEW.`valid_until_precision` BEGIN
  UPDATE `license_geographies` SET `status` = NEW.`status`, `valid_from` = NEW.`valid_from`, `valid_until` = NEW.`valid_until`,
    `valid_until_precision` = NEW.`valid_until_precision` WHERE `license_id` = NEW.`id`;
END;
