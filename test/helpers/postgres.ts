// A PostgreSQL schema of its own for one test run: other engineers' tests
// share the server, so every run gets a random schema and drops it after.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const POSTGRES_URL = process.env.TIERD_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestSchema {
  schema: string;
  /** usage.database_url for the schema. */
  url: string;
  drop(): Promise<void>;
}

export function createTestSchema(prefix = "tierd_test"): TestSchema {
  const schema = `${prefix}_${randomBytes(6).toString("hex")}`;
  return {
    schema,
    url: `${POSTGRES_URL}?schema=${schema}`,
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
