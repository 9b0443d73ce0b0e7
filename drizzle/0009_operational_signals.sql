CREATE TABLE `op_marks` (
	`key` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `endpoint_state` ADD `episode_since` integer;