import path from 'node:path'

/** Runtime configuration, read once from the environment (names are stable: PRODUCT.md §9). */
export type ApiConfig = {
  apiPort: number
  apiHost: string
  webPort: number
  dataDir: string
  databaseUrl: string
  engine: 'auto' | 'docker' | 'local'
  dockerHost: string | undefined
  adminUser: string
  adminPassword: string | undefined
}

function port(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a TCP port (1-65535), got "${raw}"`)
  }
  return value
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const dataDir = path.resolve(env.DECNET_DATA_DIR || './data')
  const engine = env.DECNET_ENGINE || 'auto'
  if (engine !== 'auto' && engine !== 'docker' && engine !== 'local') {
    throw new Error(`DECNET_ENGINE must be auto, docker or local, got "${engine}"`)
  }
  return {
    apiPort: port('DECNET_API_PORT', 4000, env),
    apiHost: env.DECNET_API_HOST || '127.0.0.1',
    webPort: port('DECNET_WEB_PORT', 3000, env),
    dataDir,
    databaseUrl: env.DATABASE_URL || `file:${path.join(dataDir, 'decnet.db')}`,
    engine,
    dockerHost: env.DOCKER_HOST || undefined,
    adminUser: env.DECNET_ADMIN_USER || 'admin',
    adminPassword: env.DECNET_ADMIN_PASSWORD || undefined,
  }
}
