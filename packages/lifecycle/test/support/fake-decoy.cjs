// Stand-in for the decoy image's decoy process, speaking the same contract (decoys' decky-services.ts
// and main.ts): the services come from DECNET_SERVICES, or from /run/decnet/services.json once the
// engine wrote one (re-read on SIGHUP; unchanged services keep their listeners), and every applied
// set is acknowledged on stderr as `decnet-decoy: applied <digest>: …`. Each service answers on each
// of its ports over TCP (a banner naming service, decky and hostname, or its config's `banner`) and
// UDP (an echo of it), unless
// its config says {"silent": true} (a service that starts but never answers) or {"fail": true} (one
// that cannot start).
const { createHash } = require('node:crypto')
const { readFileSync } = require('node:fs')
const net = require('node:net')
const dgram = require('node:dgram')

const env = process.env
const FILE = '/run/decnet/services.json'
const bind = env.DECNET_BIND || '0.0.0.0'
/** slug → { key, close() } */
const running = new Map()

function desired() {
  let text
  try {
    text = readFileSync(FILE, 'utf8')
  } catch {
    text = env.DECNET_SERVICES || '[]'
  }
  return { services: JSON.parse(text), digest: createHash('sha256').update(text).digest('hex').slice(0, 16) }
}

function start(service) {
  const banner = `${service.config.banner ?? `${service.slug} ${env.DECNET_DECKY} ${env.DECNET_HOSTNAME}`}\n`
  const sockets = []
  if (!service.config.silent) {
    for (const port of service.ports) {
      const tcp = net.createServer((socket) => {
        // Probes hang up at once; a reset peer must not crash the listener.
        socket.on('error', () => {})
        socket.end(banner)
      })
      tcp.listen(port, bind)
      const udp = dgram.createSocket('udp4')
      udp.on('message', (_message, peer) => udp.send(banner, peer.port, peer.address))
      udp.bind(port, bind)
      sockets.push(tcp, udp)
    }
  }
  return {
    key: JSON.stringify([service.ports, service.config]),
    close: () => {
      for (const socket of sockets) socket.close()
    },
  }
}

function apply() {
  const { services, digest } = desired()
  const wanted = new Map(services.map((service) => [service.slug, service]))
  for (const [slug, hosted] of running) {
    const want = wanted.get(slug)
    if (!want || JSON.stringify([want.ports, want.config]) !== hosted.key) {
      hosted.close()
      running.delete(slug)
    }
  }
  const failed = []
  for (const service of services) {
    if (running.has(service.slug)) continue
    if (service.config.fail) failed.push(`${service.slug}: told to fail`)
    else running.set(service.slug, start(service))
  }
  const cannot = failed.length > 0 ? `; cannot start ${failed.join('; ')}` : ''
  process.stderr.write(`decnet-decoy: applied ${digest}: ${[...running.keys()].join(', ')}${cannot}\n`)
}

const exit = () => process.exit(0)
process.on('SIGTERM', exit)
process.on('SIGINT', exit)
process.on('SIGHUP', apply)
// Alive with no listener too (every service silent, or none left after an edit).
setInterval(() => {}, 2 ** 31 - 1)
apply()
