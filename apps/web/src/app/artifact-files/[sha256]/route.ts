// /artifact-files/<sha256> → the API's artifact download (admins; always an attachment, never inline).
import { proxy } from '@/lib/api-proxy.ts'

export const dynamic = 'force-dynamic'

export const GET = proxy
