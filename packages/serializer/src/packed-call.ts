/**
 * A task's payload, `{ fn, args }` with fn an FnRef, encoded and packed as
 * packWire(encode(payload)) would: the same text and meta for decode(). Every
 * task of a kind names the same FnRef (a session's request task: its module's
 * absolute URL), which was about a quarter of a small GET's text: its JSON and
 * the meta of a payload whose args carry no annotation are made once per FnRef
 * and spliced in, so only the args are walked and written per task. An
 * argument that writes its own wire (InWireForm: a session's plain request
 * spec) is not walked at all: its wire is spliced in as it wrote it.
 */
import { encode, type Wire } from './codec.js';
import type { FnRef } from './fn-ref.js';
import { LONG_TEXT_CHARS, hasLongText } from './long-text.js';
import { packWire, type PackedWire } from './packed-wire.js';
import { InWireForm, wireOf } from './wire-form.js';

interface FnForm {
  /** `JSON.stringify` of the FnRef's json. */
  readonly text: string;
  /** The FnRef's own annotation (its class), under `fn`. */
  readonly annotation: unknown;
  /** The meta of a payload whose args need no annotation. */
  readonly plainMeta: string;
  /** Per wire form, the meta of a payload whose one argument is in that form. */
  readonly formMetas: Map<string, string>;
}

const forms = new WeakMap<FnRef, FnForm>();

function formOf(fn: FnRef): FnForm {
  let form = forms.get(fn);
  if (form === undefined) {
    const wire = encode(fn);
    const annotation = (wire.meta as { values?: unknown } | undefined)?.values;
    form = { text: JSON.stringify(wire.json), annotation, plainMeta: JSON.stringify({ values: { fn: annotation }, v: 1 }), formMetas: new Map() };
    forms.set(fn, form);
  }
  return form;
}

/**
 * packWire(encode({ fn, args }, { rootPath: '' })): the wire as a pipe should
 * carry it. A PicklingError names the argument's path as that would ('args[0].cb').
 */
export function packCall(fn: FnRef, args: unknown[]): PackedWire | Wire {
  const form = formOf(fn);
  // An FnRef is a registered class, annotated at its root; args, a plain array, never are (their annotations are paths).
  if (!Array.isArray(form.annotation)) return packWhole(fn, args);
  if (args.length === 1 && args[0] instanceof InWireForm) return packFormCall(form, args[0]);
  const argsWire = encode(args, { rootPath: 'args' });
  const argsValues = (argsWire.meta as { values?: Record<string, unknown> } | undefined)?.values;
  if (hasLongText(argsWire) || Array.isArray(argsValues)) return packWhole(fn, args);
  const text = `{"fn":${form.text},"args":${JSON.stringify(argsWire.json)}}`;
  if (argsValues === undefined) return { text, meta: form.plainMeta, buffers: argsWire.buffers };
  const values: Record<string, unknown> = { fn: form.annotation };
  for (const path of Object.keys(argsValues)) values[`args.${path}`] = argsValues[path];
  return { text, meta: JSON.stringify({ values, v: 1 }), buffers: argsWire.buffers };
}

/** `{ fn, args: [value] }` with value's wire as it wrote it; unpacked when its text is long, as encode() would leave it (long-text.ts). */
function packFormCall(form: FnForm, value: InWireForm): PackedWire | Wire {
  const wire = wireOf(value);
  const argsText = JSON.stringify(wire.json);
  const annotation = (wire.meta as { values: unknown }).values;
  if (argsText.length >= LONG_TEXT_CHARS) {
    return { json: { fn: JSON.parse(form.text) as unknown, args: [wire.json] }, meta: { values: { fn: form.annotation, 'args.0': annotation }, v: 1 }, buffers: wire.buffers };
  }
  let meta = form.formMetas.get(value.wireForm);
  if (meta === undefined) form.formMetas.set(value.wireForm, (meta = JSON.stringify({ values: { fn: form.annotation, 'args.0': annotation }, v: 1 })));
  return { text: `{"fn":${form.text},"args":[${argsText}]}`, meta, buffers: wire.buffers };
}

/** The general path: the whole payload walked and packed as one. */
function packWhole(fn: FnRef, args: unknown[]): PackedWire | Wire {
  return packWire(encode({ fn, args }, { rootPath: '' }));
}
