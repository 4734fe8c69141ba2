-- Modify "vendors" table
ALTER TABLE "vendors" ADD COLUMN "external_id" character varying NULL;
-- Create index "vendors_external_id_key" to table: "vendors"
CREATE UNIQUE INDEX "vendors_external_id_key" ON "vendors" ("external_id");
