"""Bare relay baseline: the pipeline's hops over the same TLS NATS, with no service code.

publish `received` -> durable pull consumer `recognition` -> publish `transcribed` -> durable
pull consumer `translation` -> publish `translated` -> an ordered consumer (as ingest's SSE
reads it). Each relay hop is its own process, as the services are; a hop is the least a
hand-written worker does: pull one message, publish it on the next subject with a message id,
acknowledge. The pipeline's latency divided by this one's is the cost of the service code.

`python -m bench.relay HOP`, with the admin connection in the environment (run by `measure`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from nats.js.api import ConsumerConfig, DeliverPolicy

from bench.common import summary
from madoguchi.shared.natsconn import connect
from madoguchi.shared.settings import NatsSettings
from madoguchi.shared.streams import CONVERSATION
from madoguchi.testing.cluster import SecureNats

HOPS = {"recognition": "transcribed", "translation": "translated"}
"""Durable that the hop consumes -> the subject kind it publishes."""
PAYLOAD = json.dumps({"utterance_id": "x" * 24, "pad": "y" * 600}).encode()
"""About the size of an `UtteranceReceived`."""


async def _relay(durable: str) -> None:
    settings = NatsSettings.model_validate_json(os.environ["BENCH_RELAY_NATS"])
    nc = await connect(settings, "admin")
    js = nc.jetstream()
    sub = await js.pull_subscribe_bind(durable, CONVERSATION)
    to_kind = HOPS[durable]
    while True:
        try:
            msgs = await sub.fetch(1, timeout=5)
        except TimeoutError:
            continue
        for msg in msgs:
            session = msg.subject.rsplit(".", 1)[1]
            msg_id = (msg.headers or {}).get("Nats-Msg-Id", "")
            await js.publish(f"mg.v1.utterance.{to_kind}.{session}", msg.data,
                             headers={"Nats-Msg-Id": f"{msg_id}-{to_kind}"})
            await msg.ack()


def _start_hop(durable: str, secure: SecureNats, log: Path) -> subprocess.Popen[bytes]:
    admin = secure.admin()
    settings = admin.model_copy(update={"password": None}).model_dump(mode="json")
    settings["password"] = admin.password.get_secret_value() if admin.password else None
    env = os.environ | {"BENCH_RELAY_NATS": json.dumps(settings)}
    return subprocess.Popen([sys.executable, "-m", "bench.relay", durable], env=env,
                            stdin=subprocess.DEVNULL, stdout=log.open("ab"),
                            stderr=subprocess.STDOUT)


async def measure(secure: SecureNats, log_dir: Path, rate: float, seconds: float,
                  ) -> dict[str, Any]:
    """Open-loop publishes at `rate`; latency from the publish (the moment the event is handed
    to NATS, as ingest does before answering 202) to the last hop's output."""
    log_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the clock
    hops = [_start_hop(d, secure, log_dir / f"relay-{d}.log") for d in HOPS]
    nc = await connect(secure.admin(), "admin")
    js = nc.jetstream()
    arrived: dict[str, float] = {}
    done = asyncio.Event()
    count = max(1, int(rate * seconds))

    async def on_result(msg: Any) -> None:
        arrived[msg.subject.rsplit(".", 1)[1]] = time.perf_counter()
        if len(arrived) >= count:
            done.set()


    sub = await js.subscribe("mg.v1.utterance.translated.*", cb=on_result,
                             ordered_consumer=True,
                             config=ConsumerConfig(deliver_policy=DeliverPolicy.NEW))
    accepted: dict[str, float] = {}
    try:
        await asyncio.sleep(2.0)  # the hops are connected and pulling

        async def one(n: int, due: float) -> None:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            key = f"relay{int(rate)}x{n}"  # unique per rate: the reader sees earlier runs too
            accepted[key] = time.perf_counter()
            await js.publish(f"mg.v1.utterance.received.{key}", PAYLOAD,
                             headers={"Nats-Msg-Id": key})

        start = time.perf_counter() + 0.2
        await asyncio.gather(*(one(n, start + n / rate) for n in range(count)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 20)
        latencies = [(arrived[k] - t) * 1000 for k, t in accepted.items() if k in arrived]
        return {"offered_rate": rate, "utterances": count, "lost": count - len(latencies),
                "latency_from_accepted_ms": summary(latencies)}
    finally:
        await sub.unsubscribe()
        await nc.close()
        for hop in hops:
            hop.terminate()
            hop.wait(10)


if __name__ == "__main__":
    asyncio.run(_relay(sys.argv[1]))
