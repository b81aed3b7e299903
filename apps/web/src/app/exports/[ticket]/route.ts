// /exports/<ticket> → the API's streamed download (the ticket is single-use; the body streams through).
import { proxy } from '@/lib/api-proxy.ts'

export const dynamic = 'force-dynamic'

export const GET = proxy
