CREATE TABLE "op_marks" (
	"key" text PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "endpoint_state" ADD COLUMN "episode_since" bigint;