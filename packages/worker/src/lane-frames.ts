/**
 * A child's report, and the coordinator's run, as they cross the pipe: the
 * events (tasks) as one JSON text, the wires they carry as texts beside it
 * (packed: the serializer's packed-wire.ts), and every byte array as bytes. Node's 'advanced' IPC
 * serialization rebuilds an object tree property by property; measured on
 * small GETs (perf, benchmarks/cpu/cpu-per-get.mjs), reading the reports'
 * event objects that way was most of what the coordinator still spent in
 * Node's IPC code once the replies' values travelled as text. A frame is a
 * few strings and buffers whatever the events, and JSON.parse builds the
 * events several times faster. The texts stay apart from the events' JSON so
 * that they are not escaped a second time, and a reply's meta stays a text
 * of its own, which the coordinator parses once per distinct meta.
 */
import { packWire, type PackedWire, type Wire } from '@requests-futures/serializer';
import type { ChildEvent, PackedReply, ReportMessage, RunMessage, TaskMessage } from './protocol.js';
import { packReply } from './reply.js';

export interface ReportFrame {
  readonly __rf: 'report';
  readonly pid: number;
  /** JSON of the events, each wire replaced by a WireSlot and each body chunk by its index in `buffers`. */
  readonly frame: string;
  readonly texts: string[];
  readonly buffers: Uint8Array[];
}

export interface RunFrame {
  readonly __rf: 'run';
  /** JSON of the tasks, each payload replaced by a WireSlot. */
  readonly frame: string;
  readonly texts: string[];
  readonly buffers: Uint8Array[];
}

/** Where a packed wire's parts are: `texts[text]`, `texts[meta]`, `buffers[from .. from + count)`. */
interface WireSlot {
  readonly text: number;
  readonly meta?: number;
  readonly from: number;
  readonly count: number;
}

export function isReportFrame(message: { readonly __rf: string }): message is ReportFrame {
  return message.__rf === 'report' && typeof (message as { frame?: unknown }).frame === 'string';
}

/** Collects the texts and buffers of the wires a frame carries. */
class FrameWriter {
  readonly texts: string[] = [];
  readonly buffers: Uint8Array[] = [];

  slot(wire: Wire | PackedWire): WireSlot {
    const packed = 'text' in wire ? wire : packWire(wire);
    const from = this.buffers.length;
    for (const bytes of packed.buffers) this.buffers.push(bytes);
    this.texts.push(packed.text);
    if (packed.meta === undefined) return { text: this.texts.length - 1, from, count: packed.buffers.length };
    this.texts.push(packed.meta);
    return { text: this.texts.length - 2, meta: this.texts.length - 1, from, count: packed.buffers.length };
  }

  bytes(bytes: Uint8Array): number {
    this.buffers.push(bytes);
    return this.buffers.length - 1;
  }
}

/** A slot's packed wire, out of a frame's texts and buffers. */
function wireAt(frame: { readonly texts: string[]; readonly buffers: Uint8Array[] }, slot: WireSlot): PackedWire {
  const parts = frame.buffers.slice(slot.from, slot.from + slot.count);
  const text = frame.texts[slot.text]!;
  return slot.meta === undefined ? { text, buffers: parts } : { text, meta: frame.texts[slot.meta]!, buffers: parts };
}

export function isRunFrame(message: { readonly __rf: string }): message is RunFrame {
  return message.__rf === 'run' && typeof (message as { frame?: unknown }).frame === 'string';
}

export function frameRun(run: RunMessage): RunFrame {
  const writer = new FrameWriter();
  const tasks: unknown[] = [];
  for (const task of run.tasks) {
    const wire = writer.slot(task.payload);
    tasks.push(task.progress === true ? { id: task.id, wire, progress: true } : { id: task.id, wire });
  }
  return { __rf: 'run', frame: JSON.stringify(tasks), texts: writer.texts, buffers: writer.buffers };
}

/** The run frameRun() framed; payloads stay packed (decode() reads them so). */
export function unframeRun(frame: RunFrame): RunMessage {
  const tasks: TaskMessage[] = [];
  for (const task of JSON.parse(frame.frame) as Array<{ id: number; wire: WireSlot; progress?: true }>) {
    const payload = wireAt(frame, task.wire);
    tasks.push(task.progress === true ? { id: task.id, payload, progress: true } : { id: task.id, payload });
  }
  return { __rf: 'run', tasks };
}

export function frameReport(report: ReportMessage): ReportFrame {
  const writer = new FrameWriter();
  const events: unknown[] = [];
  for (const event of report.events) {
    if (event.type === 'reply') {
      const reply = packReply(event.reply);
      const framed = { type: 'reply', id: event.id, ok: reply.ok, wire: writer.slot(reply.ok ? reply.value : reply.error) };
      events.push(event.streams === undefined ? framed : { ...framed, streams: event.streams });
    } else if (event.type === 'body-error') {
      events.push({ type: 'body-error', stream: event.stream, wire: writer.slot(event.error) });
    } else if (event.type === 'body') {
      events.push({ type: 'body', stream: event.stream, bytes: writer.bytes(event.bytes) });
    } else {
      // Numbers and strings only: JSON carries them as they are.
      events.push(event);
    }
  }
  return { __rf: 'report', pid: report.pid, frame: JSON.stringify(events), texts: writer.texts, buffers: writer.buffers };
}

/** The report frameReport() framed; its wires stay packed (decode() reads them so). */
export function unframeReport(frame: ReportFrame): ReportMessage {
  const framed = JSON.parse(frame.frame) as Array<Record<string, unknown>>;
  const events: ChildEvent[] = [];
  for (const event of framed) {
    if (event.type === 'reply') {
      const packed = wireAt(frame, event.wire as WireSlot);
      const reply: PackedReply = event.ok === true ? { ok: true, value: packed } : { ok: false, error: packed };
      const id = event.id as number;
      events.push(event.streams === undefined ? { type: 'reply', id, reply } : { type: 'reply', id, reply, streams: event.streams as number[] });
    } else if (event.type === 'body-error') {
      events.push({ type: 'body-error', stream: event.stream as number, error: wireAt(frame, event.wire as WireSlot) });
    } else if (event.type === 'body') {
      events.push({ type: 'body', stream: event.stream as number, bytes: frame.buffers[event.bytes as number]! });
    } else {
      events.push(event as unknown as ChildEvent);
    }
  }
  return { __rf: 'report', pid: frame.pid, events };
}
