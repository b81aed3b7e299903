#!/usr/bin/env node
// The `decnet` CLI: a typed client of the API's tRPC router. TypeScript is loaded through tsx.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
