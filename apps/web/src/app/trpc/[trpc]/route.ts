// /trpc/* → the API (see lib/api-proxy.ts).
import { proxy } from '@/lib/api-proxy.ts'

export const dynamic = 'force-dynamic'

export const GET = proxy
export const POST = proxy
