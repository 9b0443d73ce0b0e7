CREATE TABLE "op_marks" (
	"key" text PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL
);
