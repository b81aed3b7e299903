import { createDockerClient } from '@decnet/lifecycle'
import { loadConfig } from './config.ts'
import { createApiServer, listen } from './server.ts'

async function main(): Promise<void> {
  const config = loadConfig()
  const docker = createDockerClient({ dockerHost: config.dockerHost })
  const server = createApiServer({ config, docker, startedAt: new Date() })
  const address = await listen(server, config.apiPort, config.apiHost)
  console.log(`decnet api listening on http://${address.address}:${address.port}/trpc`)

  const shutdown = (signal: string) => {
    console.log(`decnet api: ${signal} received, shutting down`)
    server.close(() => process.exit(0))
    server.closeAllConnections()
    setTimeout(() => process.exit(0), 3_000).unref()
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((error: unknown) => {
  console.error('decnet api failed to start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
