"""A lean HTTP/1.1 load generator for the ingest API, run as its own process.

``python -m bench.loadgen --port P --key bb_... --events-per-request 1000 --concurrency 8 --seconds 60``

Each connection sends one request at a time over keep-alive; bodies are built once and only their
event-id prefix changes per request (a bytes replace), so the generator spends its CPU on sending,
not on JSON. Prints one JSON line: requests, events, errors, throughput and latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import time
import uuid

import uvloop

PLACEHOLDER = b"RQ000000000000"


def body_template(events: int, customers: int = 1000, skus: int = 20) -> bytes:
    sent_at = dt.datetime.now(dt.UTC).isoformat()
    customer_ids = [str(uuid.UUID(int=i + 1)) for i in range(customers)]
    sku_ids = [str(uuid.UUID(int=10**6 + i)) for i in range(skus)]
    items = [
        {
            "event_id": f"{PLACEHOLDER.decode()}-{i:05d}",
            "customer_id": customer_ids[i % customers],
            "sku_id": sku_ids[i % skus],
            "amount": round((i % 97) * 0.25, 2),
            "sent_at": sent_at,
        }
        for i in range(events)
    ]
    return json.dumps(items[0] if events == 1 else {"events": items}).encode()


async def run_connection(
    port: int, request_head: bytes, template: bytes, counter: list[int], deadline: float, stats: dict[str, list[float]]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            counter[0] += 1
            body = template.replace(PLACEHOLDER, f"RQ{counter[0]:012d}".encode())
            started = time.perf_counter()
            writer.write(request_head + str(len(body)).encode() + b"\r\n\r\n" + body)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            elapsed = time.perf_counter() - started
            status = int(status_line.split()[1])
            stats["ok" if status == 202 else f"status_{status}"].append(elapsed)
    finally:
        writer.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    template = body_template(args.events_per_request)
    head = (
        f"POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\nAuthorization: Bearer {args.key}\r\n"
        "Content-Type: application/json\r\nContent-Length: "
    ).encode()
    stats: dict[str, list[float]] = {"ok": []}
    for code in (400, 413, 415, 422, 429, 500, 503):
        stats[f"status_{code}"] = []
    counter = [0]
    started = time.perf_counter()
    deadline = started + args.seconds
    await asyncio.gather(
        *(run_connection(args.port, head, template, counter, deadline, stats) for _ in range(args.concurrency))
    )
    elapsed = time.perf_counter() - started
    ok = stats["ok"]
    return {
        "mode": "single" if args.events_per_request == 1 else f"batch of {args.events_per_request}",
        "concurrency": args.concurrency,
        "seconds": round(elapsed, 2),
        "requests_ok": len(ok),
        "errors": {k: len(v) for k, v in stats.items() if k != "ok" and v},
        "requests_per_s": round(len(ok) / elapsed, 1),
        "events_per_s": round(len(ok) * args.events_per_request / elapsed),
        "latency_ms": {
            "p50": round(percentile(ok, 0.50) * 1000, 2),
            "p99": round(percentile(ok, 0.99) * 1000, 2),
            "max": round(max(ok, default=float("nan")) * 1000, 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--events-per-request", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    print(json.dumps(uvloop.run(main_async(args))))


if __name__ == "__main__":
    main()
