-- The q= filter (store.matchQ) through an index: pg_trgm's GIN trigram index on each
-- searched column answers its ILIKE '%q%'. Hand-made: the ent schema cannot say it, and
-- internal/store/gen leaves these objects alone. pg_trgm is a trusted extension: the
-- database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- Create index "licenses_reference_trgm" to table: "licenses"
CREATE INDEX "licenses_reference_trgm" ON "licenses" USING gin ("reference" gin_trgm_ops);
-- Create index "licenses_description_trgm" to table: "licenses"
CREATE INDEX "licenses_description_trgm" ON "licenses" USING gin ("description" gin_trgm_ops);
-- Create index "vendors_name_trgm" to table: "vendors"
CREATE INDEX "vendors_name_trgm" ON "vendors" USING gin ("name" gin_trgm_ops);
-- Create index "vendors_slug_trgm" to table: "vendors"
CREATE INDEX "vendors_slug_trgm" ON "vendors" USING gin ("slug" gin_trgm_ops);
-- Create index "agencies_name_trgm" to table: "agencies"
CREATE INDEX "agencies_name_trgm" ON "agencies" USING gin ("name" gin_trgm_ops);
-- Create index "products_name_trgm" to table: "products"
CREATE INDEX "products_name_trgm" ON "products" USING gin ("name" gin_trgm_ops);
-- Create index "sources_title_trgm" to table: "sources"
CREATE INDEX "sources_title_trgm" ON "sources" USING gin ("title" gin_trgm_ops);
-- Create index "sources_document_symbol_trgm" to table: "sources"
CREATE INDEX "sources_document_symbol_trgm" ON "sources" USING gin ("document_symbol" gin_trgm_ops);
-- Create index "communications_reference_trgm" to table: "communications"
CREATE INDEX "communications_reference_trgm" ON "communications" USING gin ("reference" gin_trgm_ops);
-- Create index "communications_summary_trgm" to table: "communications"
CREATE INDEX "communications_summary_trgm" ON "communications" USING gin ("summary" gin_trgm_ops);
