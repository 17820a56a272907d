/**
 * The coordinator's FIFO of tasks not yet handed to tinypool. A linked list, so
 * a task cancelled while queued leaves in O(1) (it then never reaches a child,
 * as in Python), and a task whose child died before starting it can go back to
 * the front.
 */

export interface QueueEntry<T> {
  readonly value: T;
}

interface Node<T> extends QueueEntry<T> {
  prev: Node<T> | undefined;
  next: Node<T> | undefined;
  /** Cleared on removal, so removing twice is harmless. */
  linked: boolean;
}

export class DispatchQueue<T> {
  private head: Node<T> | undefined;
  private tail: Node<T> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(value: T): QueueEntry<T> {
    const node: Node<T> = { value, prev: this.tail, next: undefined, linked: true };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count += 1;
    return node;
  }

  unshift(value: T): QueueEntry<T> {
    const node: Node<T> = { value, prev: undefined, next: this.head, linked: true };
    if (this.head) this.head.prev = node;
    else this.tail = node;
    this.head = node;
    this.count += 1;
    return node;
  }

  shift(): T | undefined {
    const node = this.head;
    if (!node) return undefined;
    this.unlink(node);
    return node.value;
  }

  /** True if the entry was still queued. */
  remove(entry: QueueEntry<T>): boolean {
    const node = entry as Node<T>;
    if (!node.linked) return false;
    this.unlink(node);
    return true;
  }

  /** A snapshot, so callers may remove entries while iterating. */
  values(): T[] {
    const out: T[] = [];
    for (let node = this.head; node; node = node.next) out.push(node.value);
    return out;
  }

  private unlink(node: Node<T>): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = undefined;
    node.linked = false;
    this.count -= 1;
  }
}
