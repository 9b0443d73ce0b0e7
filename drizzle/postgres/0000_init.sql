CREATE TABLE "attempts" (
	"pk" bigserial PRIMARY KEY NOT NULL,
	"delivery_pk" bigint NOT NULL,
	"n" integer NOT NULL,
	"started_at" bigint NOT NULL,
	"url" text NOT NULL,
	"request_headers" text NOT NULL,
	"request_body" text NOT NULL,
	"status" integer,
	"response_headers" text NOT NULL,
	"response_body" text NOT NULL,
	"response_truncated" boolean NOT NULL,
	"duration_ms" integer NOT NULL,
	"error_class" text,
	"error_message" text
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"pk" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"flow" text NOT NULL,
	"endpoint" text NOT NULL,
	"event_pk" bigint NOT NULL,
	"status" text NOT NULL,
	"test" boolean DEFAULT false NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"schedule_base" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"owner" text,
	"last_status" integer,
	"last_error_class" text,
	"last_error_message" text,
	"last_duration_ms" integer,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoint_state" (
	"flow" text NOT NULL,
	"endpoint" text NOT NULL,
	"enabled" boolean NOT NULL,
	"disabled_reason" text,
	"disabled_at" bigint,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"failing_since" bigint,
	"episode_since" bigint,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "endpoint_state_flow_endpoint_pk" PRIMARY KEY("flow","endpoint")
);
--> statement-breakpoint
CREATE TABLE "endpoint_tokens" (
	"flow" text NOT NULL,
	"endpoint" text NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" double precision NOT NULL,
	CONSTRAINT "endpoint_tokens_flow_endpoint_pk" PRIMARY KEY("flow","endpoint")
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"flow" text NOT NULL,
	"id" text NOT NULL,
	"config" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "endpoints_flow_id_pk" PRIMARY KEY("flow","id")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"pk" bigserial PRIMARY KEY NOT NULL,
	"flow" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"session_id" text,
	"occurred_at" bigint NOT NULL,
	"success" boolean NOT NULL,
	"data" text NOT NULL,
	"metadata" text NOT NULL,
	"occurred_at_sent" boolean NOT NULL,
	"accepted_at" bigint NOT NULL,
	"trace_context" text
);
--> statement-breakpoint
CREATE TABLE "heartbeat" (
	"id" integer PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_counts" (
	"flow" text NOT NULL,
	"endpoint" text NOT NULL,
	"status" text NOT NULL,
	"slot" integer NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "job_counts_flow_endpoint_status_slot_pk" PRIMARY KEY("flow","endpoint","status","slot")
);
--> statement-breakpoint
CREATE TABLE "op_marks" (
	"key" text PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_keys" (
	"flow" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"flow" text NOT NULL,
	"id" text NOT NULL,
	"metadata" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "sessions_flow_id_pk" PRIMARY KEY("flow","id")
);
--> statement-breakpoint
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
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_delivery_pk_deliveries_pk_fk" FOREIGN KEY ("delivery_pk") REFERENCES "public"."deliveries"("pk") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_event_pk_events_pk_fk" FOREIGN KEY ("event_pk") REFERENCES "public"."events"("pk") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attempts_delivery" ON "attempts" USING btree ("delivery_pk","n");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_id" ON "deliveries" USING btree ("id");--> statement-breakpoint
CREATE INDEX "deliveries_claim" ON "deliveries" USING btree ("flow","endpoint","status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "deliveries_event" ON "deliveries" USING btree ("event_pk");--> statement-breakpoint
CREATE INDEX "deliveries_status_updated" ON "deliveries" USING btree ("status","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "events_flow_id" ON "events" USING btree ("flow","id");--> statement-breakpoint
CREATE INDEX "events_id" ON "events" USING btree ("id");--> statement-breakpoint
CREATE INDEX "events_flow_session" ON "events" USING btree ("flow","session_id");--> statement-breakpoint
CREATE INDEX "events_accepted" ON "events" USING btree ("accepted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "svix_apps_uid" ON "svix_apps" USING btree ("uid");--> statement-breakpoint
CREATE UNIQUE INDEX "svix_messages_event_id" ON "svix_messages" USING btree ("app","event_id");--> statement-breakpoint
CREATE INDEX "svix_messages_event" ON "svix_messages" USING btree ("event_pk");