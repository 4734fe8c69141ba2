-- Add column "totp_last_step" to table: "users"
ALTER TABLE `users` ADD COLUMN `totp_last_step` integer NULL;
