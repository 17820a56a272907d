/**
 * A child's report as it crosses the pipe: the events as one JSON text, the
 * wires they carry as texts beside it (packed: the serializer's
 * packed-wire.ts), and every byte array as bytes. Node's 'advanced' IPC
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
import type { ChildEvent, PackedReply, ReportMessage } from './protocol.js';
import { packReply } from './reply.js';

export interface ReportFrame {
  readonly __rf: 'report';
  readonly pid: number;
  /** JSON of the events, each wire replaced by a WireSlot and each body chunk by its index in `buffers`. */
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

export function frameReport(report: ReportMessage): ReportFrame {
  const texts: string[] = [];
  const buffers: Uint8Array[] = [];
  const slot = (wire: Wire | PackedWire): WireSlot => {
    const packed = 'text' in wire ? wire : packWire(wire);
    const from = buffers.length;
    for (const bytes of packed.buffers) buffers.push(bytes);
    texts.push(packed.text);
    if (packed.meta === undefined) return { text: texts.length - 1, from, count: packed.buffers.length };
    texts.push(packed.meta);
    return { text: texts.length - 2, meta: texts.length - 1, from, count: packed.buffers.length };
  };
  const events: unknown[] = [];
  for (const event of report.events) {
    if (event.type === 'reply') {
      const reply = packReply(event.reply);
      const framed = { type: 'reply', id: event.id, ok: reply.ok, wire: slot(reply.ok ? reply.value : reply.error) };
      events.push(event.streams === undefined ? framed : { ...framed, streams: event.streams });
    } else if (event.type === 'body-error') {
      events.push({ type: 'body-error', stream: event.stream, wire: slot(event.error) });
    } else if (event.type === 'body') {
      buffers.push(event.bytes);
      events.push({ type: 'body', stream: event.stream, bytes: buffers.length - 1 });
    } else {
      // Numbers and strings only: JSON carries them as they are.
      events.push(event);
    }
  }
  return { __rf: 'report', pid: report.pid, frame: JSON.stringify(events), texts, buffers };
}

/** The report frameReport() framed; its wires stay packed (decode() reads them so). */
export function unframeReport(frame: ReportFrame): ReportMessage {
  const { texts, buffers } = frame;
  const wire = (slot: WireSlot): PackedWire => {
    const parts = buffers.slice(slot.from, slot.from + slot.count);
    return slot.meta === undefined ? { text: texts[slot.text]!, buffers: parts } : { text: texts[slot.text]!, meta: texts[slot.meta]!, buffers: parts };
  };
  const framed = JSON.parse(frame.frame) as Array<Record<string, unknown>>;
  const events: ChildEvent[] = [];
  for (const event of framed) {
    if (event.type === 'reply') {
      const packed = wire(event.wire as WireSlot);
      const reply: PackedReply = event.ok === true ? { ok: true, value: packed } : { ok: false, error: packed };
      const id = event.id as number;
      events.push(event.streams === undefined ? { type: 'reply', id, reply } : { type: 'reply', id, reply, streams: event.streams as number[] });
    } else if (event.type === 'body-error') {
      events.push({ type: 'body-error', stream: event.stream as number, error: wire(event.wire as WireSlot) });
    } else if (event.type === 'body') {
      events.push({ type: 'body', stream: event.stream as number, bytes: buffers[event.bytes as number]! });
    } else {
      events.push(event as unknown as ChildEvent);
    }
  }
  return { __rf: 'report', pid: frame.pid, events };
}
