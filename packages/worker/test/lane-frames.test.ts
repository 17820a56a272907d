import { describe, expect, it } from '@jest/globals';
import v8 from 'node:v8';
import { decode, encode, encodeAhead, fnRef, packWire } from '@requests-futures/serializer';
import type { ChildEvent, ReportMessage, RunMessage } from '../dist/protocol.js';
import { replyWithError, replyWithValue } from '../dist/reply.js';
import { frameReport, frameRun, isReportFrame, isRunFrame, unframeReport, unframeRun, type ReportFrame, type RunFrame } from '../dist/lane-frames.js';

/** What the pipe does to a report: framed by the child, v8-serialized by Node's IPC, unframed by the coordinator. */
function acrossThePipe(report: ReportMessage): ReportMessage {
  const crossed = v8.deserialize(v8.serialize(frameReport(report))) as ReportFrame;
  expect(isReportFrame(crossed)).toBe(true);
  return unframeReport(crossed);
}

describe('report frames', () => {
  it('carry every kind of event, in order, with values, errors and bytes intact', () => {
    const body = new Uint8Array([7, 8, 9]);
    const events: ChildEvent[] = [
      { type: 'started', id: 1 },
      { type: 'progress', id: 1, bytes: 10 },
      { type: 'progress', id: 1, bytes: 20, total: 40 },
      { type: 'reply', id: 1, reply: replyWithValue({ when: new Date(5), content: new Uint8Array([1, 2]), gone: undefined }) },
      { type: 'reply', id: 2, reply: replyWithValue({ second: new Uint8Array([3]) }), streams: [4, 9] },
      { type: 'reply', id: 3, reply: replyWithError(new RangeError('bad range')) },
      { type: 'body', stream: 4, bytes: body },
      { type: 'body-error', stream: 5, error: encode(new TypeError('source failed')) },
      { type: 'body-end', stream: 4 },
      { type: 'declined', id: 6 },
      { type: 'retiring', reason: 'maxTasksPerChild' },
      { type: 'bytes-wanted', bytes: 100 },
      { type: 'upload-open', upload: 'u1', stream: 2 },
    ];
    const back = acrossThePipe({ __rf: 'report', pid: 42, events });
    expect(back.pid).toBe(42);
    expect(back.events.map((event) => event.type)).toEqual(events.map((event) => event.type));

    const [, first, second, one, two, three, chunk, failed] = back.events as any[];
    expect(first).toEqual({ type: 'progress', id: 1, bytes: 10 });
    expect(second).toEqual({ type: 'progress', id: 1, bytes: 20, total: 40 });
    const value = decode<{ when: Date; content: Uint8Array; gone: undefined }>(one.reply.value);
    expect(value.when).toEqual(new Date(5));
    expect([...value.content]).toEqual([1, 2]);
    expect('gone' in value).toBe(true);
    // Each reply gets its own buffers, however many came before it in the frame.
    expect([...decode<{ second: Uint8Array }>(two.reply.value).second]).toEqual([3]);
    expect(two.streams).toEqual([4, 9]);
    expect(one.streams).toBeUndefined();
    expect(three.reply.ok).toBe(false);
    const error = decode<Error>(three.reply.error);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('bad range');
    expect([...chunk.bytes]).toEqual([7, 8, 9]);
    expect(decode<Error>(failed.error)).toBeInstanceOf(TypeError);
    expect(back.events.at(-1)).toEqual({ type: 'upload-open', upload: 'u1', stream: 2 });
    expect(back.events[9]).toEqual({ type: 'declined', id: 6 });
    expect(back.events[0]).toEqual({ type: 'started', id: 1 });
  });

  it('replies that carry the same meta carry it once per frame, and each decodes whole', () => {
    const reply = (n: number) => ({ type: 'reply' as const, id: n, reply: replyWithValue({ n, bytes: new Uint8Array([n]), gone: undefined }) });
    const other = { type: 'reply' as const, id: 9, reply: replyWithValue({ when: new Date(9) }) };
    const frame = frameReport({ __rf: 'report', pid: 1, events: [reply(1), reply(2), other, reply(3)] });
    // Four texts, a meta for the first two, the other's, then the first's again.
    expect(frame.texts).toHaveLength(7);
    const back = unframeReport(v8.deserialize(v8.serialize(frame)) as ReportFrame).events as Array<{ reply: { value: never } }>;
    for (const [index, n] of [[0, 1], [1, 2], [3, 3]] as const) {
      const value = decode<{ n: number; bytes: Uint8Array; gone: undefined }>(back[index]!.reply.value);
      expect([value.n, [...value.bytes], 'gone' in value]).toEqual([n, [n], true]);
    }
    expect(decode<{ when: Date }>(back[2]!.reply.value).when).toEqual(new Date(9));
  });

  it('cross as numbers, strings and buffers: no event object is left for v8 to rebuild', () => {
    const events: ChildEvent[] = [
      { type: 'started', id: 1 },
      { type: 'reply', id: 1, reply: replyWithValue({ content: new Uint8Array(64) }) },
    ];
    const frame = frameReport({ __rf: 'report', pid: 1, events });
    expect(Object.keys(frame).sort()).toEqual(['__rf', 'buffers', 'codes', 'others', 'pid', 'texts', 'trees']);
    expect(frame.trees).toEqual([]);
    expect(frame.codes.every((code) => typeof code === 'number')).toBe(true);
    expect(frame.others).toEqual([]);
    expect(frame.texts.every((text) => typeof text === 'string')).toBe(true);
    expect(frame.buffers).toHaveLength(1);
    expect(frame.buffers[0]!.byteLength).toBe(64);
  });
});

describe('run frames', () => {
  it('carry each task with its id, its payload (packed or not) and its progress flag, in order', () => {
    const fn = fnRef('file:///somewhere/task.js', 'run');
    const run: RunMessage = {
      __rf: 'run',
      tasks: [
        { id: 1, payload: packWire(encode({ fn, args: [{ url: 'http://127.0.0.1/a', data: new Uint8Array([5, 6]) }] })) },
        { id: 2, payload: encode({ fn, args: [new Date(9)] }), progress: true },
        { id: 3, payload: packWire(encode({ fn, args: [] })) },
      ],
    };
    const crossed = v8.deserialize(v8.serialize(frameRun(run))) as RunFrame;
    expect(isRunFrame(crossed)).toBe(true);
    const back = unframeRun(crossed);
    expect(crossed.codes.every((code) => typeof code === 'number')).toBe(true);
    expect(back.tasks.map((task) => [task.id, task.progress])).toEqual([[1, undefined], [2, true], [3, undefined]]);
    const first = decode<{ fn: unknown; args: [{ url: string; data: Uint8Array }] }>(back.tasks[0]!.payload);
    expect(first.args[0].url).toBe('http://127.0.0.1/a');
    expect([...first.args[0].data]).toEqual([5, 6]);
    expect(decode<{ args: [Date] }>(back.tasks[1]!.payload).args[0]).toEqual(new Date(9));
    expect(decode<{ args: unknown[] }>(back.tasks[2]!.payload).args).toEqual([]);
  });
});

describe('long strings', () => {
  it('a reply whose strings are long crosses as a tree (v8 copies a long string, JSON would escape it), and decodes the same', () => {
    const long = '"quoted"\n'.repeat(10_000);
    const frame = frameReport({ __rf: 'report', pid: 1, events: [{ type: 'reply', id: 1, reply: replyWithValue({ long, when: new Date(3) }) }, { type: 'reply', id: 2, reply: replyWithValue('short') }] });
    expect(frame.trees).toHaveLength(1);
    expect(frame.texts).toEqual(['"short"']);
    const back = unframeReport(v8.deserialize(v8.serialize(frame)) as ReportFrame) as any;
    const value = decode<{ long: string; when: Date }>(back.events[0].reply.value);
    expect(value.long).toBe(long);
    expect(value.when).toEqual(new Date(3));
    expect(decode(back.events[1].reply.value)).toBe('short');
  });

  it('a task whose payload holds a long string encoded ahead (a request spec) crosses as a tree too', () => {
    const spec = { url: 'http://127.0.0.1/upload', data: 'x'.repeat(100_000) };
    encodeAhead(spec, { rootPath: '' });
    const payload = packWire(encode({ fn: fnRef('file:///somewhere/task.js', 'run'), args: [spec] }, { rootPath: '' }));
    expect('text' in payload).toBe(false);
    const frame = frameRun({ __rf: 'run', tasks: [{ id: 7, payload }] });
    expect(frame.trees).toHaveLength(1);
    const back = unframeRun(v8.deserialize(v8.serialize(frame)) as RunFrame);
    expect(decode<{ args: [{ data: string }] }>(back.tasks[0]!.payload).args[0].data).toBe(spec.data);
  });
});
