// `GET /artifact-files/<sha256>`: an artifact's bytes, for admins only, always as an attachment of
// type application/octet-stream (with the API's nosniff and `default-src 'none'` headers), so an
// attacker's HTML or script is never rendered by the console's origin.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SHA256_RE } from '@decnet/core'
import { artifactPaths, createArtifactStore } from '@decnet/lifecycle'
import { type ApiServices, requestToken, resolveSession } from '../context.ts'
import { onlyGet, refuse } from '../http-refusal.ts'
import { ARTIFACT_FILES_PATH } from './artifacts.ts'

export async function serveArtifact(
  services: ApiServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!onlyGet(req, res, 'downloads are GET requests')) return
  const session = await resolveSession(services, requestToken(req).token)
  if (!session) return refuse(res, 401, 'sign in first')
  if (session.user.mustChangePassword) return refuse(res, 403, 'change your one-time password first')
  if (session.user.role !== 'admin') return refuse(res, 403, 'only admins download artifacts')
  const sha256 = (req.url ?? '').split('?')[0]?.slice(ARTIFACT_FILES_PATH.length) ?? ''
  if (!SHA256_RE.test(sha256)) return refuse(res, 404, 'no such artifact')
  const file = createArtifactStore(artifactPaths(services.config.dataDir).storeDir).read(sha256)
  if (!file || !(await services.db.artifacts.get(sha256))) return refuse(res, 404, 'no such artifact')
  res.statusCode = 200
  res.setHeader('Content-Type', 'application/octet-stream')
  res.setHeader('Content-Disposition', `attachment; filename="${sha256}.bin"`)
  file.on('error', () => res.destroy())
  file.pipe(res)
}
