// The typed contract for clients (web, e2e, CLI). Import types only from here.
export type { AppRouter } from './router.ts'
