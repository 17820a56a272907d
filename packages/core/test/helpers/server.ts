// The shared httpbin-like server lives in @requests-futures/testing (also used by the demo and benchmarks).
export { startTestServer, seededBytes, rangeBody, type TestServer } from '@requests-futures/testing';
