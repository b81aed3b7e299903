import { startApi } from './app.ts'
import { loadConfig } from './config.ts'
import { routeConsole } from './process-log/process-logger.ts'

async function main(): Promise<void> {
  const config = loadConfig()
  routeConsole(config.logging)
  const api = await startApi(config)
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`decnet api: ${signal} received, shutting down`)
    setTimeout(() => process.exit(1), 10_000).unref()
    await api.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
}

main().catch((error: unknown) => {
  console.error('decnet api failed to start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
