CREATE TABLE `attempts` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_pk` integer NOT NULL,
	`n` integer NOT NULL,
	`started_at` integer NOT NULL,
	`url` text NOT NULL,
	`request_headers` text NOT NULL,
	`request_body` text NOT NULL,
	`status` integer,
	`response_headers` text NOT NULL,
	`response_body` text NOT NULL,
	`response_truncated` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`error_class` text,
	`error_message` text,
	FOREIGN KEY (`delivery_pk`) REFERENCES `deliveries`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attempts_delivery` ON `attempts` (`delivery_pk`,`n`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`flow` text NOT NULL,
	`endpoint` text NOT NULL,
	`event_pk` integer NOT NULL,
	`status` text NOT NULL,
	`test` integer DEFAULT false NOT NULL,
	`attempt_count` integer DEFAULT 0 NOT NULL,
	`schedule_base` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_status` integer,
	`last_error_class` text,
	`last_error_message` text,
	`last_duration_ms` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_pk`) REFERENCES `events`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_id` ON `deliveries` (`id`);--> statement-breakpoint
CREATE INDEX `deliveries_claim` ON `deliveries` (`flow`,`endpoint`,`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `deliveries_status_due` ON `deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `deliveries_event` ON `deliveries` (`event_pk`);--> statement-breakpoint
CREATE INDEX `deliveries_status_updated` ON `deliveries` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `endpoint_state` (
	`flow` text NOT NULL,
	`endpoint` text NOT NULL,
	`enabled` integer NOT NULL,
	`disabled_reason` text,
	`disabled_at` integer,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`failing_since` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`flow`, `endpoint`)
);
--> statement-breakpoint
CREATE TABLE `endpoints` (
	`flow` text NOT NULL,
	`id` text NOT NULL,
	`config` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`flow`, `id`)
);
--> statement-breakpoint
CREATE TABLE `events` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`flow` text NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`session_id` text,
	`occurred_at` integer NOT NULL,
	`success` integer NOT NULL,
	`data` text NOT NULL,
	`metadata` text NOT NULL,
	`occurred_at_sent` integer NOT NULL,
	`accepted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_flow_id` ON `events` (`flow`,`id`);--> statement-breakpoint
CREATE INDEX `events_id` ON `events` (`id`);--> statement-breakpoint
CREATE INDEX `events_flow_session` ON `events` (`flow`,`session_id`);--> statement-breakpoint
CREATE INDEX `events_accepted` ON `events` (`accepted_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`flow` text NOT NULL,
	`id` text NOT NULL,
	`metadata` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`flow`, `id`)
);
