import type Docker from 'dockerode'
import { dockerCall, isNotFound } from './calls.ts'

/** What a missing image is and how to get it, for the error that names it. */
export type MissingImageHint = { what: string; remedy: string }

export class ImageMissingError extends Error {
  constructor(image: string, hint: MissingImageHint) {
    super(`${hint.what} ${image} is not present on the Docker host; ${hint.remedy}`)
    this.name = 'ImageMissingError'
  }
}

/** The local image id for `image`; a missing image fails at once, saying how to get it (never a pull that hangs). */
export async function resolveImage(
  docker: Docker,
  image: string,
  hint: MissingImageHint,
  timeoutMs: number,
): Promise<string> {
  try {
    const info = await dockerCall(`inspect image ${image}`, timeoutMs, () => docker.getImage(image).inspect())
    return info.Id
  } catch (error) {
    if (isNotFound(error)) throw new ImageMissingError(image, hint)
    throw error
  }
}

type ProgressEvent = { stream?: string; error?: string; errorDetail?: { message?: string } }

/**
 * Builds `tag` from `files` (paths relative to `context`, directories included recursively) and resolves once the daemon's stream ends. The daemon reports a
 * failed build as an `error` object inside a 200 stream, so each event is checked for one.
 */
export async function buildImage(
  docker: Docker,
  {
    context,
    files,
    tag,
    timeoutMs = 300_000,
  }: { context: string; files: string[]; tag: string; timeoutMs?: number },
): Promise<void> {
  await dockerCall(`build image ${tag}`, timeoutMs, async () => {
    const stream = await docker.buildImage({ context, src: files }, { t: tag, rm: true, forcerm: true })
    const output: string[] = []
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: ProgressEvent) => {
          if (event.stream) output.push(event.stream)
          if (event.error)
            reject(new Error(`${event.errorDetail?.message ?? event.error}\n${output.join('').slice(-2000)}`))
        },
      )
    })
  })
}
