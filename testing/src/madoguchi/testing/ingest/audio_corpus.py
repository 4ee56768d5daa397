"""Valid audio in every allowed format, and a hostile corpus, generated at test time.

Valid files are encoded with PyAV's own encoders (so the formats are real, not hand-made).
Hostile files are built byte by byte: each targets one rule of `madoguchi.ingest.audio_probe`.
"""

from __future__ import annotations

import io
import math
import struct
import zlib
from collections.abc import Callable

import av

from madoguchi.ingest.audio_probe import AudioLimits, ProbedAudio

VALID_FORMATS = {  # label -> (container, codec, sample rate)
    "wav": ("wav", "pcm_s16le", 16000),
    "webm": ("webm", "libopus", 48000),
    "ogg": ("ogg", "libopus", 48000),
    "flac": ("flac", "flac", 16000),
    "mp3": ("mp3", "libmp3lame", 16000),
}


def encode(label: str, seconds: float = 1.0, channels: int = 1) -> bytes:
    container_name, codec, rate = VALID_FORMATS[label]
    buffer = io.BytesIO()
    layout = "mono" if channels == 1 else "stereo"
    with av.open(buffer, mode="w", format=container_name) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        assert isinstance(stream, av.AudioStream)
        frame_size = 960 if "opus" in codec else 1152 if "mp3" in codec else 1024
        total = int(seconds * rate)
        t = 0
        while t < total:
            n = min(frame_size, total - t)
            pcm = b"".join(
                struct.pack("<h", int(math.sin(2 * math.pi * 440 * (i / rate)) * 8000)) * channels
                for i in range(t, t + n)
            )
            frame = av.AudioFrame(format="s16", layout=layout, samples=n)
            frame.planes[0].update(pcm)
            frame.sample_rate = rate
            frame.pts = t
            for packet in stream.encode(frame):
                container.mux(packet)
            t += n
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def wav_header(*, rate: int, channels: int, bits: int = 16, data_len: int, riff_len: int | None
               = None, fmt_tag: int = 1) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    riff = riff_len if riff_len is not None else 36 + data_len
    return (b"RIFF" + struct.pack("<I", riff) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", data_len))


def wav(*, rate: int = 16000, channels: int = 1, seconds: float = 1.0) -> bytes:
    n = int(rate * seconds) * channels * 2
    return wav_header(rate=rate, channels=channels, data_len=n) + b"\x01\x00" * (n // 2)


def flac_bomb(hours: float = 3.0, declare: bool = True) -> bytes:
    """A FLAC stream of silence: constant subframes make hours of audio a few KiB of bytes."""
    rate, block = 16000, 4096
    total = int(hours * 3600 * rate)
    streaminfo = _streaminfo(rate, block, total if declare else 0)
    frames = bytearray()
    for number in range(total // block):
        frames += _constant_frame(number, block)
    return b"fLaC" + bytes([0x80, 0, 0, 34]) + streaminfo + bytes(frames)


def _streaminfo(rate: int, block: int, total_samples: int) -> bytes:
    head = struct.pack(">HH", block, block) + b"\x00\x00\x00" + b"\x00\x00\x00"
    # 20 bits rate, 3 bits channels-1, 5 bits bps-1, 36 bits total samples
    packed = (rate << 44) | (0 << 41) | (15 << 36) | total_samples
    return head + packed.to_bytes(8, "big") + b"\x00" * 16


def _utf8_number(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x800:
        return bytes([0xC0 | (n >> 6), 0x80 | (n & 0x3F)])
    if n < 0x10000:
        return bytes([0xE0 | (n >> 12), 0x80 | ((n >> 6) & 0x3F), 0x80 | (n & 0x3F)])
    if n < 0x200000:
        return bytes([0xF0 | (n >> 18), 0x80 | ((n >> 12) & 0x3F), 0x80 | ((n >> 6) & 0x3F),
                      0x80 | (n & 0x3F)])
    return bytes([0xF8 | (n >> 24), 0x80 | ((n >> 18) & 0x3F), 0x80 | ((n >> 12) & 0x3F),
                  0x80 | ((n >> 6) & 0x3F), 0x80 | (n & 0x3F)])


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def _constant_frame(number: int, block: int) -> bytes:
    # sync 0xFFF8 (fixed block size); block size code 12 = 4096... use 0b1100 -> 256*2^(12-8)
    # sample-rate code 0b1000 = 32 kHz? use 0b0000 = from STREAMINFO; mono; 16 bit (0b100).
    header = bytes([0xFF, 0xF8, 0b1100_0000, 0b0000_1000]) + _utf8_number(number)
    header += bytes([_crc8(header)])
    subframe = bytes([0b0000_0000]) + b"\x00\x00"  # CONSTANT subframe, value 0 (16 bits)
    body = header + subframe
    return body + struct.pack(">H", _crc16(body))


def hostile_corpus() -> dict[str, Callable[[], bytes]]:
    """name -> builder; every one must be rejected with a 4xx."""
    good_flac = encode("flac", 2.0)
    good_ogg = encode("ogg", 2.0)
    return {
        "empty": lambda: b"",
        "text_file": lambda: b"hello, this is not audio at all\n" * 50,
        "png_image": lambda: b"\x89PNG\r\n\x1a\n" + zlib.compress(b"\x00" * 5000),
        "zero_sample_rate": lambda: wav_header(rate=0, channels=1, data_len=32000) + b"\0" * 32000,
        "absurd_sample_rate": lambda: wav(rate=4_000_000, seconds=0.001),
        "odd_sample_rate": lambda: wav(rate=7919, seconds=0.5),
        "thousands_of_channels": lambda: (
            wav_header(rate=16000, channels=4000, data_len=64000) + b"\0" * 64000
        ),
        "three_channels": lambda: wav(channels=3, seconds=0.2),
        "lying_wav_length": lambda: wav_header(rate=16000, channels=1, data_len=32000 * 600)
        + b"\1\0" * 16000,
        "truncated_flac": lambda: good_flac[: len(good_flac) // 3],
        "truncated_ogg": lambda: good_ogg[: len(good_ogg) // 3],
        "header_only_wav": lambda: wav_header(rate=16000, channels=1, data_len=0),
        "garbage_after_riff": lambda: b"RIFF\xff\xff\xff\xffWAVE" + b"\x7f" * 4000,
        "float_format_tag_lie": lambda: wav_header(rate=16000, channels=1, data_len=16000,
                                                   fmt_tag=0x55) + b"\0" * 16000,
        "too_long_wav": lambda: wav(seconds=61.0),
        "flac_bomb_declared": lambda: flac_bomb(hours=3.0, declare=True),
        "flac_bomb_undeclared": lambda: flac_bomb(hours=3.0, declare=False),
        "video_file": _video,
    }


def _video() -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame(32, 32, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([i * 40]) * plane.buffer_size)
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def paced_probe(data: bytes, limits: AudioLimits) -> ProbedAudio:
    """The real probe, 0.3 s slower; a body starting with `STUCK` hangs like a decoder bug
    (a module-level function: the probe worker process imports it)."""
    import time

    from madoguchi.ingest.audio_probe import probe_audio

    if data.startswith(b"STUCK"):
        time.sleep(60)
    time.sleep(0.3)
    return probe_audio(data, limits)
