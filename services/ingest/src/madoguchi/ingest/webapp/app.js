// Madoguchi counter-tablet app. Plain JS, no build, no third-party code (the counter network
// reaches only the cluster). Privacy: the token, a device secret and the conversation live in
// memory only — nothing of them is written to localStorage/sessionStorage/cookies — and the
// conversation (its text and its spoken audio) is removed from the page when the session is
// ended and erased. Kept: the enrolled device key in IndexedDB (a non-extractable WebCrypto key
// the page can sign with and nobody can read out, and the device id), and in localStorage only
// each half's "read aloud automatically" switch when it is turned off. No personal data.
"use strict";

(() => {
  const API = "/v1";
  const LANGS = window.MADOGUCHI_LANGUAGES;
  const VTEXT = window.MADOGUCHI_VISITOR_TEXT;
  const $ = (id) => document.getElementById(id);

  // Everything the app knows, in memory. `reset*` functions drop it.
  const state = {
    auth: null,        // {token, device_id, staff_id, counter_id, expires_at}
    session: null,     // SessionResponse
    phrases: null,     // PhrasesResponse
    visitorLang: null, // entry of LANGS, or null while auto-detecting
    detected: null,    // language tag recognition detected for the visitor
    events: null,      // AbortController of the result stream
    cards: new Map(),  // utterance_id -> {staff: li, visitor: li, speaker, text, language}
    translation: "unknown", // full | phrases_only | unknown (GET /v1/languages)
    recorder: null,    // active push-to-talk recording
    device: null,      // the enrolled device {device_id, privateKey} (IndexedDB), or null
    speech: null,      // {abort, urls, lastShown, playing, seq}: spoken translations (resetSpeech)
  };

  // ---------------------------------------------------------------- screens and API
  function show(screen) {
    for (const id of ["enrol", "signin", "choose", "talk", "receipt"]) $(id).hidden = id !== screen;
  }

  class ApiError extends Error {
    constructor(status, detail) { super(`HTTP ${status}`); this.status = status; this.detail = detail; }
  }

  async function call(method, path, {json, body, headers = {}, signal} = {}) {
    const h = {...headers};
    if (state.auth) h.Authorization = `Bearer ${state.auth.token}`;
    if (json !== undefined) { h["Content-Type"] = "application/json"; body = JSON.stringify(json); }
    const response = await fetch(API + path, {method, headers: h, body, signal, cache: "no-store",
                                              credentials: "omit"});
    if (!response.ok) {
      let detail = null;
      try { detail = (await response.json()).detail; } catch { /* not JSON */ }
      if (response.status === 401 && state.auth) expired();
      throw new ApiError(response.status, detail);
    }
    return response.status === 204 ? null : response.json();
  }

  function problem(err) {
    // Japanese, for staff. Never shows server text that could echo input.
    if (!(err instanceof ApiError)) return "サーバーに接続できません。ネットワークを確認してください。";
    switch (err.status) {
      case 401: return "サインインできません。ID・シークレット・パスワードを確認してください。";
      case 423: return "失敗が続いたため一時的にロックされています。数分待ってからやり直してください。";
      case 429: return "操作が多すぎます。少し待ってからやり直してください。";
      case 409: return "この会話はすでに終了しています。";
      case 413: return "録音が長すぎます。短く区切って話してください。";
      case 415: case 422: return "音声を受け付けられませんでした。もう一度話してください。";
      case 503: return "サーバーが一時的に応答しません。もう一度お試しください。";
      default: return `エラーが発生しました（${err.status}）。`;
    }
  }

  function newKey() {
    // Idempotency-Key: [A-Za-z0-9_-]{1,64}; a retry of the same upload reuses it.
    return crypto.randomUUID().replaceAll("-", "");
  }

  // ---------------------------------------------------------------- 0. enrol (once)
  // The device-bound key: ECDSA P-256, generated non-extractable, kept in IndexedDB. Its
  // public half is registered with the one-time code; each sign-in signs a server challenge.
  const KEYSTORE = {db: "madoguchi-tablet", store: "device", key: "enrolled"};

  function keystore(mode, work) {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(KEYSTORE.db, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(KEYSTORE.store);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction(KEYSTORE.store, mode);
        const request = work(tx.objectStore(KEYSTORE.store));
        tx.oncomplete = () => { open.result.close(); resolve(request.result); };
        tx.onerror = () => { open.result.close(); reject(tx.error); };
      };
    });
  }

  const loadDevice = () => keystore("readonly", (s) => s.get(KEYSTORE.key));
  const saveDevice = (value) => keystore("readwrite", (s) => s.put(value, KEYSTORE.key));
  const forgetDevice = () => keystore("readwrite", (s) => s.delete(KEYSTORE.key));

  function b64url(bytes) {
    return btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  }

  $("enrol-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const error = $("enrol-error");
    error.hidden = true;
    $("enrol-button").disabled = true;
    try {
      const deviceId = $("enrol-device").value.trim();
      const pair = await crypto.subtle.generateKey({name: "ECDSA", namedCurve: "P-256"}, false,
                                                   ["sign", "verify"]);
      const spki = await crypto.subtle.exportKey("spki", pair.publicKey);
      await call("POST", "/devices/enrol", {json: {
        device_id: deviceId, code: $("enrol-code").value.trim(),
        public_key: btoa(String.fromCharCode(...new Uint8Array(spki)))}});
      await saveDevice({device_id: deviceId, privateKey: pair.privateKey});
      $("enrol-code").value = "";
      await showSignIn();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 401
        ? "登録できません。端末ID・登録コードを確認してください（コードは一度だけ、発行から15分有効です）。"
        : problem(err);
      error.hidden = false;
    } finally {
      $("enrol-button").disabled = false;
    }
  });

  $("use-secret").addEventListener("click", () => showSignIn(null));
  $("re-enrol").addEventListener("click", async () => {
    await forgetDevice();
    state.device = null;
    show("enrol");
  });

  // The sign-in screen for this tablet: enrolled (staff ID and password only) or by secret.
  async function showSignIn(device) {
    if (device === undefined) device = await loadDevice().catch(() => null);
    state.device = device || null;
    const enrolled = !!state.device;
    $("enrolled-as").hidden = !enrolled;
    $("enrolled-as").textContent = enrolled ? `登録済みの端末: ${state.device.device_id}` : "";
    $("device-id-label").hidden = enrolled;
    $("device-secret-label").hidden = enrolled;
    $("device_id").required = $("device_secret").required = !enrolled;
    $("re-enrol").hidden = !enrolled;
    show("signin");
  }

  async function deviceProof(fields) {
    if (!state.device) return {device_id: fields.device_id, device_secret: fields.device_secret};
    const deviceId = state.device.device_id;
    const {challenge} = await call("POST", "/auth/challenge", {json: {device_id: deviceId}});
    const signature = await crypto.subtle.sign({name: "ECDSA", hash: "SHA-256"},
                                               state.device.privateKey,
                                               new TextEncoder().encode(challenge));
    return {device_id: deviceId, challenge, signature: b64url(signature)};
  }

  // ---------------------------------------------------------------- 1. sign in
  $("signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const fields = Object.fromEntries(["device_id", "device_secret", "staff_id", "password"]
      .map((k) => [k, String(form.get(k) || "")]));
    const error = $("signin-error");
    error.hidden = true;
    $("signin-button").disabled = true;
    try {
      const proof = await deviceProof(fields);
      const reply = await call("POST", "/auth/login", {json: {
        ...proof, staff_id: fields.staff_id, password: fields.password}});
      state.auth = {token: reply.token, device_id: reply.device_id, staff_id: reply.staff_id,
                    counter_id: String(form.get("counter_id")), expires_at: reply.expires_at};
      $("password").value = "";
      $("device_secret").value = "";
      await enterChooser();
    } catch (err) {
      error.textContent = problem(err);
      error.hidden = false;
    } finally {
      $("signin-button").disabled = false;
    }
  });

  function signOut(message) {
    endResults();
    resetConversation();
    state.auth = null;
    state.phrases = null;
    for (const id of ["device_secret", "password", "staff_id"]) $(id).value = "";
    const error = $("signin-error");
    error.hidden = !message;
    error.textContent = message || "";
    showSignIn(state.device);
  }

  function expired() {
    // Token expired or the device/staff was revoked: start again from sign-in.
    queueMicrotask(() => signOut("サインインの有効期限が切れたか、無効になりました。もう一度サインインしてください。"));
  }

  $("signout").addEventListener("click", () => signOut());
  $("receipt-signout").addEventListener("click", () => signOut());

  // ---------------------------------------------------------------- 2. choose language
  async function enterChooser() {
    $("who").textContent = `職員 ${state.auth.staff_id} ・ 窓口 ${state.auth.counter_id}`;
    let offered = null;
    try {
      const reply = await call("GET", "/languages");
      offered = new Set(reply.languages.map((l) => l.tag));
      state.translation = reply.translation || "unknown";
      state.phrases = await call("GET", "/phrases");
    } catch (err) {
      if (!state.auth) return;
      $("choose-error").textContent = problem(err);
      $("choose-error").hidden = false;
    }
    const list = $("languages");
    list.replaceChildren();
    for (const lang of LANGS) {
      if (offered && !offered.has(lang.tag)) continue;
      list.append(languageButton(lang.name, lang.ja, lang.tag, () => openSession(lang)));
    }
    list.append(languageButton("自動判定 / Auto", "話した言葉から判定", "auto", () => openSession(null)));
    $("choose-mode").hidden = state.translation !== "phrases_only";
    show("choose");
  }

  function languageButton(name, sub, tag, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "language";
    b.dataset.lang = tag;
    b.setAttribute("role", "listitem");
    const big = document.createElement("span");
    big.className = "own";
    big.textContent = name;
    if (tag !== "auto") big.lang = tag;
    const small = document.createElement("span");
    small.className = "sub";
    small.textContent = sub;
    b.append(big, small);
    b.addEventListener("click", onClick);
    return b;
  }

  async function openSession(lang) {
    $("choose-error").hidden = true;
    try {
      state.session = await call("POST", "/sessions", {json: {
        counter_id: state.auth.counter_id, staff_language: "ja",
        visitor_language: lang ? lang.tag : null}});
    } catch (err) {
      if (!state.auth) return;
      $("choose-error").textContent = problem(err);
      $("choose-error").hidden = false;
      return;
    }
    state.visitorLang = lang;
    state.detected = null;
    renderVisitorChrome();
    renderPhraseTabs();
    setStatus("staff", "idle");
    setStatus("visitor", "idle");
    show("talk");
    startResults(state.session.session_id);
  }

  function visitorTag() {
    // The language the visitor side is shown in: chosen, else detected, else English.
    if (state.visitorLang) return state.visitorLang.tag;
    return state.detected || "en";
  }

  function phraseTag(tag) {
    const known = LANGS.find((l) => l.tag === tag);
    return known ? known.phrases : tag.split("-")[0];
  }

  function vtext(key) {
    const tag = visitorTag();
    const table = VTEXT[tag] || VTEXT[phraseTag(tag)] || VTEXT[tag.split("-")[0]] || VTEXT.en;
    return table[key] || VTEXT.en[key];
  }

  function renderVisitorChrome() {
    const section = $("visitor");
    section.lang = visitorTag();
    $("visitor-ptt").textContent = vtext("ptt");
    $("visitor-send").textContent = vtext("send");
    $("visitor-text").placeholder = vtext("type");
    $("visitor-point").textContent = vtext("point");
    $("visitor-mode").textContent = vtext("phrases_only");
    $("visitor-mode").hidden = state.translation !== "phrases_only";
    $("visitor-autoplay-text").textContent = `🔊 ${vtext("autoplay")}`;
    $("visitor-autoplay-text").parentElement.lang = visitorTag();
    setStatus("visitor", $("visitor-status").dataset.state || "idle");
    const name = state.visitorLang ? state.visitorLang.ja
      : state.detected ? `自動判定（${languageName(state.detected)}）` : "自動判定（まだ不明）";
    const mode = state.translation === "phrases_only"
      ? " ・ 翻訳: 定型文のみ（翻訳モデル未導入。話した文・入力した文は原文のまま表示します）" : "";
    $("sessioninfo").textContent = `お客様の言語: ${name}${mode}`;
  }

  function languageName(tag) {
    const known = LANGS.find((l) => l.tag === tag || l.phrases === tag || l.tag.split("-")[0] === tag);
    return known ? `${known.ja} ${known.name}` : tag;
  }

  // ---------------------------------------------------------------- states
  const STAFF_TEXT = {
    idle: "ボタンを押している間、話してください",
    listening: "録音中… 話し終わったら指を離してください",
    processing: "処理中…",
    no_speech: "声が聞き取れませんでした。もう一度どうぞ。",
    failed: "処理できませんでした。もう一度どうぞ。",
    short: "もう少し長くボタンを押してください。",
  };

  function setStatus(side, name, detail) {
    const el = $(`${side}-status`);
    el.dataset.state = name;
    el.textContent = detail || (side === "staff" ? STAFF_TEXT[name] : vtext(name));
    $(`${side}-ptt`).classList.toggle("active", name === "listening");
  }

  // ---------------------------------------------------------------- conversation log
  function line(kind, text, lang) {
    const p = document.createElement("p");
    if (!text) p.hidden = true;
    p.className = kind;
    p.textContent = text;
    if (lang) p.lang = lang;
    return p;
  }

  // The spans recognition replaced by a counter term it sounded like (電入届 -> 転入届): marked,
  // so staff can check them. Only while the text is the one the positions were computed on.
  function sourceLine(text, lang, c) {
    const corrections = c && c.transcribedText === text ? c.corrections : [];
    return marked(line("source", text, lang), text, corrections.map((fix) => ({
      start: fix.start, end: fix.end, className: "corrected",
      title: "音の近い用語に補正しました / corrected to a counter term that sounded alike"})));
  }

  // Wraps the given spans of a line's text in <mark>s (built as nodes: never HTML).
  function marked(p, text, spans) {
    const usable = spans.filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) &&
                                       s.start < s.end && s.end <= text.length)
                        .sort((a, b) => a.start - b.start);
    if (!usable.length) return p;
    p.replaceChildren();
    let cursor = 0;
    for (const span of usable) {
      if (span.start < cursor) continue;
      p.append(text.slice(cursor, span.start));
      const mark = document.createElement("mark");
      mark.className = span.className;
      if (span.title) mark.title = span.title;
      mark.textContent = text.slice(span.start, span.end);
      p.append(mark);
      cursor = span.end;
    }
    p.append(text.slice(cursor));
    return p;
  }

  const CHECK_KINDS = {
    number: "数", amount: "金額", count: "数量", date: "日付", time: "時刻", duration: "期間",
    counter: "窓口番号", floor: "階", term: "用語", negation: "否定（〜ない）", drift: "意味のずれ"};

  // The meaning check's warnings, for staff: which kinds differ, and the spans to highlight in
  // the source (what was said) and in the translation or back-translation.
  function checkSpans(ev, against, side) {
    const warnings = (ev.checks && ev.checks.warnings) || [];
    return warnings.filter((w) => side === "source" || w.against === against).map((w) => ({
      start: side === "source" ? w.source_start : w.other_start,
      end: side === "source" ? w.source_end : w.other_end,
      className: "check-differs", title: CHECK_KINDS[w.kind] || w.kind}));
  }

  function checkWarning(ev) {
    if (!ev.checks || ev.checks.ok) return null;
    const kinds = [...new Set(ev.checks.warnings.map((w) => CHECK_KINDS[w.kind] || w.kind))];
    const box = line("check-warning", `⚠ 確認してください：訳で${kinds.join("・")}が違う可能性があります`, "ja");
    box.setAttribute("role", "alert");
    return box;
  }

  function correctionNote(c) {
    return c && c.corrections && c.corrections.length
      ? line("correction-note", "※ 下線の語は音から用語に補正しました。ご確認ください。", "ja") : null;
  }

  function card(utteranceId, speaker) {
    let c = state.cards.get(utteranceId);
    if (!c) {
      c = {speaker, staff: document.createElement("li"), visitor: document.createElement("li")};
      c.staff.className = c.visitor.className = `utterance from-${speaker} pending`;
      c.staff.dataset.utterance = c.visitor.dataset.utterance = utteranceId;
      state.cards.set(utteranceId, c);
      $("staff-log").append(c.staff);
      $("visitor-log").append(c.visitor);
    }
    return c;
  }

  function scrollLogs() {
    for (const id of ["staff-log", "visitor-log"]) {
      const log = $(id);
      log.scrollTop = log.scrollHeight;
    }
  }

  function ownLabel(speaker, forSide) {
    // Visitor side: no label (the colour bar says who spoke; words would need translating).
    if (forSide === "staff") return speaker === "staff" ? "あなた（職員）" : "お客様 → 日本語訳";
    return "";
  }

  function onTranscribed(ev) {
    const c = card(ev.utterance_id, ev.speaker);
    if (ev.status === "no_speech") {
      c.staff.classList.add("no-speech");
      c.visitor.classList.add("no-speech");
      c.staff.remove();
      c.visitor.remove();
      state.cards.delete(ev.utterance_id);
      setStatus(ev.speaker, "no_speech");
      return;
    }
    if (ev.speaker === "visitor" && !state.visitorLang && ev.language && ev.language !== "ja") {
      state.detected = ev.language;
      renderVisitorChrome();
    }
    c.transcribedText = ev.text;
    c.text = ev.text;
    c.language = ev.language || undefined;
    c.corrections = ev.corrections || [];
    // The speaker sees what was recognised at once; the other side waits for the translation.
    const own = ev.speaker === "staff" ? c.staff : c.visitor;
    own.replaceChildren(line("label", ownLabel(ev.speaker, ev.speaker)),
                        sourceLine(ev.text, ev.language || undefined, c));
    const note = ev.speaker === "staff" ? correctionNote(c) : null;
    if (note) own.append(note);
    setStatus(ev.speaker, "processing");
    scrollLogs();
  }

  function onTranslated(ev) {
    const c = card(ev.utterance_id, ev.speaker);
    const draft = ev.phrase_review_status === "machine-draft";
    awaitSpeech(c);
    if (ev.speaker === "staff") {
      const said = sourceLine(ev.source_text, ev.source_language, c);
      c.staff.replaceChildren(line("label", ownLabel("staff", "staff")),
                              said.querySelector("mark") ? said
                                : marked(said, ev.source_text, checkSpans(ev, null, "source")));
      const note = correctionNote(c);
      if (note) c.staff.append(note);
      if (ev.back_translation) {
        // A fixed phrase's Japanese is its reference text, not a back-translation: no check.
        const label = ev.phrase_id ? "定型文の日本語（参照）: " : "逆翻訳（確認用）: ";
        const back = line("back", label + ev.back_translation, "ja");
        c.staff.append(marked(back, label + ev.back_translation,
                              checkSpans(ev, "back_translation", "other").map((s) => ({
                                ...s, start: s.start + label.length, end: s.end + label.length}))));
      }
      const warning = checkWarning(ev);
      if (warning) c.staff.append(warning);
      if (!c.released && holds(ev)) holdForStaff(c, ev);
      else showToVisitor(c, ev);
    } else {
      c.visitor.replaceChildren(line("label", ownLabel("visitor", "visitor")),
                                line("source", ev.source_text, ev.source_language));
      c.staff.replaceChildren(line("label", ownLabel("visitor", "staff")),
                              marked(line("target", ev.target_text, ev.target_language),
                                     ev.target_text, checkSpans(ev, "translation", "other")),
                              line("original", `原文（${languageName(ev.source_language)}）: ${ev.source_text}`,
                                   ev.source_language));
      const warning = checkWarning(ev);
      if (warning) c.staff.append(warning);
      c.staff.append(notUnderstoodButton("staff", ev.utterance_id));
      shownToListener(c);  // a visitor's words are never held
      if (!state.visitorLang && ev.source_language && ev.source_language !== "ja" &&
          state.detected !== ev.source_language) {
        state.detected = ev.source_language;
        renderVisitorChrome();
      }
    }
    if (draft) c.staff.append(line("draft", "※ 未確認の機械訳の定型文です"));
    c.staff.classList.remove("pending");
    c.visitor.classList.remove("pending");
    setStatus(ev.speaker, "idle");
    scrollLogs();
  }

  // ---------------------------------------------------------------- confirm, and not understood
  // The counter's setting (the session says which): staff see a machine translation of their
  // words before the visitor does — always, or only when the meaning check warned. Fixed
  // phrases are never held: their texts are the phrasebook's, checked by translators.
  function holds(ev) {
    const mode = state.session ? state.session.confirm_before_showing : "off";
    if (ev.phrase_id) return false;
    return mode === "always" || (mode === "warnings" && !!ev.checks && !ev.checks.ok);
  }

  function showToVisitor(c, ev) {
    c.visitor.classList.remove("held");
    c.visitor.replaceChildren(line("label", ownLabel("staff", "visitor")),
                              line("target", ev.target_text, ev.target_language),
                              notUnderstoodButton("visitor", ev.utterance_id));
    shownToListener(c);
  }

  function holdForStaff(c, ev) {
    c.visitor.classList.add("held");
    c.visitor.replaceChildren(line("held-note", vtext("checking")));
    const bar = document.createElement("div");
    bar.className = "hold";
    bar.append(line("hold-note", "お客様にはまだ表示していません。訳を確認してください。", "ja"));
    const release = actionButton("release primary", "お客様に表示する", () => {
      c.released = true;
      bar.remove();
      showToVisitor(c, ev);
      feedback("staff", ev.utterance_id, "confirmed");
      scrollLogs();
    });
    const withdraw = actionButton("withdraw", "取り消す（表示しない）", () => {
      c.released = true;
      c.withdrawn = true;  // never shown, never spoken
      bar.replaceWith(line("withdrawn", "取り消しました（お客様には表示していません）。言い換えるか、定型文をお使いください。", "ja"));
      c.visitor.remove();
      feedback("staff", ev.utterance_id, "withdrawn");
    });
    bar.append(release, withdraw);
    c.staff.append(bar);
  }

  function actionButton(className, text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  // 「伝わらなかった / I did not understand」: one tap on the listener's side records a
  // content-free audit event (ids, counter, language) and tells the speaker's side.
  function notUnderstoodButton(by, utteranceId) {
    const b = actionButton("not-understood", by === "staff" ? "伝わらなかった" : vtext("not_understood"),
      async () => {
        b.disabled = true;
        if (!(await feedback(by, utteranceId, "not_understood"))) { b.disabled = false; return; }
        b.textContent = by === "staff" ? "伝わらなかったことを記録しました" : vtext("not_understood_sent");
        const c = state.cards.get(utteranceId);
        if (!c) return;
        if (by === "visitor") {
          c.staff.append(line("listener-lost", "お客様に伝わらなかったようです。言い換えるか、定型文をお使いください。", "ja"));
        } else {
          c.visitor.append(line("listener-lost", vtext("staff_lost"), visitorTag()));
        }
        scrollLogs();
      });
    if (by === "visitor") b.lang = visitorTag();
    return b;
  }

  async function feedback(by, utteranceId, kind) {
    if (!state.session) return false;
    const json = {by, kind};
    // A detected language is sent only when the ward offers it (the server checks it too).
    if (!state.session.visitor_language && state.detected &&
        LANGS.some((l) => l.tag === state.detected)) json.language = state.detected;
    try {
      await call("POST", `/sessions/${state.session.session_id}/utterances/${utteranceId}/feedback`,
                 {json});
      return true;
    } catch {
      return false;
    }
  }

  // Why a translation failed, for staff; "try again" only where trying again can help.
  const FAILURE_TEXT = {
    no_model: "翻訳モデルが未導入のため、定型文以外は翻訳できません。原文を表示しています。定型文をお使いください。",
    unsupported_pair: "この言語の組み合わせは翻訳できません。原文を表示しています。定型文をお使いください。",
    text_too_long: "長すぎて翻訳できません。短く区切ってください。",
  };
  const NO_TRANSLATION = new Set(["no_model", "unsupported_pair"]);

  function onFailed(ev) {
    // The event names its speaker: the card is found (or made) on the right side even when
    // the failure arrives before the upload's or the text's reply.
    const c = card(ev.utterance_id, ev.speaker || "staff");
    c.failure = ev;
    renderFailure(c);
    const reason = ev.stage === "translation" ? FAILURE_TEXT[ev.reason_code] : null;
    if (c.speaker === "staff") {
      setStatus("staff", "failed", reason || undefined);
    } else {
      setStatus("visitor", "failed", NO_TRANSLATION.has(ev.reason_code) ? vtext("no_translation") : undefined);
      if (reason) setStatus("staff", "failed", reason);  // staff hear why, in Japanese
    }
    scrollLogs();
  }

  // A failed card: the original (what was recognised or typed) on both sides, why it failed,
  // and the way on — the phrases for staff, pointing mode for the visitor. Idempotent: a reply
  // that arrives after the failure renders it again with the typed text.
  function renderFailure(c) {
    const ev = c.failure;
    for (const li of [c.staff, c.visitor]) {
      li.classList.remove("pending");
      li.classList.add("failed");
    }
    const staffSide = c.speaker === "staff";
    const own = staffSide ? c.staff : c.visitor;
    const other = staffSide ? c.visitor : c.staff;
    if (c.text) {
      own.replaceChildren(line("label", ownLabel(c.speaker, c.speaker)),
                          sourceLine(c.text, c.language, c));
      other.replaceChildren(line("label", staffSide ? "" : "お客様（原文・未翻訳）"),
                            line("original", c.text, c.language));
    }
    const why = ev.stage === "translation" && FAILURE_TEXT[ev.reason_code]
      ? FAILURE_TEXT[ev.reason_code] : `処理できませんでした（${ev.stage}: ${ev.reason_code}）。もう一度どうぞ。`;
    c.staff.append(line("failure", why, "ja"));
    if (NO_TRANSLATION.has(ev.reason_code)) {
      c.staff.append(actionButton("open-phrases", "定型文を開く", () => { $("staff-phrases").hidden = false; }));
      const note = line("failure", vtext("no_translation"), visitorTag());
      c.visitor.append(note, actionButton("open-pointing", vtext("point"), () => openPointing()));
    }
  }

  // ---------------------------------------------------------------- speech (spoken translations)
  // Synthesis speaks every translation in the LISTENER's language: the visitor hears what staff
  // said, staff hear the visitor's words in Japanese. After `translated` the listener's card
  // says speech is being prepared; `synthesized` (ready) brings a 🔊 replay button and, if that
  // half reads aloud automatically and the card is the one just shown to the listener, plays it.
  // A translation held for staff's confirmation is neither shown nor spoken until released (a
  // withdrawn one never). One audio plays at a time across both halves: a new one stops the
  // old. The WAV is fetched with the token (fetch → blob → object URL, never a URL with the
  // token) into that half's <audio>; the URLs are revoked when the session ends.
  const SPEECH_WAIT_MS = 60_000;  // no `synthesized` by then (speech switched off): drop the note
  const STAFF_SPEECH = {
    speech_preparing: "音声を準備中…", speech_no_voice: "この言語の音声はまだありません。",
    speech_too_long: "長いため読み上げません。", speech_failed: "この文の音声は作れませんでした。",
    speech_replay: "もう一度聞く", speech_robotic: "機械音声",
  };
  // Why there is no speech, said quietly; nothing where the listener needs none.
  const UNSPOKEN = {no_voice: "speech_no_voice", text_too_long: "speech_too_long",
                    synthesis_failed: "speech_failed"};
  const SIDES = ["staff", "visitor"];

  const listenerOf = (speaker) => (speaker === "staff" ? "visitor" : "staff");
  const speechText = (side, key) => (side === "staff" ? STAFF_SPEECH[key] : vtext(key));
  const idOf = (c) => c.staff.dataset.utterance;

  function resetSpeech() {
    if (state.speech) {
      state.speech.abort.abort();
      for (const side of SIDES) {
        const audio = $(`${side}-audio`);
        audio.pause();
        audio.removeAttribute("src");
        audio.load();
      }
      for (const url of state.speech.urls) URL.revokeObjectURL(url);
      for (const c of state.cards.values()) if (c.speech) clearTimeout(c.speech.timer);
    }
    state.speech = {abort: new AbortController(), urls: new Set(), lastShown: {}, playing: {},
                    seq: 0, closing: false};
  }
  resetSpeech();

  // The per-half switch. Stored only when off ("off"), so a tablet left at the default keeps
  // nothing; localStorage holds nothing else.
  const autoplayKey = (side) => `madoguchi.autoplay.${side}`;
  function autoplayOn(side) {
    try { return localStorage.getItem(autoplayKey(side)) !== "off"; } catch { return true; }
  }
  for (const side of SIDES) {
    const box = $(`${side}-autoplay`);
    box.checked = autoplayOn(side);
    box.addEventListener("change", () => {
      try {
        if (box.checked) localStorage.removeItem(autoplayKey(side));
        else localStorage.setItem(autoplayKey(side), "off");
      } catch { /* storage unavailable: the switch holds for this page only */ }
      if (!box.checked) $(`${side}-audio`).pause();  // a silent counter: quiet at once
    });
  }
  const autoplayWanted = (side) => $(`${side}-autoplay`).checked;

  function awaitSpeech(c) {
    if (c.speech) return;  // already known (an event seen twice)
    const speech = {status: "preparing", ev: null, url: null, loading: null, timer: 0};
    speech.timer = setTimeout(() => {
      if (c.speech !== speech || speech.status !== "preparing") return;
      speech.status = "late";
      renderSpeech(c);
    }, SPEECH_WAIT_MS);
    c.speech = speech;
  }

  // The translation is now on the listener's side (at once, or when staff released it).
  function shownToListener(c) {
    c.shown = true;
    state.speech.lastShown[listenerOf(c.speaker)] = idOf(c);
    renderSpeech(c);
    autoSpeak(c);
  }

  function onSynthesized(ev) {
    const c = state.cards.get(ev.utterance_id);
    if (!c || c.withdrawn) return;
    if (c.speech) clearTimeout(c.speech.timer);
    c.speech = {status: ev.status, ev, url: null, loading: null, timer: 0};
    renderSpeech(c);
    autoSpeak(c);
  }

  // The listener's speech line on a card: preparing / 🔊 (and 機械音声) / a quiet note.
  function renderSpeech(c) {
    const side = listenerOf(c.speaker);
    const li = c[side];
    li.querySelector(":scope > .speech")?.remove();
    const s = c.speech;
    if (!s || !c.shown || c.withdrawn) return;
    const lang = side === "staff" ? "ja" : visitorTag();
    const box = document.createElement("div");
    box.className = "speech";
    box.dataset.state = s.status;
    if (s.status === "preparing") {
      box.append(line("speech-note", speechText(side, "speech_preparing"), lang));
    } else if (s.status === "ready") {
      const label = speechText(side, "speech_replay");
      const replay = actionButton("replay", "🔊", () => speak(c));
      replay.setAttribute("aria-label", label);
      replay.title = label;
      replay.lang = lang;
      box.append(replay);
      if (s.ev.quality === "robotic") {
        box.append(line("speech-quality", speechText(side, "speech_robotic"), lang));
      }
    } else if (s.status === "unavailable" && UNSPOKEN[s.ev.reason_code]) {
      box.append(line("speech-note", speechText(side, UNSPOKEN[s.ev.reason_code]), lang));
    } else {
      return;  // same language, empty text, or speech never came: nothing to say
    }
    const target = li.querySelector(":scope > .target");
    if (target) target.after(box);
    else li.append(box);
  }

  // Plays by itself once per card: when both shown and ready, if that half wants it and no
  // newer translation has been shown to that listener meanwhile.
  function autoSpeak(c) {
    const s = c.speech;
    if (!s || s.status !== "ready" || !c.shown || c.withdrawn || s.autoplayed) return;
    s.autoplayed = true;
    const side = listenerOf(c.speaker);
    if (!autoplayWanted(side) || state.speech.lastShown[side] !== idOf(c)) return;
    speak(c, true);
  }

  async function speak(c, automatic = false) {
    const side = listenerOf(c.speaker);
    const seq = ++state.speech.seq;  // the latest request wins
    const url = await speechUrl(c);
    if (!url || seq !== state.speech.seq || !state.session || c.withdrawn) return;
    if (automatic && !autoplayWanted(side)) return;  // switched off while it was fetched
    for (const other of SIDES) $(`${other}-audio`).pause();
    const audio = $(`${side}-audio`);
    if (audio.src !== url) audio.src = url;
    audio.currentTime = 0;
    state.speech.playing[side] = c;
    try {
      await audio.play();
    } catch {
      // Refused (no audio output, browser policy) or cut off by a newer one: 🔊 stays.
    }
  }

  function speechUrl(c) {
    const s = c.speech;
    if (!s || s.status !== "ready") return Promise.resolve(null);
    if (s.url) return Promise.resolve(s.url);
    if (!s.loading) {
      s.loading = fetchSpeech(idOf(c)).then((url) => {
        s.url = url;
        s.loading = null;
        return url;
      });
    }
    return s.loading;
  }

  async function fetchSpeech(utteranceId) {
    if (!state.session || !state.auth) return null;
    const sessionId = state.session.session_id;
    const speech = state.speech;
    const {abort, urls} = speech;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (speech.closing) return null;  // being erased: a download now would only get 409
      try {
        const response = await fetch(
          `${API}/sessions/${sessionId}/speech/${encodeURIComponent(utteranceId)}`,
          {headers: {Authorization: `Bearer ${state.auth.token}`}, signal: abort.signal,
           cache: "no-store", credentials: "omit"});
        if (response.status === 401) { expired(); return null; }
        if (response.ok) {
          const blob = await response.blob();
          if (abort.signal.aborted) return null;  // the session ended meanwhile
          const url = URL.createObjectURL(blob.type ? blob : new Blob([blob], {type: "audio/wav"}));
          urls.add(url);
          return url;
        }
        if (![404, 429, 503].includes(response.status)) return null;  // 409: closed
      } catch {
        if (abort.signal.aborted) return null;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
    }
    return null;
  }

  // The 🔊 of what is playing is outlined while it plays (the element's events come in order:
  // the old one's pause before the new one's playing).
  for (const side of SIDES) {
    const audio = $(`${side}-audio`);
    audio.addEventListener("playing", () => {
      const c = state.speech.playing[side];
      c?.[side].querySelector(".speech button.replay")?.classList.add("playing");
    });
    for (const type of ["pause", "ended", "emptied"]) {
      audio.addEventListener(type, () => {
        for (const b of $(`${side}-log`).querySelectorAll("button.replay.playing")) b.classList.remove("playing");
      });
    }
  }

  function stopSpeech() {
    state.speech.seq++;
    for (const side of SIDES) $(`${side}-audio`).pause();
  }

  // ---------------------------------------------------------------- results (SSE)
  // EventSource cannot send an Authorization header, and a token in the URL would end up in
  // access logs; so this reads the same text/event-stream with fetch and resumes like
  // EventSource does: `Last-Event-ID` = the last `id:` seen, after the server's `retry:` delay.
  function startResults(sessionId) {
    endResults();
    const controller = new AbortController();
    state.events = controller;
    let lastId = null;
    let retryMs = 2000;

    const dispatch = (name, data, id) => {
      if (id !== null) lastId = id;
      if (name === "closed") {
        // Ended by the server: the session was closed, or this sign-in no longer holds.
        try { if (JSON.parse(data).reason === "signed_out") expired(); } catch { /* closed */ }
        return false;
      }
      let ev;
      try { ev = JSON.parse(data); } catch { return true; }
      if (name === "transcribed") onTranscribed(ev);
      else if (name === "translated") onTranslated(ev);
      else if (name === "synthesized") onSynthesized(ev);
      else if (name === "failed") onFailed(ev);
      return true;
    };

    const run = async () => {
      while (!controller.signal.aborted) {
        const headers = {Accept: "text/event-stream"};
        if (lastId !== null) headers["Last-Event-ID"] = lastId;
        try {
          const response = await fetch(`${API}/sessions/${sessionId}/events`, {
            headers: {...headers, Authorization: `Bearer ${state.auth.token}`},
            signal: controller.signal, cache: "no-store", credentials: "omit"});
          if (response.status === 401) { expired(); return; }
          if (response.status === 404 || response.status === 409) return;
          if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = "";
          let name = "message", data = [], id = null;
          for (;;) {
            const {value, done} = await reader.read();
            if (done) break;
            buffer += value;
            let nl;
            while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
              const raw = buffer.slice(0, nl);
              buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
              if (raw === "") {
                if (data.length && !dispatch(name, data.join("\n"), id)) return;
                if (!data.length && name === "closed") return;
                name = "message"; data = []; id = null;
                continue;
              }
              if (raw.startsWith(":")) continue;
              const colon = raw.indexOf(":");
              const field = colon < 0 ? raw : raw.slice(0, colon);
              const val = colon < 0 ? "" : raw.slice(colon + 1).replace(/^ /, "");
              if (field === "event") name = val;
              else if (field === "data") data.push(val);
              else if (field === "id") id = val;
              else if (field === "retry" && /^\d+$/.test(val)) retryMs = Number(val);
            }
          }
        } catch (err) {
          if (controller.signal.aborted) return;
        }
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    };
    run();
  }

  function endResults() {
    if (state.events) state.events.abort();
    state.events = null;
  }

  // ---------------------------------------------------------------- push to talk
  const MIME = "audio/webm;codecs=opus";
  const MIN_MS = 400;

  async function pressStart(speaker, button) {
    if (state.recorder || !state.session) return;
    stopSpeech();  // nobody talks over the tablet, and the microphone does not hear it
    const rec = {speaker, button, released: false, chunks: [], started: 0, stream: null, mr: null};
    state.recorder = rec;
    setStatus(speaker, "listening");
    try {
      rec.stream = await navigator.mediaDevices.getUserMedia({audio: {
        channelCount: 1, echoCancellation: true, noiseSuppression: true}});
    } catch {
      state.recorder = null;
      setStatus(speaker, "failed", speaker === "staff"
        ? "マイクを使えません。ブラウザのマイク許可を確認してください。" : vtext("failed"));
      return;
    }
    const mr = new MediaRecorder(rec.stream, MediaRecorder.isTypeSupported(MIME) ? {mimeType: MIME} : {});
    rec.mr = mr;
    mr.addEventListener("dataavailable", (e) => { if (e.data.size) rec.chunks.push(e.data); });
    mr.addEventListener("stop", () => finishRecording(rec));
    mr.start();
    rec.started = performance.now();
    if (rec.released) pressEnd(rec.button);
  }

  function pressEnd(button) {
    const rec = state.recorder;
    if (!rec || rec.button !== button) return;
    rec.released = true;
    if (rec.mr && rec.mr.state === "recording") rec.mr.stop();
  }

  async function finishRecording(rec) {
    // The microphone is released after every utterance: no open mic between turns.
    for (const track of rec.stream.getTracks()) track.stop();
    state.recorder = null;
    const elapsed = performance.now() - rec.started;
    const blob = new Blob(rec.chunks, {type: rec.mr.mimeType || "audio/webm"});
    rec.chunks = [];
    if (elapsed < MIN_MS || blob.size === 0) { setStatus(rec.speaker, "short"); return; }
    if (!state.session) return;
    setStatus(rec.speaker, "processing");
    await upload(rec.speaker, blob);
  }

  async function upload(speaker, blob) {
    const key = newKey();
    const sessionId = state.session.session_id;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const reply = await call("POST", `/sessions/${sessionId}/utterances?speaker=${speaker}`, {
          body: blob, headers: {"Idempotency-Key": key, "Content-Type": "application/octet-stream"}});
        const c = card(reply.utterance_id, speaker);
        const own = speaker === "staff" ? c.staff : c.visitor;
        if (!own.childElementCount) own.append(line("label", speaker === "staff" ? "処理中…" : vtext("processing")));
        scrollLogs();
        return;
      } catch (err) {
        // Network errors and 503/429 are retried with the same key (no duplicate publish).
        const retryable = !(err instanceof ApiError) || err.status === 503 || err.status === 429;
        if (!retryable || attempt === 2 || !state.session) {
          setStatus(speaker, "failed", speaker === "staff" ? problem(err) : vtext("failed"));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 700 * (attempt + 1)));
      }
    }
  }

  for (const speaker of ["staff", "visitor"]) {
    const button = $(`${speaker}-ptt`);
    button.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      button.setPointerCapture?.(e.pointerId);
      pressStart(speaker, button);
    });
    for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) {
      button.addEventListener(type, () => pressEnd(button));
    }
    button.addEventListener("contextmenu", (e) => e.preventDefault());
    // Keyboard users: hold Space/Enter.
    button.addEventListener("keydown", (e) => {
      if ((e.key === " " || e.key === "Enter") && !e.repeat) { e.preventDefault(); pressStart(speaker, button); }
    });
    button.addEventListener("keyup", (e) => {
      if (e.key === " " || e.key === "Enter") { e.preventDefault(); pressEnd(button); }
    });
  }

  // ---------------------------------------------------------------- typed input and phrases
  // Typed text (and a chosen phrase) shows on the sender's side at once, on a card that the
  // reply then ties to its utterance id. Results that arrive first made their own card on the
  // right side (the events name the speaker); the reply then merges into that one.
  async function sendText(speaker, payload, shown) {
    if (!state.session) return;
    setStatus(speaker, "processing");
    const key = newKey();
    const draft = shown ? provisionalCard(key, speaker, shown, payload.language || speakerTag(speaker)) : null;
    try {
      const reply = await call("POST", `/sessions/${state.session.session_id}/texts`, {
        json: {speaker, ...payload}, headers: {"Idempotency-Key": key}});
      if (draft) adopt(draft, reply.utterance_id);
      else card(reply.utterance_id, speaker);
    } catch (err) {
      if (draft) {
        for (const li of [draft.staff, draft.visitor]) { li.classList.remove("pending"); li.classList.add("failed"); }
        (speaker === "staff" ? draft.staff : draft.visitor).append(
          line("failure", speaker === "staff" ? problem(err) : vtext("failed")));
      }
      setStatus(speaker, "failed", speaker === "staff" ? problem(err) : vtext("failed"));
    }
  }

  function speakerTag(speaker) {
    return speaker === "staff" ? "ja" : (state.session.visitor_language || visitorTag());
  }

  function provisionalCard(key, speaker, text, language) {
    const c = card(`draft-${key}`, speaker);
    c.text = text;
    c.language = language;
    const own = speaker === "staff" ? c.staff : c.visitor;
    own.replaceChildren(line("label", ownLabel(speaker, speaker)), line("source", text, language));
    const other = speaker === "staff" ? c.visitor : c.staff;
    other.replaceChildren(line("label", speaker === "staff" ? vtext("processing") : "翻訳中…"));
    scrollLogs();
    return c;
  }

  function adopt(draft, utteranceId) {
    const draftId = draft.staff.dataset.utterance;
    state.cards.delete(draftId);
    const existing = state.cards.get(utteranceId);
    if (!existing) {
      draft.staff.dataset.utterance = draft.visitor.dataset.utterance = utteranceId;
      state.cards.set(utteranceId, draft);
      return;
    }
    // The result came first: keep its card, give it the typed text, drop the draft.
    draft.staff.remove();
    draft.visitor.remove();
    existing.text = existing.text || draft.text;
    existing.language = existing.language || draft.language;
    if (existing.failure) renderFailure(existing);
  }

  for (const speaker of ["staff", "visitor"]) {
    $(`${speaker}-typed`).addEventListener("submit", (e) => {
      e.preventDefault();
      const input = $(`${speaker}-text`);
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      const payload = {text};
      // Auto-detect: typed visitor text needs a language; use the one shown on their side.
      if (speaker === "visitor" && !state.session.visitor_language) payload.language = visitorTag();
      sendText(speaker, payload, text);
    });
  }

  function renderPhraseTabs() {
    const tabs = $("phrase-tabs");
    tabs.replaceChildren();
    if (!state.phrases) return;
    state.phrases.categories.forEach((cat, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "tab");
      b.dataset.category = cat.id;
      b.textContent = cat.names.ja || cat.id;
      b.addEventListener("click", () => renderPhraseList(cat.id));
      tabs.append(b);
      if (i === 0) renderPhraseList(cat.id);
    });
  }

  function renderPhraseList(category) {
    for (const tab of $("phrase-tabs").children) {
      tab.setAttribute("aria-selected", String(tab.dataset.category === category));
    }
    const list = $("phrase-list");
    list.replaceChildren();
    const vt = phraseTag(visitorTag());
    for (const p of state.phrases.phrases.filter((x) => x.category === category)) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "phrase";
      b.dataset.phrase = p.phrase_id;
      b.append(line("ja", p.texts.ja || p.phrase_id, "ja"));
      if (p.texts[vt]) b.append(line("preview", p.texts[vt], vt));
      if (p.review_status === "machine-draft") b.append(line("draft", "未確認の機械訳"));
      b.addEventListener("click", () => {
        $("staff-phrases").hidden = true;
        sendText("staff", {phrase_id: p.phrase_id}, p.texts.ja || null);
      });
      list.append(b);
    }
  }

  $("staff-phrases-close").addEventListener("click", () => { $("staff-phrases").hidden = true; });
  $("staff-phrases-toggle").addEventListener("click", () => {
    $("staff-phrases").hidden = !$("staff-phrases").hidden;
  });

  // Pointing mode: a visitor who cannot speak points at a sentence in their own language.
  // Only what a visitor would say (`visitor` and `either` phrases), grouped under the
  // phrasebook's categories named in the visitor's language, their text first and large.
  $("visitor-point").addEventListener("click", () => {
    if (!$("visitor-phrases").hidden) { $("visitor-phrases").hidden = true; return; }
    openPointing();
  });

  function openPointing() {
    const panel = $("visitor-phrases");
    panel.replaceChildren();
    const vt = phraseTag(visitorTag());
    const close = actionButton("quiet", vtext("close"), () => { panel.hidden = true; });
    panel.append(close);
    const book = state.phrases || {categories: [], phrases: []};
    const theirs = book.phrases.filter((p) => p.speaker !== "staff" && p.texts[vt]);
    for (const cat of book.categories) {
      const group = theirs.filter((p) => p.category === cat.id);
      if (!group.length) continue;
      const heading = line("phrase-category", cat.names[vt] || cat.names.en || cat.id, vt);
      heading.setAttribute("role", "heading");
      panel.append(heading);
      for (const p of group) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "phrase";
        b.dataset.phrase = p.phrase_id;
        b.append(line("own", p.texts[vt], vt), line("ja", p.texts.ja || "", "ja"));
        b.addEventListener("click", () => {
          panel.hidden = true;
          sendText("visitor", {phrase_id: p.phrase_id, language: state.session.visitor_language || vt},
                   p.texts[vt]);
        });
        panel.append(b);
      }
    }
    panel.hidden = false;
  }

  // ---------------------------------------------------------------- end and erase
  $("end").addEventListener("click", () => { $("confirm").hidden = false; $("confirm-no").focus(); });
  $("confirm-no").addEventListener("click", () => { $("confirm").hidden = true; });
  $("confirm-yes").addEventListener("click", async () => {
    $("confirm-yes").disabled = true;
    // No speech download may be in flight or start while the session is erased.
    state.speech.closing = true;
    state.speech.abort.abort();
    try {
      const receipt = await call("POST", `/sessions/${state.session.session_id}/close`);
      endResults();
      resetConversation();
      showReceipt(receipt);
    } catch (err) {
      resetSpeech();  // still open: speech may be fetched again
      if (!state.auth) return;
      setStatus("staff", "failed", `消去できませんでした: ${problem(err)} もう一度押してください。`);
    } finally {
      $("confirm-yes").disabled = false;
      $("confirm").hidden = true;
    }
  });

  function resetConversation() {
    if (state.recorder && state.recorder.stream) {
      for (const track of state.recorder.stream.getTracks()) track.stop();
    }
    state.recorder = null;
    resetSpeech();  // before the cards go: stop, forget and revoke every spoken translation
    state.session = null;
    state.visitorLang = null;
    state.detected = null;
    state.cards.clear();
    for (const id of ["staff-log", "visitor-log", "phrase-list", "visitor-phrases"]) $(id).replaceChildren();
    for (const id of ["staff-text", "visitor-text"]) $(id).value = "";
    $("staff-phrases").hidden = true;
    $("visitor-phrases").hidden = true;
    $("confirm").hidden = true;
  }

  function showReceipt(r) {
    const ok = r.remaining_messages === 0;
    const verdict = $("receipt-verdict");
    verdict.className = `verdict ${ok ? "ok" : "bad"}`;
    verdict.textContent = ok
      ? "✔ この会話の録音と、文字（原文・翻訳）はすべて消去されました。"
      : `✖ ${r.remaining_messages} 件が消去されずに残っています。管理者に連絡してください。`;
    const rows = [
      ["会話ID", r.session_id],
      ["消去日時（日本時間）", new Date(r.erased_at).toLocaleString("ja-JP", {timeZone: "Asia/Tokyo"})],
      ["消去したメッセージ", `${r.messages_removed} 件`],
      ["終了時に残っていた録音（消去）", `${r.audio_objects.length} 件`],
      ["読み上げ音声（消去）", `${(r.speech_objects || []).length} 件`],
      ["残っているメッセージ", `${r.remaining_messages} 件`],
      ["消去証明ID", r.event_id],
      ...(r.kept || []).map((k) => ["残る記録", keptText(k)]),
    ];
    const dl = $("receipt-fields");
    dl.replaceChildren();
    for (const [k, v] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      dl.append(dt, dd);
    }
    show("receipt");
  }

  // What the close does not erase, said exactly (the receipt's `kept`).
  function keptText(k) {
    const what = {
      redacted_content: "個人情報（氏名・番号・住所など）を伏せた文字起こしと翻訳",
      metadata: "件数・時刻・言語などの記録（会話の内容は含みません）",
      erasure_certificate: "この消去の証明",
    }[k.what] || k.what;
    const where = k.where === "audit_trail_sealed"
      ? "監査記録に、この会話専用の鍵で暗号化して" : "監査記録に";
    const how = k.days ? `${k.days}日間保存し、その後、鍵ごと消去` : "監査記録の保存期間中保存";
    return `${what}: ${where}${how}`;
  }

  $("next").addEventListener("click", () => enterChooser());

  // Leaving the page mid-conversation: stop the microphone and the stream.
  window.addEventListener("pagehide", () => { endResults(); resetConversation(); });

  // Start: an enrolment link (`#enrol=<device>:<code>`, the QR code `devices add` prints)
  // fills the enrolment form; the fragment never reaches a server log and is cleared at once.
  (async () => {
    const link = /^#enrol=([A-Za-z0-9_-]{1,64}):([A-Za-z0-9-]{4,32})$/.exec(location.hash);
    if (link) history.replaceState(null, "", location.pathname + location.search);
    const device = await loadDevice().catch(() => null);
    if (device && !link) { await showSignIn(device); return; }
    if (link) { $("enrol-device").value = link[1]; $("enrol-code").value = link[2]; }
    show("enrol");
  })();
})();
