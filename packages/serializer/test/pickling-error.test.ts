import { describe, expect, test } from '@jest/globals';
import { PICKLING_DOCS_URL, PicklingError, decode, encode } from '@requests-futures/serializer';

describe('PicklingError', () => {
  test('message names the kind and the path and points at the docs', () => {
    const error = new PicklingError('function', 'hooks.response[0]');
    expect(error.message).toBe(
      'Cannot pickle function at hooks.response[0]. Refer to documentation: https://github.com/requests-futures-ts/requests-futures-ts#using-processpoolexecutor',
    );
    expect(PICKLING_DOCS_URL).toBe('https://github.com/requests-futures-ts/requests-futures-ts#using-processpoolexecutor');
  });

  test('is a TypeError with a stable name, code, kind and path', () => {
    const error = new PicklingError('symbol', 'value.a');
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toBeInstanceOf(PicklingError);
    expect(error.name).toBe('PicklingError');
    expect(error.code).toBe('ERR_PICKLING');
    expect(error.kind).toBe('symbol');
    expect(error.path).toBe('value.a');
  });

  test('the root under an empty rootPath reads "(root)" rather than an empty place', () => {
    expect(new PicklingError('function', '').message).toMatch(/^Cannot pickle function at \(root\)\. /);
  });

  test('keeps its class, kind and path across encode/decode (a worker can refuse its own result)', () => {
    const decoded = decode<PicklingError>(encode(new PicklingError('stream', 'value.body')));
    expect(decoded).toBeInstanceOf(PicklingError);
    expect(decoded.path).toBe('value.body');
    expect(decoded.kind).toBe('stream');
    expect(decoded.message).toContain('Cannot pickle stream at value.body.');
  });
});
