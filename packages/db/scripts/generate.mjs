// Builds one Prisma client per provider from the shared per-domain schema files.
// The provider is static in a Prisma schema, so each build gets its own folder:
// src/generated/schema/<provider>/ = providers/<provider>.prisma + domains/*.prisma.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const generated = join(root, 'src', 'generated')
const providers = ['sqlite', 'postgres']

for (const provider of providers) {
  const folder = join(generated, 'schema', provider)
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  copyFileSync(join(root, 'prisma', 'providers', `${provider}.prisma`), join(folder, 'main.prisma'))
  for (const file of readdirSync(join(root, 'prisma', 'domains'))) {
    copyFileSync(join(root, 'prisma', 'domains', file), join(folder, file))
  }
  execFileSync('pnpm', ['exec', 'prisma', 'generate', '--config', 'prisma/prisma.config.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      // The CLI must be able to resolve env("DATABASE_URL") or it falls back to a native-engine download.
      DATABASE_URL: provider === 'sqlite' ? 'file:./unused.db' : 'postgresql://unused@127.0.0.1/unused',
      DECNET_DB_PROVIDER: provider,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  })
}
