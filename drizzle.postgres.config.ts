import { defineConfig } from 'drizzle-kit'

// The PostgreSQL migrations live in their own folder under drizzle/, so the
// SQLite ones (drizzle.config.ts) keep theirs and the binary embeds both.
export default defineConfig({
	dialect: 'postgresql',
	schema: './src/store/schema.postgres.ts',
	out: './drizzle/postgres',
})
