"""Phrases Whisper is known to invent on silence, music and noise (subtitle credits seen in its
training data). Text matching one of these with a high no-speech probability is not speech."""

from __future__ import annotations

import re
import unicodedata

KNOWN_PHRASES: frozenset[str] = frozenset({
    # Japanese
    "ご視聴ありがとうございました", "ご視聴ありがとうございます", "ありがとうございました",
    "チャンネル登録よろしくお願いします", "おやすみなさい", "字幕作成者", "エンディング",
    "最後までご視聴いただきありがとうございます",
    # English
    "thank you for watching", "thanks for watching", "thank you", "thank you very much",
    "please subscribe", "subscribe to my channel", "bye", "you", "so",
    "subtitles by the amaraorg community",
    # Spanish, Portuguese, Chinese, Korean, German, French
    "gracias por ver", "gracias por ver el video",
    "subtítulos realizados por la comunidad de amaraorg",
    "obrigado por assistir", "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目", "谢谢观看",
    "시청해주셔서 감사합니다", "untertitel im auftrag des zdf für funk 2017",
    "sous-titrage st 501", "merci d'avoir regardé",
})

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_PUNCT.sub(" ", text).split())


_NORMALISED = frozenset(normalise(p) for p in KNOWN_PHRASES)


def is_known_hallucination(text: str) -> bool:
    """True when the whole text is one known phrase (possibly repeated)."""
    norm = normalise(text)
    if not norm:
        return True
    if norm in _NORMALISED:
        return True
    # Repetitions like "thank you thank you" or "ご視聴ありがとうございました ご視聴..."
    return any(norm.replace(p, "").strip() == "" for p in _NORMALISED if p and p in norm)


def is_prompt_echo(text: str, prompt: str) -> bool:
    """True when the whole text is a piece of the vocabulary prompt: on noise, a prompted
    Whisper may repeat its prompt (the no-speech probability then decides, as for credits)."""
    norm = normalise(text)
    return bool(norm) and norm in normalise(prompt)
