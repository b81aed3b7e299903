/** `pnpm --filter @decnet/decoys build:image`: builds (or confirms) the registry-free decoy image. */
import { buildDecoyImage } from './build.ts'

buildDecoyImage({ log: (line) => process.stdout.write(`decoy-image: ${line}\n`) })
  .then((result) => {
    const size = (result.sizeBytes / 1024 / 1024).toFixed(1)
    process.stdout.write(
      `decoy-image: ${result.tag} ${result.id.slice(7, 19)} ${size} MiB (${result.built ? 'built' : 'cached'})\n`,
    )
  })
  .catch((error: Error) => {
    process.stderr.write(`decoy-image: ${error.message}\n`)
    process.exit(1)
  })
