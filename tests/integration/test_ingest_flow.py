"""A tablet-like client against a real ingest on a real, secured NATS (as the `ingest` user)."""

from __future__ import annotations

import json

import pytest
from nats.aio.client import Client
from nats.js.errors import NotFoundError

from madoguchi.shared.contracts import UtteranceTranscribed, UtteranceTranslated
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.streams import AUDIO_BUCKET, CONVERSATION
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.events import origin_for
from madoguchi.testing.ingest.audio_corpus import VALID_FORMATS, encode
from madoguchi.testing.ingest.harness import (
    admin_client,
    audit_events,
    enrol,
    ingest_settings,
    open_session,
    read_sse,
    running_ingest,
    sign_in,
)


async def _conversation_counts(admin: Client, session_id: str) -> dict[str, int]:
    info = await admin.jetstream().stream_info(CONVERSATION,
                                               subjects_filter=f"mg.v1.*.*.{session_id}")
    return dict(info.state.subjects or {})


async def test_tablet_flow_sign_in_upload_events_close(secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        opened = await http.post("/v1/sessions", headers=auth,
                                 json={"counter_id": "koseki-3", "visitor_language": "en"})
        assert opened.status_code == 201, opened.text
        sid = opened.json()["session_id"]

        uploads = {}
        for label in VALID_FORMATS:
            r = await http.post(f"/v1/sessions/{sid}/utterances?speaker=visitor",
                                content=encode(label, 1.0),
                                headers=auth | {"Idempotency-Key": f"k-{label}"})
            assert r.status_code == 202, (label, r.text)
            assert r.json()["audio"]["format"] == label
            uploads[label] = r.json()["utterance_id"]
        # a retried upload returns the same utterance and creates nothing new
        retry = await http.post(f"/v1/sessions/{sid}/utterances?speaker=visitor",
                                content=encode("wav", 1.0),
                                headers=auth | {"Idempotency-Key": "k-wav"})
        assert retry.status_code == 202 and retry.json()["utterance_id"] == uploads["wav"]
        assert retry.json()["duplicate"] is True
        text = await http.post(f"/v1/sessions/{sid}/texts", headers=auth,
                               json={"speaker": "staff", "text": "こんにちは"})
        assert text.status_code == 202, text.text

        counts = await _conversation_counts(admin, sid)
        assert counts[f"mg.v1.utterance.received.{sid}"] == len(VALID_FORMATS)
        assert counts[f"mg.v1.text.submitted.{sid}"] == 1
        obs = await admin.jetstream().object_store(AUDIO_BUCKET)
        assert len([o for o in await obs.list() if o.name.startswith(sid)]) == len(VALID_FORMATS)

        # results arrive from the other services (here: published as recognition/translation)
        recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
        translation = await connect(secure_nats.settings_for("translation"), "translation")
        first = uploads["wav"]
        await publish_event(recognition.jetstream(), UtteranceTranscribed(
            session_id=sid, utterance_id=first, speaker="visitor", status="text", text="hello",
            language="en", audio_duration_ms=1000, model_id="test",
            origin=origin_for(sid, first)))
        await publish_event(translation.jetstream(), UtteranceTranslated(
            session_id=sid, utterance_id=first, speaker="visitor", source_text="hello",
            source_language="en", target_text="こんにちは", target_language="ja", model_id="t",
            origin=origin_for(sid, first)))

        events = await read_sse(http, sid, auth, count=2)
        assert [e["event"] for e in events] == ["transcribed", "translated"]
        assert json.loads(events[1]["data"])["target_text"] == "こんにちは"
        # resume after the first event: only the second comes again
        resumed = await read_sse(http, sid, auth | {"Last-Event-ID": events[0]["id"]}, count=1)
        assert resumed[0]["id"] == events[1]["id"]
        await publish_event(translation.jetstream(), UtteranceTranslated(
            session_id=sid, utterance_id=uploads["mp3"], speaker="visitor", source_text="a",
            source_language="en", target_text="b", target_language="ja", model_id="t",
            origin=origin_for(sid, uploads["mp3"])))
        resumed = await read_sse(http, sid, auth | {"Last-Event-ID": events[1]["id"]}, count=1)
        assert int(resumed[0]["id"]) > int(events[1]["id"])

        # close: the session's subjects and audio are really gone
        before = sum((await _conversation_counts(admin, sid)).values())
        closed = await http.post(f"/v1/sessions/{sid}/close", headers=auth)
        assert closed.status_code == 200, closed.text
        receipt = closed.json()
        assert receipt["remaining_messages"] == 0
        assert receipt["messages_removed"] == before + 1  # + the SessionClosed event
        assert sorted(receipt["audio_objects"]) == sorted(f"{sid}-{u}" for u in uploads.values())
        after = await _conversation_counts(admin, sid)
        assert after == {f"mg.v1.session.erased.{sid}": 1}  # only the metadata-only certificate
        with pytest.raises(NotFoundError):  # the bucket lists nothing: every object deleted
            await obs.list(ignore_deletes=True)
        chunks = await admin.jetstream().stream_info(f"OBJ_{AUDIO_BUCKET}",
                                                     subjects_filter=f"$O.{AUDIO_BUCKET}.C.>")
        # the content (chunk subjects) is purged, and so are the deletion markers: their
        # object names (<session>-<utterance>) would outlive the session otherwise
        assert chunks.state.subjects in (None, {})
        assert chunks.state.messages == 0
        again = await http.post(f"/v1/sessions/{sid}/close", headers=auth)
        assert again.json()["event_id"] == receipt["event_id"]
        late = await http.post(f"/v1/sessions/{sid}/texts", headers=auth,
                               json={"speaker": "staff", "text": "x"})
        assert late.status_code == 409
        await recognition.close()
        await translation.close()
    erasures = await audit_events(admin, "erasure")
    assert erasures[-1]["attributes"]["messages_removed"] == receipt["messages_removed"]
    assert erasures[-1]["attributes"]["remaining_messages"] == 0
    await admin.close()


async def test_session_state_survives_an_ingest_restart(secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    settings = ingest_settings(secure_nats)
    async with running_ingest(settings) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        sid = await open_session(http, auth)
    async with running_ingest(settings) as ingest, ingest.client() as http:
        phrases = (await http.get("/v1/phrases", headers=auth)).json()
        hello = next(p for p in phrases["phrases"] if p["phrase_id"] == "greet-hello")
        assert hello["texts"]["ja"] and hello["review_status"] in ("reviewed", "machine-draft")
        r = await http.post(f"/v1/sessions/{sid}/texts", headers=auth,
                            json={"speaker": "staff", "phrase_id": "greet-hello"})
        assert r.status_code == 202, r.text
        unknown = await http.post(f"/v1/sessions/{sid}/texts", headers=auth,
                                  json={"speaker": "staff", "phrase_id": "no-such-phrase"})
        assert unknown.status_code == 400
        closed = await http.post(f"/v1/sessions/{sid}/close", headers=auth)
        assert closed.status_code == 200 and closed.json()["remaining_messages"] == 0
    await admin.close()


async def test_idle_sessions_are_swept_and_erased(secure_nats: SecureNats) -> None:
    from madoguchi.ingest.service import sweep_idle_sessions

    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    settings = ingest_settings(secure_nats, session_idle_timeout_s=10)
    async with running_ingest(settings) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        sid = await open_session(http, auth)
        ctx = ingest.parts.context
        assert ctx is not None
        assert await sweep_idle_sessions(ctx) == 0  # not idle yet
        found = await ctx.sessions.get(sid)
        assert found is not None
        old = found[0].model_copy(update={"last_activity": found[0].opened_at.replace(year=2000)})
        await ctx.sessions.replace(old, found[1])
        assert await sweep_idle_sessions(ctx) == 1
        assert await _conversation_counts(admin, sid) == {f"mg.v1.session.erased.{sid}": 1}
        state = await ctx.sessions.get(sid)
        assert state is not None and state[0].status == "closed"
        assert state[0].receipt is not None and state[0].receipt.reason == "idle_timeout"
    await admin.close()


async def test_feedback_is_content_free_and_confirm_mode_is_per_counter(
        secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    settings = ingest_settings(secure_nats, confirm={"counters": {"koseki-3": "warnings"}})
    async with running_ingest(settings) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        held = await http.post("/v1/sessions", headers=auth, json={"counter_id": "koseki-3"})
        assert held.json()["confirm_before_showing"] == "warnings"
        plain = await http.post("/v1/sessions", headers=auth, json={"counter_id": "info-1"})
        assert plain.json()["confirm_before_showing"] == "off"
        sid = held.json()["session_id"]
        url = f"/v1/sessions/{sid}/utterances/u-1/feedback"
        for body in ({"by": "visitor", "kind": "not_understood", "language": "vi"},
                     {"by": "staff", "kind": "confirmed"}):
            r = await http.post(url, headers=auth, json=body)
            assert r.status_code == 204, r.text
        refused = {
            "a visitor cannot release a held translation":
                ({"by": "visitor", "kind": "confirmed"}, 422),
            "no free text rides along": ({"by": "staff", "kind": "not_understood",
                                          "text": "住所は東京都"}, 422),
            "an unknown kind": ({"by": "staff", "kind": "liked"}, 422),
            "a language the ward does not offer": ({"by": "visitor", "kind": "not_understood",
                                                    "language": "xx"}, 400),
        }
        for reason, (body, status) in refused.items():
            r = await http.post(url, headers=auth, json=body)
            assert r.status_code == status, (reason, r.text)
        bad_id = await http.post(f"/v1/sessions/{sid}/utterances/a.b/feedback", headers=auth,
                                 json={"by": "staff", "kind": "not_understood"})
        assert bad_id.status_code == 404
        other = await http.post("/v1/sessions/nosuch/utterances/u-1/feedback", headers=auth,
                                json={"by": "staff", "kind": "not_understood"})
        assert other.status_code == 404
        assert (await http.post(url, json={"by": "staff", "kind": "confirmed"})).status_code == 401
        await http.post(f"/v1/sessions/{sid}/close", headers=auth)
        late = await http.post(url, headers=auth, json={"by": "staff", "kind": "not_understood"})
        assert late.status_code == 409
    taps = [e for e in await audit_events(admin, "utterance")
            if e["action"] in ("not_understood", "confirmed")]
    assert [(e["action"], e["attributes"]) for e in taps] == [
        ("not_understood", {"utterance_id": "u-1", "by": "visitor", "counter_id": "koseki-3",
                            "language": "vi"}),
        ("confirmed", {"utterance_id": "u-1", "by": "staff", "counter_id": "koseki-3",
                       "language": "unknown"}),
    ]
    assert all(e["session_id"] == sid for e in taps)
    await admin.close()
