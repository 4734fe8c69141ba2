-- Licence documents: each licence's public JSON as the API writes it in a list, so
-- that a public JSON list the response cache cannot answer is an index walk and a
-- concatenation (store/licensedocs.go). Hand-made: the ent schema cannot say
-- triggers, and internal/store/gen leaves these objects alone.
--   gen   counts the changes that made the document stale; a document is written
--         only for the gen it was rendered at, so a change that commits while a
--         document is rendered is never covered by it (the conditional UPDATE waits
--         for a concurrent change of the row and re-reads its gen).
--   build names the binary that rendered body; a document of another build is
--         not served (a change of the code may change the JSON).
--   body  the JSON; NULL while stale.
-- Every change that can change a licence's public JSON makes it stale in the same
-- transaction, through the triggers below: the licence itself, its citations, its
-- products, and the sources its citations name (title, kind, status, ...).
CREATE TABLE "license_documents" ("license_id" bigint NOT NULL PRIMARY KEY, "gen" bigint NOT NULL DEFAULT 0, "build" character varying NULL, "body" text NULL);
CREATE INDEX "license_documents_stale" ON "license_documents" ("license_id") WHERE "body" IS NULL;
INSERT INTO "license_documents" ("license_id") SELECT "id" FROM "licenses";
CREATE FUNCTION "license_documents_stale"(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  UPDATE "license_documents" SET "gen" = "gen" + 1, "build" = NULL, "body" = NULL WHERE "license_id" = ANY(ids)
$$;
CREATE FUNCTION "license_documents_license"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "license_documents" ("license_id") VALUES (NEW."id")
      ON CONFLICT ("license_id") DO UPDATE SET "gen" = "license_documents"."gen" + 1, "build" = NULL, "body" = NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "license_documents_stale"(ARRAY[OLD."id", NEW."id"]);
  ELSE
    DELETE FROM "license_documents" WHERE "license_id" = OLD."id";
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "license_documents_license" AFTER INSERT OR UPDATE OR DELETE ON "licenses" FOR EACH ROW EXECUTE FUNCTION "license_documents_license"();
CREATE FUNCTION "license_documents_citation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."record_type" = 'license' THEN
    PERFORM "license_documents_stale"(ARRAY[OLD."record_id"]);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."record_type" = 'license' THEN
    PERFORM "license_documents_stale"(ARRAY[NEW."record_id"]);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "license_documents_citation" AFTER INSERT OR UPDATE OR DELETE ON "citations" FOR EACH ROW EXECUTE FUNCTION "license_documents_citation"();
CREATE FUNCTION "license_documents_product"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "license_documents_stale"(ARRAY[OLD."license_id"]);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "license_documents_stale"(ARRAY[NEW."license_id"]);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "license_documents_product" AFTER INSERT OR UPDATE OR DELETE ON "license_products" FOR EACH ROW EXECUTE FUNCTION "license_documents_product"();
CREATE FUNCTION "license_documents_source"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "license_documents_stale"(ARRAY(SELECT "record_id" FROM "citations" WHERE "record_type" = 'license' AND "source_id" IN (OLD."id", NEW."id")));
  RETURN NULL;
END $$;
CREATE TRIGGER "license_documents_source" AFTER UPDATE ON "sources" FOR EACH ROW EXECUTE FUNCTION "license_documents_source"();
