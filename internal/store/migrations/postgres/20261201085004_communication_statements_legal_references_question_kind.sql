-- Modify "communications" table
ALTER TABLE "communications" ADD COLUMN "statements" jsonb NULL, ADD COLUMN "legal_references" jsonb NULL;
-- Modify "questions" table
ALTER TABLE "questions" ADD COLUMN "kind" character varying NOT NULL DEFAULT 'question';
