#!/usr/bin/env node
/**
 * The `rf` executable's first file (bundle/rf.cjs): CommonJS, so that it runs
 * before Node's ESM loader starts libuv's thread pool (thread-pool.cts says
 * why its size matters), then hands over to the CLI (rf.ts).
 */
import threadPool = require('./thread-pool.cjs');

threadPool.claimThreadPool();
void import('./rf.js');
