export { startTestServer, startTestServer as startHttpbin, seededBytes, rangeBody, type TestServer, type TestServer as Httpbin } from './httpbin.js';
export * from './hold-server.js';
export * from './processes.js';
export * from './listen.js';
export * from './redis-server.js';
