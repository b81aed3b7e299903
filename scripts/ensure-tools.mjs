// Used by `npm run lint|build`: pnpm and the workspace dependencies, nothing else.
import { ensurePnpm, installDependencies } from './lib.mjs'

ensurePnpm()
installDependencies()
