"""Coalesce concurrent translation requests into one `translate_batch` call per language pair.

Requests that arrive while a batch is running (or within `max_wait` of the first) are
translated together; the blocking call runs in a worker thread so the event loop keeps
serving NATS heartbeats and health checks. `max_wait` defaults to 0: an idle engine starts at
once (measured: a 5 ms wait cost 10 ms per utterance, forward plus back-translation, and
bought nothing that the batches formed while the engine works do not give).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from madoguchi.translation.engine import TranslationEngine


@dataclass
class _Pending:
    texts: list[str]
    future: asyncio.Future[list[str]]


@dataclass
class _Queue:
    items: list[_Pending] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


class BatchingEngine:
    def __init__(self, engine: TranslationEngine, *, max_wait: float = 0.0,
                 max_sentences: int = 64) -> None:
        self.engine = engine
        self.max_wait = max_wait
        self.max_sentences = max_sentences
        self._queues: dict[tuple[str, str], _Queue] = {}
        self._lock = asyncio.Lock()  # one model call at a time: CTranslate2 parallelises inside

    @property
    def model_id(self) -> str:
        return self.engine.model_id

    def supports(self, source: str, target: str) -> bool:
        return self.engine.supports(source, target)

    async def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        future: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
        queue = self._queues.setdefault((source, target), _Queue())
        queue.items.append(_Pending(texts, future))
        if queue.task is None:
            queue.task = asyncio.create_task(self._drain(source, target, queue))
        return await future

    async def _drain(self, source: str, target: str, queue: _Queue) -> None:
        # sleep(0) still lets the requests already scheduled in this loop turn join the batch.
        await asyncio.sleep(self.max_wait)
        try:
            while queue.items:
                batch: list[_Pending] = []
                size = 0
                while queue.items and (not batch
                                       or size + len(queue.items[0].texts) <= self.max_sentences):
                    item = queue.items.pop(0)
                    batch.append(item)
                    size += len(item.texts)
                await self._run(batch, source, target)
        finally:
            queue.task = None

    async def _run(self, batch: list[_Pending], source: str, target: str) -> None:
        texts = [t for item in batch for t in item.texts]
        try:
            async with self._lock:
                out = await asyncio.to_thread(self.engine.translate_batch, texts, source, target)
        except Exception as exc:
            if len(batch) > 1:  # one bad request (too long ...) must not fail its neighbours
                for item in batch:
                    await self._run([item], source, target)
                return
            for item in batch:  # the waiting request gets the failure, never hangs
                if not item.future.done():
                    item.future.set_exception(exc)
            return
        start = 0
        for item in batch:
            if not item.future.done():
                item.future.set_result(out[start:start + len(item.texts)])
            start += len(item.texts)
