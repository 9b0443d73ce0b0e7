CREATE TABLE "svix_apps" (
	"id" text PRIMARY KEY NOT NULL,
	"uid" text,
	"name" text NOT NULL,
	"metadata" text NOT NULL,
	"throttle_rate" integer,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "svix_event_types" (
	"name" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL,
	"archived" boolean NOT NULL,
	"deprecated" boolean NOT NULL,
	"schemas" text,
	"group_name" text,
	"feature_flags" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "svix_idempotency" (
	"key" text PRIMARY KEY NOT NULL,
	"status" integer NOT NULL,
	"body" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "svix_manual_tries" (
	"delivery_pk" bigint NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "svix_manual_tries_delivery_pk_n_pk" PRIMARY KEY("delivery_pk","n")
);
--> statement-breakpoint
CREATE TABLE "svix_messages" (
	"app" text NOT NULL,
	"id" text NOT NULL,
	"event_pk" bigint NOT NULL,
	"event_id" text,
	"channels" text,
	"tags" text,
	"deliver_at" bigint,
	"created_at" bigint NOT NULL,
	CONSTRAINT "svix_messages_app_id_pk" PRIMARY KEY("app","id")
);
--> statement-breakpoint
CREATE TABLE "svix_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"task" text NOT NULL,
	"status" text NOT NULL,
	"data" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "svix_apps_uid" ON "svix_apps" USING btree ("uid");--> statement-breakpoint
CREATE UNIQUE INDEX "svix_messages_event_id" ON "svix_messages" USING btree ("app","event_id");--> statement-breakpoint
CREATE INDEX "svix_messages_event" ON "svix_messages" USING btree ("event_pk");