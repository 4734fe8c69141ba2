-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_questions" table
CREATE TABLE `new_questions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `position` integer NOT NULL, `kind` text NOT NULL DEFAULT ('question'), `topic` text NULL, `text` text NOT NULL, `answer_status` text NOT NULL DEFAULT ('unknown'), `answer_note` text NULL, `communication_id` integer NOT NULL, CONSTRAINT `questions_communications_questions` FOREIGN KEY (`communication_id`) REFERENCES `communications` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "questions" to new temporary table "new_questions"
INSERT INTO `new_questions` (`id`, `position`, `topic`, `text`, `answer_status`, `answer_note`, `communication_id`) SELECT `id`, `position`, `topic`, `text`, `answer_status`, `answer_note`, `communication_id` FROM `questions`;
-- Drop "questions" table after copying rows
DROP TABLE `questions`;
-- Rename temporary table "new_questions" to "questions"
ALTER TABLE `new_questions` RENAME TO `questions`;
-- Create index "question_communication_id_position" to table: "questions"
CREATE UNIQUE INDEX `question_communication_id_position` ON `questions` (`communication_id`, `position`);
-- Add column "statements" to table: "communications"
ALTER TABLE `communications` ADD COLUMN `statements` json NULL;
-- Add column "legal_references" to table: "communications"
ALTER TABLE `communications` ADD COLUMN `legal_references` json NULL;
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
