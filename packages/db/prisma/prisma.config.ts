// Prisma CLI config for offline use: the wasm schema engine through a driver adapter (engine: 'js'),
// so no native engine is ever downloaded. scripts/generate.mjs and scripts/diff.mjs pick the provider
// with DECNET_DB_PROVIDER. Migrations are applied by src/migrate.ts, never by `prisma migrate`.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import { defineConfig } from 'prisma/config'

const provider = process.env.DECNET_DB_PROVIDER === 'postgres' ? 'postgres' : 'sqlite'

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: `../src/generated/schema/${provider}`,
  adapter: async () =>
    provider === 'postgres'
      ? new PrismaPg({
          connectionString: process.env.DATABASE_URL ?? 'postgresql://unused@127.0.0.1:1/unused',
        })
      : new PrismaBetterSQLite3({ url: ':memory:' }),
})
