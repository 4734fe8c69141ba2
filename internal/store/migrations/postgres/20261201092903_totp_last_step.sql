-- Modify "users" table
ALTER TABLE "users" ADD COLUMN "totp_last_step" bigint NULL;
