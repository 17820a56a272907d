/**
 * A child's report, and the coordinator's run, as they cross the pipe: the
 * events (tasks) as one flat array of numbers, the wires they carry as texts
 * beside it (packed: the serializer's packed-wire.ts), and every byte array
 * as bytes. Node's 'advanced' IPC serialization rebuilds an object tree
 * property by property; measured on small GETs (perf,
 * benchmarks/cpu/cpu-per-get.mjs), reading the reports' event objects that
 * way, or as JSON, was most of what the coordinator still spent on a report
 * once the replies' values travelled as text. A frame is a few arrays of
 * numbers, strings and buffers, which v8 copies flat, and the events are
 * built here with fixed shapes. A reply's meta stays a text of its own, which
 * the coordinator parses once per distinct meta. Events of other kinds than
 * started, declined, reply and body ride along as they are (`others`).
 */
import { isPackedWire, packWire, type PackedWire, type Wire } from '@requests-futures/serializer';
import type { ChildEvent, PackedReply, ReportMessage, RunMessage, TaskMessage } from './protocol.js';
import { packReply } from './reply.js';

export interface ReportFrame {
  readonly __rf: 'report';
  readonly pid: number;
  /** The events, coded (see EventCode); each wire as its place in `texts` and `buffers`. */
  readonly codes: number[];
  readonly texts: string[];
  readonly buffers: Uint8Array[];
  /** Wires with long strings, which cross as trees (the serializer's long-text.ts). */
  readonly trees: Wire[];
  /** The events of other kinds, as they are. */
  readonly others: ChildEvent[];
}

export interface RunFrame {
  readonly __rf: 'run';
  /** Per task: id, progress (1 or 0), then its payload's place in `texts` and `buffers`. */
  readonly codes: number[];
  readonly texts: string[];
  readonly buffers: Uint8Array[];
  /** Payloads with long strings, which cross as trees (the serializer's long-text.ts). */
  readonly trees: Wire[];
}

/** What each event starts with in `codes`, and what follows it. */
const enum EventCode {
  /** index in `others` */
  Other = 0,
  /** id */
  Started = 1,
  /** id */
  Declined = 2,
  /** id, ok (1 or 0), wire, then the count of streams (-1: none named) and the streams */
  Reply = 3,
  /** stream, index in `buffers` */
  Body = 4,
  /** stream, wire */
  BodyError = 5,
}

/**
 * A wire in `codes`: its text's index, its meta's (-1: none), then its first
 * buffer's index and their count; or, for a wire that crosses as a tree,
 * AS_TREE and its index in `trees`.
 */
const NO_META = -1;
const AS_TREE = -1;
const NO_STREAMS = -1;

function hasCodes(message: { readonly __rf: string }): boolean {
  return Array.isArray((message as { codes?: unknown }).codes);
}

export function isReportFrame(message: { readonly __rf: string }): message is ReportFrame {
  return message.__rf === 'report' && hasCodes(message);
}

export function isRunFrame(message: { readonly __rf: string }): message is RunFrame {
  return message.__rf === 'run' && hasCodes(message);
}

/** Codes a frame's numbers, and collects the texts and buffers of the wires it carries. */
class FrameWriter {
  readonly codes: number[] = [];
  readonly texts: string[] = [];
  readonly buffers: Uint8Array[] = [];
  readonly trees: Wire[] = [];
  /**
   * The last meta text written, and its index: the wires of a frame mostly
   * carry the same meta (every reply a Response, every task an fnRef), which
   * then crosses once, and the reader's meta cache hashes one string per frame.
   */
  private lastMeta: string | undefined;
  private lastMetaIndex = NO_META;

  wire(wire: Wire | PackedWire): void {
    const packed = isPackedWire(wire) ? wire : packWire(wire);
    if (!isPackedWire(packed)) {
      this.codes.push(AS_TREE, this.trees.push(packed) - 1);
      return;
    }
    this.texts.push(packed.text);
    const text = this.texts.length - 1;
    let meta = NO_META;
    if (packed.meta !== undefined) {
      if (packed.meta !== this.lastMeta) {
        this.lastMeta = packed.meta;
        this.lastMetaIndex = this.texts.push(packed.meta) - 1;
      }
      meta = this.lastMetaIndex;
    }
    this.codes.push(text, meta, this.buffers.length, packed.buffers.length);
    for (const bytes of packed.buffers) this.buffers.push(bytes);
  }

  bytes(bytes: Uint8Array): number {
    return this.buffers.push(bytes) - 1;
  }
}

/** Reads a frame's codes in order. */
class FrameReader {
  private at = 0;

  constructor(private readonly frame: { readonly codes: number[]; readonly texts: string[]; readonly buffers: Uint8Array[]; readonly trees: Wire[] }) {}

  get more(): boolean {
    return this.at < this.frame.codes.length;
  }

  next(): number {
    return this.frame.codes[this.at++]!;
  }

  wire(): PackedWire | Wire {
    const first = this.next();
    if (first === AS_TREE) return this.frame.trees[this.next()]!;
    const text = this.frame.texts[first]!;
    const meta = this.next();
    const from = this.next();
    const buffers = this.frame.buffers.slice(from, from + this.next());
    return meta === NO_META ? { text, buffers } : { text, meta: this.frame.texts[meta]!, buffers };
  }

  bytes(): Uint8Array {
    return this.frame.buffers[this.next()]!;
  }
}

export function frameRun(run: RunMessage): RunFrame {
  const writer = new FrameWriter();
  for (const task of run.tasks) {
    writer.codes.push(task.id, task.progress === true ? 1 : 0);
    writer.wire(task.payload);
  }
  return { __rf: 'run', codes: writer.codes, texts: writer.texts, buffers: writer.buffers, trees: writer.trees };
}

/** The run frameRun() framed; payloads stay packed (decode() reads them so). */
export function unframeRun(frame: RunFrame): RunMessage {
  const reader = new FrameReader(frame);
  const tasks: TaskMessage[] = [];
  while (reader.more) {
    const id = reader.next();
    const progress = reader.next() === 1;
    const payload = reader.wire();
    tasks.push(progress ? { id, payload, progress: true } : { id, payload });
  }
  return { __rf: 'run', tasks };
}

export function frameReport(report: ReportMessage): ReportFrame {
  const writer = new FrameWriter();
  const { codes } = writer;
  const others: ChildEvent[] = [];
  for (const event of report.events) {
    switch (event.type) {
      case 'started':
        codes.push(EventCode.Started, event.id);
        break;
      case 'declined':
        codes.push(EventCode.Declined, event.id);
        break;
      case 'reply': {
        const reply = packReply(event.reply);
        codes.push(EventCode.Reply, event.id, reply.ok ? 1 : 0);
        writer.wire(reply.ok ? reply.value : reply.error);
        if (event.streams === undefined) codes.push(NO_STREAMS);
        else codes.push(event.streams.length, ...event.streams);
        break;
      }
      case 'body':
        codes.push(EventCode.Body, event.stream, writer.bytes(event.bytes));
        break;
      case 'body-error':
        codes.push(EventCode.BodyError, event.stream);
        writer.wire(event.error);
        break;
      default:
        // Numbers and strings only: v8 carries them as they are.
        codes.push(EventCode.Other, others.push(event) - 1);
    }
  }
  return { __rf: 'report', pid: report.pid, codes, texts: writer.texts, buffers: writer.buffers, trees: writer.trees, others };
}

/** The report frameReport() framed, events in their order; its wires stay packed (decode() reads them so). */
export function unframeReport(frame: ReportFrame): ReportMessage {
  const reader = new FrameReader(frame);
  const events: ChildEvent[] = [];
  while (reader.more) {
    const code = reader.next() as EventCode;
    switch (code) {
      case EventCode.Started:
        events.push({ type: 'started', id: reader.next() });
        break;
      case EventCode.Declined:
        events.push({ type: 'declined', id: reader.next() });
        break;
      case EventCode.Reply: {
        const id = reader.next();
        const ok = reader.next() === 1;
        const packed = reader.wire();
        const reply: PackedReply = ok ? { ok: true, value: packed } : { ok: false, error: packed };
        const count = reader.next();
        if (count === NO_STREAMS) {
          events.push({ type: 'reply', id, reply });
        } else {
          const streams: number[] = [];
          for (let i = 0; i < count; i++) streams.push(reader.next());
          events.push({ type: 'reply', id, reply, streams });
        }
        break;
      }
      case EventCode.Body:
        events.push({ type: 'body', stream: reader.next(), bytes: reader.bytes() });
        break;
      case EventCode.BodyError:
        events.push({ type: 'body-error', stream: reader.next(), error: reader.wire() });
        break;
      case EventCode.Other:
        events.push(frame.others[reader.next()]!);
        break;
      default:
        throw new Error(`a report frame holds an unknown event code ${String(code)}`);
    }
  }
  return { __rf: 'report', pid: frame.pid, events };
}
