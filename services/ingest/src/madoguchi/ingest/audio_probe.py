"""Probe untrusted audio with a real decoder (PyAV/FFmpeg), in a worker process with limits.

Ingest is the only public entry point, so this is where hostile audio arrives. The rules:

- containers, codecs, sample rates and channel counts are allow-listed (`AudioLimits`);
- the whole file is decoded frame by frame (bounded memory) and decoding stops as soon as the
  decoded duration passes the cap: a tiny FLAC/Opus "decompression bomb" costs at most the cap;
- a declared duration much longer or shorter than what decodes means a lying header or a
  truncated file: rejected;
- decoding runs in a separate process with an address-space and CPU-time limit and a wall-clock
  timeout, so a decoder bug or an exotic stream cannot take the service down with it.

The decode is done once, here: what passes is resampled on the way to 16 kHz mono 16-bit PCM
(`NORMALISED`), and that is what ingest stores, so recognition never parses an untrusted
container nor decodes a second time. `probe_audio` is the pure function; `AudioProber` runs it
in a pool of limited worker processes. Rejections carry a reason code and a short text that
never quotes the input.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import multiprocessing
import resource
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Literal

AudioFormat = Literal["wav", "webm", "ogg", "flac", "mp3"]

# FFmpeg demuxer name -> the format label the contracts use.
CONTAINERS: dict[str, AudioFormat] = {
    "wav": "wav",
    "matroska,webm": "webm",
    "ogg": "ogg",
    "flac": "flac",
    "mp3": "mp3",
}
CODECS_BY_FORMAT: dict[AudioFormat, frozenset[str]] = {
    "wav": frozenset({"pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8",
                      "pcm_mulaw", "pcm_alaw"}),
    "webm": frozenset({"opus", "vorbis"}),
    "ogg": frozenset({"opus", "vorbis", "flac"}),
    "flac": frozenset({"flac"}),
    "mp3": frozenset({"mp3", "mp3float"}),
}
SAMPLE_RATES = frozenset({8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000})
NORMALISED_RATE = 16_000
NORMALISED = "pcm_s16le_16k_mono"
"""What ingest stores: little-endian signed 16-bit samples, 16 kHz, one channel, no header."""


@dataclass(frozen=True)
class AudioLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_duration_s: float = 60.0
    max_channels: int = 2
    sample_rates: frozenset[int] = field(default=SAMPLE_RATES)
    # Worker limits: address space (PyAV + FFmpeg + a 10 MiB body fit well below this).
    worker_memory_bytes: int = 1024 * 1024 * 1024
    worker_cpu_s: int = 30
    timeout_s: float = 10.0
    # |declared - decoded| tolerated before the header is called a liar (MP3 estimates).
    duration_tolerance: float = 0.25


@dataclass(frozen=True)
class AudioInfo:
    format: AudioFormat
    codec: str
    sample_rate: int
    channels: int
    duration_ms: int


@dataclass(frozen=True)
class ProbedAudio:
    """What passed the checks: its description and the normalised samples (`NORMALISED`)."""

    info: AudioInfo
    pcm: bytes


class AudioRejected(Exception):
    """The audio is not acceptable. `code` is a token; `reason` a short text without input."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason

    def __reduce__(self) -> tuple[type[AudioRejected], tuple[str, str]]:
        return (AudioRejected, (self.code, self.reason))


def probe_audio(data: bytes, limits: AudioLimits) -> ProbedAudio:
    """Open, check and fully decode `data` within `limits` into normalised PCM; raise
    `AudioRejected` if unfit."""
    import av  # imported here: the parent process never needs FFmpeg loaded

    if not data:
        raise AudioRejected("empty", "the body is empty")
    if data[:4] == b"RIFF" and _wav_data_overstated(data):
        raise AudioRejected(
            "duration_mismatch", "declared duration does not match the audio (truncated?)"
        )
    if len(data) > limits.max_bytes:
        raise AudioRejected("too_large", f"audio is larger than {limits.max_bytes} bytes")
    try:
        container = av.open(
            io.BytesIO(data), mode="r",
            # Bound what FFmpeg reads while guessing the format and stream parameters.
            options={"probesize": "1000000", "analyzeduration": "5000000"},
            metadata_errors="ignore",
        )
    except av.FFmpegError:
        raise AudioRejected("not_audio", "not a recognised audio container") from None
    with container:
        return _check_and_decode(container, limits)


def _wav_data_overstated(data: bytes) -> bool:
    """FFmpeg trusts the file size over a WAV `data` chunk that claims more: we do not."""
    position = 12
    while position + 8 <= len(data):
        chunk, size = data[position:position + 4], int.from_bytes(data[position + 4:position + 8],
                                                                   "little")
        if chunk == b"data":
            # 0 and 0xFFFFFFFF mean "unknown length" (streamed WAV): leave it to the decoder.
            return size not in (0, 0xFFFFFFFF) and size > len(data) - position - 8
        position += 8 + size + (size & 1)
    return False


def _check_and_decode(container: object, limits: AudioLimits) -> ProbedAudio:
    import av

    assert isinstance(container, av.container.InputContainer)
    fmt = CONTAINERS.get(container.format.name)
    if fmt is None:
        raise AudioRejected("container_not_allowed", "container format is not allowed")
    if any(s.type != "audio" for s in container.streams):
        raise AudioRejected("not_audio_only", "only a single audio stream is allowed")
    if len(container.streams.audio) != 1:
        raise AudioRejected("stream_count", "exactly one audio stream is required")
    stream = container.streams.audio[0]
    codec = stream.codec_context.name
    if codec not in CODECS_BY_FORMAT[fmt]:
        raise AudioRejected("codec_not_allowed", "codec is not allowed in this container")
    rate, channels = stream.codec_context.sample_rate, stream.codec_context.channels
    _check_rate_channels(rate, channels, limits)
    declared = _declared_seconds(container, stream)
    if declared is not None and declared > limits.max_duration_s * (1 + limits.duration_tolerance):
        raise AudioRejected("too_long", f"audio is longer than {limits.max_duration_s:g} s")
    decoded, pcm = _decode(container, stream, rate, channels, limits)
    if decoded <= 0:
        raise AudioRejected("no_audio", "no audio could be decoded")
    if declared is not None and abs(declared - decoded) > max(
        0.5, declared * limits.duration_tolerance
    ):
        raise AudioRejected(
            "duration_mismatch", "declared duration does not match the audio (truncated?)"
        )
    return ProbedAudio(AudioInfo(fmt, codec, rate, channels, round(decoded * 1000)), pcm)


def _check_rate_channels(rate: int, channels: int, limits: AudioLimits) -> None:
    if rate not in limits.sample_rates:
        raise AudioRejected("sample_rate_not_allowed", "sample rate is not allowed")
    if not 1 <= channels <= limits.max_channels:
        raise AudioRejected("channels_not_allowed", "channel count is not allowed")


def _declared_seconds(container: object, stream: object) -> float | None:
    import av

    assert isinstance(container, av.container.InputContainer)
    assert isinstance(stream, av.AudioStream)
    if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
        return float(stream.duration * stream.time_base)
    if container.duration is not None and container.duration > 0:
        return container.duration / 1_000_000  # AV_TIME_BASE
    return None


def _decode(container: object, stream: object, rate: int, channels: int,
            limits: AudioLimits) -> tuple[float, bytes]:
    """Decode frame by frame into normalised PCM (at most the cap's worth, 1.9 MB for 60 s);
    stop as soon as the cap is passed."""
    import av

    assert isinstance(container, av.container.InputContainer)
    assert isinstance(stream, av.AudioStream)
    cap_samples = int(limits.max_duration_s * rate)
    samples = 0
    resampler = av.AudioResampler(format="s16", layout="mono", rate=NORMALISED_RATE)
    pcm = bytearray()
    try:
        for packet in container.demux(stream):
            for frame in packet.decode():
                if frame.sample_rate != rate or len(frame.layout.channels) != channels:
                    raise AudioRejected("inconsistent_stream", "stream parameters change mid-way")
                samples += frame.samples
                if samples > cap_samples:
                    raise AudioRejected(
                        "too_long", f"audio is longer than {limits.max_duration_s:g} s"
                    )
                for out in resampler.resample(frame):
                    pcm += out.to_ndarray().tobytes()
        for out in resampler.resample(None):
            pcm += out.to_ndarray().tobytes()
    except av.FFmpegError:
        raise AudioRejected("corrupt", "the audio could not be decoded (corrupt or truncated)")\
            from None
    return samples / rate, bytes(pcm)


# --- the limited worker pool ----------------------------------------------------------------


def _limit_worker(memory_bytes: int, cpu_s: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core dumps holding audio
    import av  # noqa: F401 - pay the import once per worker, not per request


ProbeFunction = Callable[[bytes, AudioLimits], ProbedAudio]


class _Worker:
    """One limited process; replaced alone when it hangs or dies."""

    def __init__(self, limits: AudioLimits) -> None:
        self.executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"),
            initializer=_limit_worker,
            initargs=(limits.worker_memory_bytes, limits.worker_cpu_s),
        )

    def warm(self) -> None:
        self.executor.submit(int)

    def kill(self) -> None:
        # A stuck worker never returns: kill the process, do not wait for it.
        for process in list(getattr(self.executor, "_processes", {}).values()):
            with contextlib.suppress(Exception):
                process.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)


class AudioProber:
    """Probes in `workers` separate limited processes, each upload on a worker of its own.

    An upload waits for a free worker (that wait is not probe time), then has `timeout_s` of
    the worker's time. A worker that hangs or dies is killed and replaced alone: the uploads
    on the other workers are not touched, so one hostile or slow file never fails another
    tablet's upload.
    """

    def __init__(self, limits: AudioLimits, workers: int = 2,
                 probe: ProbeFunction = probe_audio) -> None:
        self.limits = limits
        self._probe = probe
        self._size = workers
        self._free: asyncio.Queue[_Worker] | None = None

    def _pool(self) -> asyncio.Queue[_Worker]:
        if self._free is None:
            self._free = asyncio.Queue()
            for _ in range(self._size):
                self._free.put_nowait(_Worker(self.limits))
        return self._free

    def start(self) -> None:
        """Start the workers now so the first upload does not pay for it."""
        pool = self._pool()
        for _ in range(pool.qsize()):
            worker = pool.get_nowait()
            worker.warm()
            pool.put_nowait(worker)

    async def probe(self, data: bytes) -> ProbedAudio:
        if len(data) > self.limits.max_bytes:
            raise AudioRejected("too_large", f"audio is larger than {self.limits.max_bytes} bytes")
        pool = self._pool()
        worker = await pool.get()
        try:
            future = asyncio.wrap_future(worker.executor.submit(self._probe, data, self.limits))
            result = await asyncio.wait_for(future, self.limits.timeout_s)
        except AudioRejected:
            pool.put_nowait(worker)
            raise
        except TimeoutError:
            pool.put_nowait(self._replace(worker))
            raise AudioRejected("probe_timeout", "the audio took too long to check") from None
        except (BrokenProcessPool, MemoryError):
            pool.put_nowait(self._replace(worker))
            raise AudioRejected("probe_failed", "the audio could not be checked safely") from None
        except BaseException:
            pool.put_nowait(self._replace(worker))  # cancelled mid-probe: do not reuse
            raise
        pool.put_nowait(worker)
        return result

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        fresh = _Worker(self.limits)
        fresh.warm()
        return fresh

    def close(self) -> None:
        pool, self._free = self._free, None
        while pool is not None and not pool.empty():
            pool.get_nowait().executor.shutdown(wait=True, cancel_futures=True)
