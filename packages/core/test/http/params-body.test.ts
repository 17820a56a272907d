import { describe, expect, it } from '@jest/globals';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { InvalidHeader, InvalidSchema, InvalidURL, MissingSchema } from '../../dist/http/errors.js';
import { performRequest } from '../../dist/http/request.js';
import { server, agents, useTestEngine, send } from './engine.js';
import { specFor } from './spec-for.js';

useTestEngine();


describe('params', () => {
  it('encodes a dict like urllib: lists repeat the key, null/undefined dropped, quote_plus escaping', async () => {
    const r = await send('/get', { params: { q: 'a b&c', list: ['1', 2], gone: null, missing: undefined, star: "*!'()~" } });
    expect(r.url).toBe(`${server.url}/get?q=a+b%26c&list=1&list=2&star=%2A%21%27%28%29~`);
    expect(r.json().args).toEqual({ q: 'a b&c', list: ['1', '2'], star: "*!'()~" });
  });

  it('appends to an existing query, accepts pairs and strings', async () => {
    expect((await send('/get?x=0', { params: [['y', '1'], ['y', '2']] })).url).toBe(`${server.url}/get?x=0&y=1&y=2`);
    expect((await send('/get', { params: 'raw=1&other=%20' })).json().args).toEqual({ raw: '1', other: ' ' });
    expect((await send('/get', { params: {} })).url).toBe(`${server.url}/get`);
  });

  it('keeps unicode and the fragment', async () => {
    const r = await send('/get#frag', { params: { name: 'café' } });
    expect(r.json().args).toEqual({ name: 'café' });
    expect(r.url).toBe(`${server.url}/get?name=caf%C3%A9#frag`);
  });
});

describe('bodies', () => {
  it('sends an object as a urlencoded form', async () => {
    const r = await send('/post', { method: 'POST', data: { a: '1', b: ['x', 'y'], skip: null } });
    const body = r.json();
    expect(body.form).toEqual({ a: '1', b: ['x', 'y'] });
    expect(body.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(r.request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
  });

  it('sends json with its content type, and data wins over json', async () => {
    const r = await send('/post', { method: 'POST', json: { n: 1, list: [true, null] } });
    expect(r.json().json).toEqual({ n: 1, list: [true, null] });
    expect(r.json().headers['Content-Type']).toBe('application/json');
    const both = await send('/post', { method: 'POST', data: { f: 'v' }, json: { ignored: true } });
    expect(both.json().form).toEqual({ f: 'v' });
    expect(both.json().json).toBeNull();
  });

  it('keeps an explicit Content-Type', async () => {
    const r = await send('/post', { method: 'POST', json: [1], headers: { 'content-type': 'application/vnd.x+json' } });
    expect(r.json().headers['Content-Type']).toBe('application/vnd.x+json');
  });

  it('sends a string or bytes as is', async () => {
    expect((await send('/put', { method: 'PUT', data: 'hello' })).json().data).toBe('hello');
    expect((await send('/patch', { method: 'PATCH', data: new TextEncoder().encode('bytes!') })).json().data).toBe('bytes!');
  });

  it('sends files as multipart with data fields as extra parts', async () => {
    const r = await send('/post', {
      method: 'POST',
      data: { field: 'value', many: ['1', '2'] },
      files: {
        report: { filename: 'report.csv', content: 'a,b\n1,2\n', contentType: 'text/csv' },
        raw: new TextEncoder().encode('raw bytes'),
        text: 'plain text',
      },
    });
    const body = r.json();
    expect(body.headers['Content-Type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(body.form).toEqual({ field: 'value', many: ['1', '2'] });
    expect(body.files).toEqual({ report: 'a,b\n1,2\n', raw: 'raw bytes', text: 'plain text' });
  });

  it('sends Content-Length: 0 for a body-less POST, none for GET', async () => {
    expect((await send('/post', { method: 'POST' })).json().headers['Content-Length']).toBe('0');
    expect((await send('/get')).json().headers['Content-Length']).toBeUndefined();
  });

  it('refuses bodies it cannot send with a TypeError naming the option', async () => {
    await expect(send('/post', { method: 'POST', data: 42 as never })).rejects.toThrow(/data must be .* got number/);
    await expect(send('/post', { method: 'POST', data: new Map() as never })).rejects.toThrow(/data must be .* got Map/);
    await expect(send('/post', { method: 'POST', data: 'x', files: { f: 'y' } })).rejects.toThrow(TypeError);
    await expect(send('/post', { method: 'POST', files: { f: 12 as never } })).rejects.toThrow(/files\.f must be/);
    await expect(send('/post', { method: 'POST', json: { big: 1n } })).rejects.toThrow(/json is not JSON serializable/);
  });
});

describe('URL validation', () => {
  it('MissingSchema with requests\' message', async () => {
    const error = await performRequest(specFor('example.com/x'), standaloneTaskContext(), { agents }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingSchema);
    expect((error as Error).message).toBe("Invalid URL 'example.com/x': No scheme supplied. Perhaps you meant https://example.com/x?");
  });

  it('InvalidURL for http:// alone and unparseable hosts', async () => {
    await expect(performRequest(specFor('http://'), standaloneTaskContext(), { agents })).rejects.toThrow(InvalidURL);
    await expect(performRequest(specFor('http://exa mple.com/'), standaloneTaskContext(), { agents })).rejects.toThrow(InvalidURL);
    await expect(performRequest(specFor('http://.example.com/'), standaloneTaskContext(), { agents })).rejects.toThrow(InvalidURL);
  });

  it('InvalidSchema for other schemes', async () => {
    const error = await performRequest(specFor('ftp://127.0.0.1/file'), standaloneTaskContext(), { agents }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSchema);
    expect((error as Error).message).toBe("No connection adapters were found for 'ftp://127.0.0.1/file'");
    await expect(performRequest(specFor('localhost:8080/x'), standaloneTaskContext(), { agents })).rejects.toThrow(InvalidSchema);
  });

  it('credentials in the URL become basic auth and leave the URL', async () => {
    const url = server.url.replace('http://', 'http://user:pa%20ss@') + '/basic-auth/user/pa%20ss';
    const r = await performRequest(specFor(url), standaloneTaskContext(), { agents });
    expect(r.statusCode).toBe(200);
    expect(r.url).not.toContain('user:');
  });
});

describe('header and method validation', () => {
  it('InvalidHeader for CR/LF in a value or a bad name, before anything is sent', async () => {
    const error = await send('/get', { headers: { 'X-Evil': 'a\r\nInjected: 1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidHeader);
    expect((error as Error).message).toContain('X-Evil');
    await expect(send('/get', { headers: { 'Bad Name': 'x' } })).rejects.toThrow(/Bad Name/);
    await expect(send('/get', { headers: { 'X-Lead': ' x' } })).rejects.toThrow(InvalidHeader);
  });

  it('a method must be a token; it is upper-cased', async () => {
    await expect(send('/get', { method: 'GE T' })).rejects.toThrow(/method must be an HTTP token/);
    expect((await send('/anything', { method: 'patch' })).json().method).toBe('PATCH');
  });
});
