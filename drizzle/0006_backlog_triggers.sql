-- Custom SQL (drizzle-kit generate --custom): the pending count per endpoint that
-- /metrics reads is kept by triggers, so every path that moves a job keeps it true.
INSERT INTO `backlog` (`flow`, `endpoint`, `pending`)
	SELECT `flow`, `endpoint`, COUNT(*) FROM `deliveries` WHERE `status` = 'pending' GROUP BY `flow`, `endpoint`;
--> statement-breakpoint
CREATE TRIGGER `backlog_insert` AFTER INSERT ON `deliveries` WHEN NEW.`status` = 'pending' BEGIN
	INSERT INTO `backlog` (`flow`, `endpoint`, `pending`) VALUES (NEW.`flow`, NEW.`endpoint`, 1)
		ON CONFLICT (`flow`, `endpoint`) DO UPDATE SET `pending` = `pending` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `backlog_leave` AFTER UPDATE OF `status`, `flow`, `endpoint` ON `deliveries`
	WHEN OLD.`status` = 'pending' AND (NEW.`status` <> 'pending' OR NEW.`flow` <> OLD.`flow` OR NEW.`endpoint` <> OLD.`endpoint`) BEGIN
	UPDATE `backlog` SET `pending` = `pending` - 1 WHERE `flow` = OLD.`flow` AND `endpoint` = OLD.`endpoint`;
END;
--> statement-breakpoint
CREATE TRIGGER `backlog_enter` AFTER UPDATE OF `status`, `flow`, `endpoint` ON `deliveries`
	WHEN NEW.`status` = 'pending' AND (OLD.`status` <> 'pending' OR NEW.`flow` <> OLD.`flow` OR NEW.`endpoint` <> OLD.`endpoint`) BEGIN
	INSERT INTO `backlog` (`flow`, `endpoint`, `pending`) VALUES (NEW.`flow`, NEW.`endpoint`, 1)
		ON CONFLICT (`flow`, `endpoint`) DO UPDATE SET `pending` = `pending` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `backlog_delete` AFTER DELETE ON `deliveries` WHEN OLD.`status` = 'pending' BEGIN
	UPDATE `backlog` SET `pending` = `pending` - 1 WHERE `flow` = OLD.`flow` AND `endpoint` = OLD.`endpoint`;
END;
