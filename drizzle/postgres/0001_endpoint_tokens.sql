CREATE TABLE "endpoint_tokens" (
	"flow" text NOT NULL,
	"endpoint" text NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" double precision NOT NULL,
	CONSTRAINT "endpoint_tokens_flow_endpoint_pk" PRIMARY KEY("flow","endpoint")
);
