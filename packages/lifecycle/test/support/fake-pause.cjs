#!/usr/bin/node
// Stand-in for the decoy image's pause process (decoys' pause/pause.c), run by the kernel through this
// shebang as the image carries it (`/opt/decnet/pause`): idles until SIGTERM/SIGINT.
process.on('SIGTERM', () => process.exit(0))
process.on('SIGINT', () => process.exit(0))
setInterval(() => {}, 2 ** 31 - 1)
process.stderr.write('decnet-pause: ready\n')
