/** This checkout's built `rf` (pnpm build), which the CLI and distributed scenarios run as users do. */
import { fileURLToPath } from 'node:url';

export const RF_BUNDLE = fileURLToPath(new URL('../../packages/cli/bundle/rf.cjs', import.meta.url));
