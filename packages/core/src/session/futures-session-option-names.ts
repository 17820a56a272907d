/**
 * The names FuturesSession's constructor reads. A Record over the options
 * type: a name added to FuturesSessionOptions (or SessionStateOptions) and
 * not here fails the build, so a real option is never refused as unknown.
 */
import type { OptionNames } from '../executors/option-names.js';
import type { FuturesSessionOptions } from './options.js';

export const FUTURES_SESSION_OPTION_NAMES: OptionNames<FuturesSessionOptions> = {
  executor: true,
  maxWorkers: true,
  session: true,
  maxQueued: true,
  perHostLimit: true,
  headers: true,
  auth: true,
  params: true,
  hooks: true,
  maxRedirects: true,
  verify: true,
  cert: true,
  proxies: true,
  timeout: true,
  retries: true,
  maxResponseBytes: true,
  http2: true,
  adapterOptions: true,
  trustEnv: true,
};
