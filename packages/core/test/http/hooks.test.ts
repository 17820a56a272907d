import { describe, expect, it } from '@jest/globals';
import { fnRef } from '@requests-futures/serializer';
import { callTask, currentTask, standaloneTaskContext } from '../../dist/task-context.js';
import { runRequestTask } from '../../dist/http/request-task.js';
import { Response } from '../../dist/http/response.js';
import { server, agents, useTestEngine } from './engine.js';
import { specFor, type SpecOverrides } from './spec-for.js';

const HOOKS_MODULE = new URL('../fixtures/hooks.ts', import.meta.url);

useTestEngine();

const run = (path: string, overrides: SpecOverrides = {}, session?: unknown) =>
  runRequestTask(specFor(server.url + path, overrides), session, { agents });

describe('runRequestTask', () => {
  it('hands its task context to the engine and makes it current for hooks', async () => {
    const controller = new AbortController();
    const context = standaloneTaskContext(controller.signal, 41);
    const seen: unknown[] = [];
    const outcome = await callTask(context, runRequestTask, [
      specFor(server.url + '/get', { hooks: { response: [() => void seen.push(currentTask()?.taskId)] } }),
      undefined,
      { agents },
    ]);
    expect(seen).toEqual([41]);
    expect((outcome as { value: Response }).value.statusCode).toBe(200);
    controller.abort(new Error('stop'));
    await expect(callTask(context, runRequestTask, [specFor(server.url + '/get'), undefined, { agents }])).rejects.toThrow('stop');
  });

  it('without hooks resolves to the response and the Set-Cookie records', async () => {
    const outcome = await run('/cookies/set?k=v');
    expect(outcome.value).toBeInstanceOf(Response);
    expect((outcome.value as Response).json()).toEqual({ cookies: { k: 'v' } });
    expect(outcome.setCookies).toEqual([{ url: `${server.url}/cookies/set?k=v`, header: 'k=v; Path=/' }]);
  });

  it('a hook that returns nothing keeps the response, with what it added', async () => {
    const outcome = await run('/json', {
      hooks: {
        response: [
          (response: Response) => {
            response.data = response.json();
          },
        ],
      },
    });
    expect((outcome.value as Response).data).toMatchObject({ slideshow: { title: 'Sample Slide Show' } });
  });

  it('hooks run in order, and a returned value replaces the response for the next hooks', async () => {
    const seen: unknown[] = [];
    const outcome = await run('/get', {
      hooks: {
        response: [
          (response: Response) => {
            seen.push(response.statusCode);
            return { replaced: true };
          },
          async (value: unknown) => {
            seen.push(value);
            return undefined;
          },
        ],
      },
    });
    expect(seen).toEqual([200, { replaced: true }]);
    expect(outcome.value).toEqual({ replaced: true });
  });

  it('hooks receive requests\' keyword arguments', async () => {
    let context: unknown;
    await run('/get', {
      timeout: [1, 2],
      verify: false,
      stream: true,
      hooks: { response: [(_: unknown, kwargs: unknown) => void (context = kwargs)] },
    });
    expect(context).toEqual({ timeout: [1, 2], verify: false, proxies: null, stream: true });
  });

  it('a throwing hook rejects with its own error', async () => {
    const failure = new Error('hook says no');
    await expect(run('/get', { hooks: { response: [() => { throw failure; }] } })).rejects.toBe(failure);
  });

  it('fnRef hooks are imported and run like functions', async () => {
    const outcome = await run('/json', { hooks: { response: [fnRef(HOOKS_MODULE, 'attachJson'), fnRef(HOOKS_MODULE, 'summarize')] } });
    expect(outcome.value).toEqual({ status: 200, hadData: true });
    const error = (await run('/get', { hooks: { response: [fnRef(HOOKS_MODULE, 'failingHook')] } }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('HookFailure');
    expect(error.message).toBe('the hook refused this response');
  });

  it('backgroundCallback gets (session, response) after the hooks; its value replaces the response', async () => {
    const session = { name: 'the session' };
    const calls: unknown[] = [];
    const outcome = await run(
      '/get',
      {
        hooks: { response: [(response: Response) => void (response.tagged = true)] },
        backgroundCallback: (s: unknown, response: unknown) => {
          calls.push(s, (response as Response).tagged);
          return 'from callback';
        },
      },
      session,
    );
    expect(calls).toEqual([session, true]);
    expect(outcome.value).toBe('from callback');
  });

  it('a hook that is neither a function nor an fnRef is a TypeError naming it', async () => {
    await expect(run('/get', { hooks: { response: [42 as never] } })).rejects.toThrow('hooks.response[0] must be a function or an fnRef, got number');
  });
});
