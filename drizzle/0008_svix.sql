CREATE TABLE `svix_apps` (
	`id` text PRIMARY KEY NOT NULL,
	`uid` text,
	`name` text NOT NULL,
	`metadata` text NOT NULL,
	`throttle_rate` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `svix_apps_uid` ON `svix_apps` (`uid`);--> statement-breakpoint
CREATE TABLE `svix_event_types` (
	`name` text PRIMARY KEY NOT NULL,
	`description` text NOT NULL,
	`archived` integer NOT NULL,
	`deprecated` integer NOT NULL,
	`schemas` text,
	`group_name` text,
	`feature_flags` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `svix_idempotency` (
	`key` text PRIMARY KEY NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `svix_manual_tries` (
	`delivery_pk` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`delivery_pk`, `n`)
);
--> statement-breakpoint
CREATE TABLE `svix_messages` (
	`app` text NOT NULL,
	`id` text NOT NULL,
	`event_pk` integer NOT NULL,
	`event_id` text,
	`channels` text,
	`tags` text,
	`deliver_at` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`app`, `id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `svix_messages_event_id` ON `svix_messages` (`app`,`event_id`);--> statement-breakpoint
CREATE INDEX `svix_messages_event` ON `svix_messages` (`event_pk`);--> statement-breakpoint
CREATE TABLE `svix_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`task` text NOT NULL,
	`status` text NOT NULL,
	`data` text NOT NULL,
	`updated_at` integer NOT NULL
);
