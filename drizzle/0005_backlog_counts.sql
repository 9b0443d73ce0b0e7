CREATE TABLE `backlog` (
	`flow` text NOT NULL,
	`endpoint` text NOT NULL,
	`pending` integer NOT NULL,
	PRIMARY KEY(`flow`, `endpoint`)
);
--> statement-breakpoint
CREATE INDEX `deliveries_pending_age` ON `deliveries` (`flow`,`endpoint`,`created_at`) WHERE status = 'pending';