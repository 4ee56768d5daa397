"""Read and delete one object (uploaded audio, synthesised speech) with narrow permissions.

nats.py's `ObjectStore.get` reads chunks through an ordered push consumer, which needs
`$JS.API.STREAM.NAMES`, unnamed consumer creation and flow-control subjects. Reading the chunks
by `next_by_subj` message gets needs only `$JS.API.STREAM.MSG.GET.OBJ_<bucket>`, which the user
already has for the object's metadata — so the permission set stays as small as it was.
Recognition reads and deletes uploads with it; ingest serves synthesised speech with it.
Deleting likewise goes message by message (`STREAM.MSG.DELETE`): nats.py's delete purges the
chunk subject, and a user allowed to purge can purge the whole bucket in one call.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from collections.abc import AsyncIterator

from nats.js.api import ObjectInfo, RawStreamMsg
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

OBJ_DIGEST_PREFIX = "SHA-256="


class ObjectCorruptError(Exception):
    """Metadata and chunks disagree (size, count or digest)."""


class AudioObjects:
    def __init__(self, js: JetStreamContext, bucket: str) -> None:
        self._js = js
        self._bucket = bucket
        self._stream = f"OBJ_{bucket}"
        self._store: ObjectStore | None = None
        # The chunks' sequence numbers seen by `read`, so that `delete` removes them without
        # looking them up again (one request per chunk). Bounded: a read never deleted is
        # dropped from here, and `delete` then walks the chunk subject instead.
        self._read_chunks: dict[str, tuple[str, list[int]]] = {}

    async def _objects(self) -> ObjectStore:
        if self._store is None:
            self._store = await self._js.object_store(self._bucket)
        return self._store

    async def _chunks(self, info: ObjectInfo) -> AsyncIterator[RawStreamMsg]:
        subject = f"$O.{self._bucket}.C.{info.nuid}"
        seq = 0
        for _ in range(int(info.chunks or 0)):
            try:
                msg = await self._js.get_msg(self._stream, seq=seq + 1, subject=subject, next=True)
            except NotFoundError:
                raise ObjectCorruptError("missing chunk") from None
            yield msg
            seq = int(msg.seq or 0)

    async def read(self, key: str) -> bytes:
        """The object's bytes, digest-checked. Raises ObjectNotFoundError when absent/deleted."""
        info = await (await self._objects()).get_info(key)
        data = bytearray()
        seqs = []
        async for msg in self._chunks(info):
            data += msg.data or b""
            seqs.append(int(msg.seq or 0))
        if len(self._read_chunks) >= 1024:
            self._read_chunks.pop(next(iter(self._read_chunks)))
        self._read_chunks[key] = (str(info.nuid), seqs)
        if len(data) != int(info.size or 0):
            raise ObjectCorruptError("size differs from metadata")
        digest = (info.digest or "").removeprefix(OBJ_DIGEST_PREFIX).removeprefix(
            OBJ_DIGEST_PREFIX.lower())
        if base64.urlsafe_b64decode(digest) != hashlib.sha256(data).digest():
            raise ObjectCorruptError("digest differs from metadata")
        return bytes(data)

    async def put(self, key: str, data: bytes) -> ObjectInfo:
        """Store a new object (chunks, then metadata). The writer checks with `read` first:
        replacing an object would purge the old chunks, which its user may not do."""
        return await (await self._objects()).put(key, data)

    async def delete(self, key: str) -> bool:
        """Tombstone the metadata, then delete each chunk; an absent object is fine: absent is
        the goal. True when there was an object (not yet tombstoned) to delete. The tombstone
        goes first so that no reader finds half an object; a retry after a failure half-way
        finds the tombstone and deletes the chunks still there."""
        known = self._read_chunks.pop(key, None)
        try:
            info = await (await self._objects()).get_info(key, show_deleted=True)
        except (ObjectNotFoundError, NotFoundError):
            return False
        existed = not info.deleted
        if known is not None and known[0] == info.nuid and not info.deleted:
            await self._tombstone(key, info)
            for seq in known[1]:
                with contextlib.suppress(NotFoundError):
                    await self._js.delete_msg(self._stream, seq)
            return True
        if not info.deleted:
            await self._tombstone(key, info)
        subject = f"$O.{self._bucket}.C.{info.nuid}"
        while True:  # every chunk left under the object's nuid, whatever the metadata says
            try:
                msg = await self._js.get_msg(self._stream, seq=1, subject=subject, next=True)
            except NotFoundError:
                return existed
            with contextlib.suppress(NotFoundError):
                await self._js.delete_msg(self._stream, int(msg.seq or 0))

    async def _tombstone(self, key: str, info: ObjectInfo) -> None:
        tombstone = ObjectInfo(name=info.name, bucket=info.bucket, nuid=info.nuid, size=0,
                               chunks=0, digest="", deleted=True)
        await self._js.publish(
            f"$O.{self._bucket}.M.{base64.urlsafe_b64encode(key.encode()).decode()}",
            json.dumps(tombstone.as_dict()).encode(), headers={"Nats-Rollup": "sub"})
