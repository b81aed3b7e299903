// Stand-in for the decoy image's entry point until @decnet/decoys ships one: `pause` idles as a base
// container's PID 1; otherwise it answers on every DECNET_PORTS port over TCP (a banner) and UDP (an echo),
// unless the service config says {"silent": true} (a service that starts but never answers).
const net = require('node:net')
const dgram = require('node:dgram')

const exit = () => process.exit(0)
process.on('SIGTERM', exit)
process.on('SIGINT', exit)

const idle = () => setInterval(() => {}, 2 ** 31 - 1)
const env = process.env
const config = JSON.parse(env.DECNET_SERVICE_CONFIG || '{}')
if (process.argv[2] === 'pause' || config.silent) idle()
else {
  const bind = env.DECNET_BIND || '0.0.0.0'
  const banner = `${env.DECNET_SERVICE} ${env.DECNET_DECKY} ${env.DECNET_HOSTNAME} ${env.DECNET_SEED}\n`
  for (const port of (env.DECNET_PORTS || '').split(',').filter(Boolean).map(Number)) {
    net
      .createServer((socket) => {
        // Probes hang up at once; a reset peer must not crash the listener.
        socket.on('error', () => {})
        socket.end(banner)
      })
      .listen(port, bind)
    const udp = dgram.createSocket('udp4')
    udp.on('message', (_message, peer) => udp.send(banner, peer.port, peer.address))
    udp.bind(port, bind)
  }
}
