"""Request and response bodies of the tablet API (the OpenAPI contract, `openapi.json`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from madoguchi.ingest.sessions import ErasureReceipt
from madoguchi.shared.contracts import Speaker
from madoguchi.shared.contracts.envelope import LanguageTag, Token

Secret = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(Strict):
    """The device proves itself one way: an enrolled tablet signs a challenge
    (`POST /v1/auth/challenge`) with its device-bound key; a script or an older tablet sends
    its device secret."""

    device_id: Token
    device_secret: Secret | None = None
    challenge: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    signature: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, description="ECDSA P-256 / SHA-256 of the challenge text, r‖s, base64url.")
    staff_id: Token
    password: Secret

    @model_validator(mode="after")
    def _one_device_proof(self) -> LoginRequest:
        by_key = self.challenge is not None and self.signature is not None
        if by_key == (self.device_secret is not None) or \
                (self.challenge is None) != (self.signature is None):
            raise ValueError("give either device_secret, or challenge and signature")
        return self


class ChallengeRequest(Strict):
    device_id: Token


class ChallengeResponse(Strict):
    challenge: str = Field(description="Sign this text (UTF-8) with the device-bound key.")
    expires_at: int = Field(description="Unix time; a challenge is accepted once.")


class EnrolRequest(Strict):
    device_id: Token
    code: Annotated[str, StringConstraints(min_length=4, max_length=32)] = Field(
        description="The one-time enrolment code `madoguchi devices add` printed.")
    public_key: Annotated[str, StringConstraints(min_length=40, max_length=400)] = Field(
        description="The device-bound key's public half: ECDSA P-256, SPKI DER, base64.")


class EnrolResponse(Strict):
    device_id: str
    enrolled: bool


class LoginResponse(Strict):
    token: str
    token_type: str = "Bearer"
    expires_at: int = Field(description="Unix time")
    device_id: str
    staff_id: str


class OpenSessionRequest(Strict):
    counter_id: Token
    staff_language: LanguageTag = "ja"
    visitor_language: LanguageTag | None = Field(
        default=None, description="Omit (or null) to detect the visitor's language from speech."
    )


class SessionResponse(Strict):
    session_id: str
    counter_id: str
    device_id: str
    staff_id: str
    staff_language: str
    visitor_language: str | None
    confirm_before_showing: Literal["off", "warnings", "always"] = Field(
        description="The counter's setting: hold machine translations of staff speech on the "
                    "staff side until staff confirm (always), only those the meaning check "
                    "warned about (warnings), or never (off).")
    status: str


class AudioSummary(Strict):
    key: str
    sha256: str
    format: str
    codec: str
    sample_rate: int
    channels: int
    duration_ms: int
    size_bytes: int


class UtteranceAccepted(Strict):
    utterance_id: str
    audio: AudioSummary
    duplicate: bool = Field(description="True when this Idempotency-Key was seen before.")


class TextRequest(Strict):
    speaker: Speaker
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)] | None = None
    phrase_id: Token | None = None
    language: LanguageTag | None = Field(
        default=None, description="Defaults to the speaker's session language."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> TextRequest:
        if (self.text is None) == (self.phrase_id is None):
            raise ValueError("give exactly one of text or phrase_id")
        return self


class TextAccepted(Strict):
    utterance_id: str
    duplicate: bool


class FeedbackRequest(Strict):
    """What happened to one translated utterance on the tablet: content-free, for the usage
    report (how often a language or counter is not understood) and the audit trail."""

    by: Speaker = Field(description="Who tapped: the listener of the translation.")
    kind: Literal["not_understood", "confirmed", "withdrawn"] = Field(
        description="not_understood: 「伝わらなかった / I did not understand」 (either side); "
                    "confirmed / withdrawn: staff released or dropped a held translation.")
    language: LanguageTag | None = Field(
        default=None, description="The visitor's language as the tablet shows it (when the "
                                  "session detects it); one of GET /v1/languages.")

    @model_validator(mode="after")
    def _staff_decides(self) -> FeedbackRequest:
        if self.kind != "not_understood" and self.by != Speaker.STAFF:
            raise ValueError("only staff confirm or withdraw a held translation")
        return self


class Language(Strict):
    tag: str


class LanguagesResponse(Strict):
    languages: list[Language]
    translation: Literal["full", "phrases_only", "unknown"] = Field(
        description="full: a model translates anything; phrases_only: no model is installed, "
                    "only fixed phrases are translated (show 定型文のみ); unknown: translation "
                    "has not reported in the last minutes.")


class PhraseCategoryView(Strict):
    id: str
    names: dict[str, str]


class PhraseView(Strict):
    phrase_id: str
    category: str
    speaker: Literal["staff", "visitor", "either"] = Field(
        description="Who says it: pointing mode offers visitors `visitor` and `either` ones.")
    review_status: str = Field(description="reviewed, or machine-draft (show it as such)")
    texts: dict[str, str] = Field(description="Language tag -> text")


class PhrasesResponse(Strict):
    version: int
    languages: list[str]
    categories: list[PhraseCategoryView]
    phrases: list[PhraseView]


class ErrorDetail(Strict):
    code: str
    reason: str


__all__ = [
    "AudioSummary", "ChallengeRequest", "ChallengeResponse", "EnrolRequest", "EnrolResponse",
    "ErasureReceipt", "ErrorDetail", "FeedbackRequest", "LanguagesResponse",
    "LoginRequest", "LoginResponse", "OpenSessionRequest", "PhraseCategoryView", "PhraseView",
    "PhrasesResponse", "SessionResponse", "TextAccepted",
    "TextRequest", "UtteranceAccepted",
]
