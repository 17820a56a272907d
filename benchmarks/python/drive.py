"""Drives Python's requests-futures for the benchmark's comparison arms.

Run with Debian's interpreter (/usr/bin/python3), where python3-requests-futures
is installed. Prints one JSON line on stdout: {"requests", "bytes", "seconds"}.
The clock covers the requests only (not the interpreter's start-up or imports),
as the Node arms' clocks do.

  drive.py gets --url URL --count N --executor thread|process --workers W
  drive.py download --urls-file F --out-dir D --workers W [--sha256]

With --sha256 each body is also hashed as it is written (what `rf download`
records in its manifest); the CLI scenario times the whole process instead.
"""
import argparse
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import partial

from requests_futures.sessions import FuturesSession

CHUNK = 1024 * 1024


def make_session(executor, workers):
    if executor == 'process':
        return FuturesSession(executor=ProcessPoolExecutor(max_workers=workers))
    return FuturesSession(max_workers=workers)


def run_gets(args):
    session = make_session(args.executor, args.workers)
    try:
        started = time.perf_counter()
        # The requests-futures idiom: submit everything, then collect.
        futures = [session.get(args.url) for _ in range(args.count)]
        total_bytes = 0
        for future in as_completed(futures):
            response = future.result()
            if response.status_code != 200:
                raise SystemExit(f'{args.url} answered {response.status_code}')
            total_bytes += len(response.content)
        seconds = time.perf_counter() - started
    finally:
        session.close()
    return {'requests': args.count, 'bytes': total_bytes, 'seconds': seconds}


def save_body(path, sha256, response, *args, **kwargs):
    """Response hook: streams the body to `path` in the worker thread (and hashes it if asked)."""
    response.raise_for_status()
    written = 0
    digest = hashlib.sha256() if sha256 else None
    with open(path, 'wb') as out:
        for chunk in response.iter_content(CHUNK):
            out.write(chunk)
            if digest is not None:
                digest.update(chunk)
            written += len(chunk)
    response.saved_bytes = written
    response.sha256 = digest.hexdigest() if digest is not None else None
    return response


def run_download(args):
    with open(args.urls_file) as f:
        urls = [line.strip() for line in f if line.strip()]
    os.makedirs(args.out_dir, exist_ok=True)
    session = FuturesSession(max_workers=args.workers)
    try:
        started = time.perf_counter()
        futures = []
        for index, url in enumerate(urls):
            path = os.path.join(args.out_dir, f'{index:04d}.bin')
            futures.append(session.get(url, stream=True, hooks={'response': partial(save_body, path, args.sha256)}))
        total_bytes = sum(future.result().saved_bytes for future in as_completed(futures))
        seconds = time.perf_counter() - started
    finally:
        session.close()
    return {'requests': len(urls), 'bytes': total_bytes, 'seconds': seconds}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest='mode', required=True)
    gets = modes.add_parser('gets')
    gets.add_argument('--url', required=True)
    gets.add_argument('--count', type=int, required=True)
    gets.add_argument('--executor', choices=['thread', 'process'], default='thread')
    gets.add_argument('--workers', type=int, default=8)
    download = modes.add_parser('download')
    download.add_argument('--urls-file', required=True)
    download.add_argument('--out-dir', required=True)
    download.add_argument('--workers', type=int, default=16)
    download.add_argument('--sha256', action='store_true')
    args = parser.parse_args(argv)
    result = run_gets(args) if args.mode == 'gets' else run_download(args)
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv[1:])
