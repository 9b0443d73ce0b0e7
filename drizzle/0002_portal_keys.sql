CREATE TABLE `portal_keys` (
	`flow` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`created_at` integer NOT NULL
);
