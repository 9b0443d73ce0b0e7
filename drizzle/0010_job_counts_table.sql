CREATE TABLE `job_counts` (
	`flow` text NOT NULL,
	`endpoint` text NOT NULL,
	`status` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`flow`, `endpoint`, `status`)
);
