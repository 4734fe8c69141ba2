-- Create "license_geographies" table
CREATE TABLE `license_geographies` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `country` text NOT NULL, `license_id` integer NOT NULL, CONSTRAINT `license_geographies_licenses_geography_countries` FOREIGN KEY (`license_id`) REFERENCES `licenses` (`id`) ON DELETE CASCADE);
-- Create index "licensegeography_country_license_id" to table: "license_geographies"
CREATE UNIQUE INDEX `licensegeography_country_license_id` ON `license_geographies` (`country`, `license_id`);
-- Create index "licensegeography_license_id" to table: "license_geographies"
CREATE INDEX `licensegeography_license_id` ON `license_geographies` (`license_id`);
-- Backfill: every licence's geography list as rows, as setGeography writes them.
INSERT INTO `license_geographies` (`license_id`, `country`)
  SELECT DISTINCT l.id, j.value FROM licenses l, json_each(l.geography) j WHERE json_type(l.geography) = 'array' AND j.type = 'text';
