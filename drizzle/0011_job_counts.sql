-- Custom SQL (drizzle-kit generate --custom): the jobs per endpoint and status
-- that the admin flows list shows (test jobs included) are kept by triggers, so
-- every path that moves a job keeps them true and reading them counts nothing.
INSERT INTO `job_counts` (`flow`, `endpoint`, `status`, `count`)
	SELECT `flow`, `endpoint`, `status`, COUNT(*) FROM `deliveries` GROUP BY `flow`, `endpoint`, `status`;
--> statement-breakpoint
CREATE TRIGGER `job_counts_insert` AFTER INSERT ON `deliveries` BEGIN
	INSERT INTO `job_counts` (`flow`, `endpoint`, `status`, `count`) VALUES (NEW.`flow`, NEW.`endpoint`, NEW.`status`, 1)
		ON CONFLICT (`flow`, `endpoint`, `status`) DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_counts_update` AFTER UPDATE OF `status`, `flow`, `endpoint` ON `deliveries`
	WHEN NEW.`status` <> OLD.`status` OR NEW.`flow` <> OLD.`flow` OR NEW.`endpoint` <> OLD.`endpoint` BEGIN
	UPDATE `job_counts` SET `count` = `count` - 1 WHERE `flow` = OLD.`flow` AND `endpoint` = OLD.`endpoint` AND `status` = OLD.`status`;
	INSERT INTO `job_counts` (`flow`, `endpoint`, `status`, `count`) VALUES (NEW.`flow`, NEW.`endpoint`, NEW.`status`, 1)
		ON CONFLICT (`flow`, `endpoint`, `status`) DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `job_counts_delete` AFTER DELETE ON `deliveries` BEGIN
	UPDATE `job_counts` SET `count` = `count` - 1 WHERE `flow` = OLD.`flow` AND `endpoint` = OLD.`endpoint` AND `status` = OLD.`status`;
END;
