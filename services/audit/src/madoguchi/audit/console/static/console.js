// Madoguchi auditor console. Plain JS, no build, no third-party code: the auditors' network
// reaches only the cluster. It calls the auditor API with the session cookie (HttpOnly: this
// script never sees it) and the console's header, which another site's page cannot send.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const PAGES = ["login", "usage", "events", "erasures", "chain", "findings"];
  const JST = "Asia/Tokyo";
  let lang = "ja";
  let me = null;
  let cursor = null;

  const TEXT = {
    ja: {
      "title": "監査コンソール", "nav.usage": "利用状況", "nav.events": "監査記録",
      "nav.erasures": "消去証明", "nav.chain": "改ざん検証", "nav.findings": "分析結果",
      "signout": "サインアウト", "login.title": "監査アカウントでサインイン", "login.id": "監査ID",
      "login.password": "パスワード", "login.submit": "サインイン", "from": "開始日", "to": "終了日",
      "show": "表示", "usage.title": "利用状況", "usage.csv": "CSV をダウンロード",
      "usage.tz": "日ごとの件数は日本時間で数えます。", "events.title": "監査記録",
      "events.session": "会話ID", "events.device": "端末ID", "events.staff": "職員ID",
      "events.kind": "種類", "col.time": "日時（日本時間）", "col.kind": "種類", "col.action": "操作",
      "col.outcome": "結果", "col.service": "サービス", "col.session": "会話",
      "col.actor": "端末・職員・監査", "more": "次のページ", "erasures.title": "消去証明（消去報告書）",
      "erasures.list": "一覧を表示", "erasures.pdf": "消去報告書（PDF）",
      "chain.title": "改ざん検証",
      "chain.hint": "すべての行のハッシュの連鎖と、署名付きチェックポイントを今ここで検証します。",
      "chain.verify": "今すぐ検証する", "findings.title": "定期分析の結果", "findings.days": "過去の日数",
      "findings.thresholds": "しきい値",
      // dynamic
      "bad_login": "サインインできません。監査IDとパスワードを確認してください。",
      "locked": "試行が多すぎます。少し待ってからやり直してください。",
      "disabled": "このアカウントは無効です。", "unavailable": "サーバーに接続できません。",
      "chart.per_day": "日ごとの利用（件）", "chart.per_language": "言語ごとの利用（件）",
      "chart.per_counter": "窓口ごとの利用（件）", "chart.p50": "処理時間の中央値（ミリ秒）",
      "chart.p95": "処理時間の95パーセンタイル（ミリ秒）", "chart.failures": "失敗（件）",
      "chart.warnings": "訳の確認警告（言語別、件）", "chart.not_understood": "「伝わらなかった」（言語別、件）",
      "chart.empty": "この期間のデータはありません。",
      "ok": "✔ 改ざんはありません。すべての行とチェックポイントが正しく検証されました。",
      "bad": "✖ 改ざんまたは破損があります。最初の問題の行: ", "rows": "行数",
      "checkpoints": "検証したチェックポイント", "latest": "最新の署名付きチェックポイント",
      "fingerprint": "署名鍵の指紋", "none": "なし", "details": "詳細", "problem": "問題",
      "session": "会話ID", "erased_at": "消去日時", "reason": "理由", "removed": "消去した件数",
      "remaining": "残り", "covered": "署名付きチェックポイント", "not_covered": "まだ署名されていません",
      "proof": "包含証明", "no_findings": "指摘はありません。", "no_erasures": "この期間の消去証明はありません。",
    },
    en: {
      "title": "Audit console", "nav.usage": "Usage", "nav.events": "Audit trail",
      "nav.erasures": "Erasure certificates", "nav.chain": "Tamper check", "nav.findings": "Findings",
      "signout": "Sign out", "login.title": "Sign in with your auditor account", "login.id": "Auditor ID",
      "login.password": "Password", "login.submit": "Sign in", "from": "From", "to": "To",
      "show": "Show", "usage.title": "Usage", "usage.csv": "Download CSV",
      "usage.tz": "Days are counted in Japan time.", "events.title": "Audit trail",
      "events.session": "Session", "events.device": "Device", "events.staff": "Staff",
      "events.kind": "Kind", "col.time": "Time (JST)", "col.kind": "Kind", "col.action": "Action",
      "col.outcome": "Outcome", "col.service": "Service", "col.session": "Session",
      "col.actor": "Device / staff / auditor", "more": "Next page",
      "erasures.title": "Erasure certificates (erasure report)", "erasures.list": "List",
      "erasures.pdf": "Erasure report (PDF)", "chain.title": "Tamper check",
      "chain.hint": "Recomputes every row's hash chain and the signed checkpoints, now.",
      "chain.verify": "Verify now", "findings.title": "Periodic analysis", "findings.days": "Days back",
      "findings.thresholds": "Thresholds",
      "bad_login": "Cannot sign in: check the auditor ID and password.",
      "locked": "Too many attempts: wait a moment and try again.",
      "disabled": "This account is disabled.", "unavailable": "Cannot reach the server.",
      "chart.per_day": "Utterances per day", "chart.per_language": "Utterances per language",
      "chart.per_counter": "Utterances per counter", "chart.p50": "Median latency (ms)",
      "chart.p95": "95th percentile latency (ms)", "chart.failures": "Failures",
      "chart.warnings": "Meaning-check warnings per language", "chart.not_understood": "\"Not understood\" per language",
      "chart.empty": "No data in this period.",
      "ok": "✔ No tampering: every row and checkpoint verified.",
      "bad": "✖ Tampering or damage found. First bad row: ", "rows": "Rows",
      "checkpoints": "Checkpoints verified", "latest": "Latest signed checkpoint",
      "fingerprint": "Signing key fingerprint", "none": "none", "details": "Details", "problem": "Problem",
      "session": "Session", "erased_at": "Erased at", "reason": "Reason", "removed": "Removed",
      "remaining": "Remaining", "covered": "Signed checkpoint", "not_covered": "not signed yet",
      "proof": "Inclusion proof", "no_findings": "Nothing flagged.", "no_erasures": "No erasure certificates in this period.",
    },
  };
  const t = (key) => TEXT[lang][key] || TEXT.ja[key] || key;

  function translatePage() {
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
    $("lang").textContent = lang === "ja" ? "English" : "日本語";
  }

  class ApiError extends Error {
    constructor(status) { super(`HTTP ${status}`); this.status = status; }
  }

  async function api(method, path, json) {
    const headers = {"X-Madoguchi-Console": "1"};
    if (json !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {method, headers, credentials: "same-origin",
      cache: "no-store", body: json === undefined ? undefined : JSON.stringify(json)});
    if (response.status === 401 && me) { me = null; showLogin(); }
    if (!response.ok) throw new ApiError(response.status);
    return response.json();
  }

  // ---------------------------------------------------------------- time (stored UTC, shown JST)
  const fmt = (iso) => new Date(iso).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB",
                                                     {timeZone: JST, hour12: false});
  const dayStart = (day) => `${day}T00:00:00+09:00`;
  function dayAfter(day) {
    const d = new Date(`${day}T00:00:00+09:00`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString();
  }
  function todayJst() {
    return new Intl.DateTimeFormat("en-CA", {timeZone: JST}).format(new Date());
  }
  function monthStartJst() { return `${todayJst().slice(0, 8)}01`; }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, v);
    return q.toString();
  }

  // ---------------------------------------------------------------- sign in
  function show(page) {
    for (const id of PAGES) $(id).hidden = id !== page;
    for (const b of $("nav").querySelectorAll("button")) {
      if (b.dataset.page === page) b.setAttribute("aria-current", "page");
      else b.removeAttribute("aria-current");
    }
    if (page !== "login") api("POST", "/console/api/view", {page}).catch(() => {});
    const load = LOADERS[page];
    if (load) load();
  }

  function showLogin() {
    $("nav").hidden = true;
    $("signout").hidden = true;
    $("who").textContent = "";
    show("login");
    $("auditor_id").focus();
  }

  function signedIn(who) {
    me = who;
    $("who").textContent = `${who.auditor_id} (${who.role})`;
    $("nav").hidden = false;
    $("signout").hidden = false;
    show("usage");
  }

  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const error = $("login-error");
    error.hidden = true;
    try {
      const who = await api("POST", "/console/api/login",
                            {auditor_id: $("auditor_id").value.trim(), password: $("password").value});
      $("password").value = "";
      signedIn(who);
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      error.textContent = t(status === 429 ? "locked" : status === 403 ? "disabled"
                            : status === 401 ? "bad_login" : "unavailable");
      error.hidden = false;
    }
  });

  $("signout").addEventListener("click", async () => {
    try { await api("POST", "/console/api/logout"); } catch { /* signed out anyway */ }
    me = null;
    showLogin();
  });

  $("lang").addEventListener("click", () => {
    lang = lang === "ja" ? "en" : "ja";
    translatePage();
    const current = PAGES.find((id) => !$(id).hidden);
    if (current && current !== "login") LOADERS[current]();
  });

  for (const b of $("nav").querySelectorAll("button")) b.addEventListener("click", () => show(b.dataset.page));

  // ---------------------------------------------------------------- usage (charts)
  const SVG = "http://www.w3.org/2000/svg";

  function barChart(title, values, warn) {
    const box = document.createElement("figure");
    box.className = "chart";
    const h = document.createElement("h3");
    h.textContent = title;
    box.append(h);
    const entries = Object.entries(values || {});
    if (!entries.length) {
      const p = document.createElement("p");
      p.className = "empty";
      p.textContent = t("chart.empty");
      box.append(p);
      return box;
    }
    const max = Math.max(...entries.map(([, v]) => Number(v)), 1);
    const row = 26, labelW = 150, width = 520;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${entries.length * row + 6}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", title);
    entries.forEach(([key, value], i) => {
      const y = i * row + 4;
      const label = document.createElementNS(SVG, "text");
      label.setAttribute("x", "0");
      label.setAttribute("y", String(y + 16));
      label.textContent = key;
      const bar = document.createElementNS(SVG, "rect");
      bar.setAttribute("class", warn ? "bar warn" : "bar");
      bar.setAttribute("x", String(labelW));
      bar.setAttribute("y", String(y));
      bar.setAttribute("height", "20");
      bar.setAttribute("width", String(Math.max(2, (width - labelW - 70) * Number(value) / max)));
      const tip = document.createElementNS(SVG, "title");
      tip.textContent = `${key}: ${value}`;
      bar.append(tip);
      const num = document.createElementNS(SVG, "text");
      num.setAttribute("x", String(labelW + 6 + (width - labelW - 70) * Number(value) / max));
      num.setAttribute("y", String(y + 16));
      num.textContent = String(Math.round(Number(value) * 10) / 10);
      svg.append(label, bar, num);
    });
    box.append(svg);
    return box;
  }

  async function loadUsage() {
    if (!$("usage-from").value) $("usage-from").value = monthStartJst();
    if (!$("usage-to").value) $("usage-to").value = todayJst();
    const params = query({since: dayStart($("usage-from").value), until: dayAfter($("usage-to").value)});
    $("usage-csv").href = `/v1/audit/reports/usage.csv?${params}`;
    const charts = $("charts");
    try {
      const u = await api("GET", `/v1/audit/reports/usage?${params}`);
      const latency = u.latency_ms_per_stage || {};
      const p50 = Object.fromEntries(Object.entries(latency).map(([k, v]) => [k, v.median]));
      const p95 = Object.fromEntries(Object.entries(latency).map(([k, v]) => [k, v.p95]));
      charts.replaceChildren(
        barChart(t("chart.per_day"), u.utterances_per_day),
        barChart(t("chart.per_language"), u.utterances_per_language),
        barChart(t("chart.per_counter"), u.utterances_per_counter),
        barChart(t("chart.p50"), p50), barChart(t("chart.p95"), p95),
        barChart(t("chart.failures"), u.failures, true),
        barChart(t("chart.warnings"), u.meaning_warnings_per_language, true),
        barChart(t("chart.not_understood"), u.not_understood_per_language, true));
    } catch (err) {
      charts.replaceChildren(document.createTextNode(t("unavailable")));
    }
  }
  $("usage-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadUsage(); });

  // ---------------------------------------------------------------- events
  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text ?? "";
    return td;
  }

  // Opening the page loads the trail and a filter may be submitted before that answer came:
  // only the latest request may fill the table (a late answer would append its rows).
  let eventsRequest = 0;
  async function loadEvents(more) {
    const mine = ++eventsRequest;
    if (!more) cursor = 0;
    const from = $("ev-from").value, to = $("ev-to").value;
    const params = query({since: from ? dayStart(from) : null, until: to ? dayAfter(to) : null,
                          session_id: $("ev-session").value.trim(), device_id: $("ev-device").value.trim(),
                          staff_id: $("ev-staff").value.trim(), kind: $("ev-kind").value,
                          limit: 50, cursor});
    const body = $("events-table").querySelector("tbody");
    if (!more) body.replaceChildren();
    try {
      const page = await api("GET", `/v1/audit/events?${params}`);
      if (mine !== eventsRequest) return;
      if (!more) body.replaceChildren();
      for (const e of page.events) {
        const tr = document.createElement("tr");
        tr.dataset.seq = e.seq;
        tr.append(cell(e.seq), cell(fmt(e.occurred_at)), cell(e.kind), cell(e.action), cell(e.outcome),
                  cell(e.service), cell(e.session_id),
                  cell([e.device_id, e.staff_id, e.auditor_id].filter(Boolean).join(" / ")));
        body.append(tr);
      }
      cursor = page.next_cursor;
      $("events-more").hidden = cursor === null;
    } catch {
      if (mine === eventsRequest) body.replaceChildren();
    }
  }
  $("events-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadEvents(false); });
  $("events-more").addEventListener("click", () => loadEvents(true));

  // ---------------------------------------------------------------- erasures and the report
  function dl(pairs) {
    const list = document.createElement("dl");
    list.className = "receipt";
    for (const [k, v] of pairs) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      list.append(dt, dd);
    }
    return list;
  }

  function showCertificate(entry) {
    const c = entry.certificate, a = (c.payload && c.payload.attributes) || {};
    const box = $("certificate");
    const h = document.createElement("h3");
    h.textContent = `${t("session")} ${c.session_id || "-"}`;
    const counts = Object.entries(a).filter(([, v]) => typeof v === "number")
      .map(([k, v]) => `${k}=${v}`).join(", ");
    box.replaceChildren(h, dl([
      [t("erased_at"), fmt(c.occurred_at)], [t("reason"), a.reason || a.reason_code || "-"],
      ["seq", String(c.seq)], [t("removed"), counts], [t("remaining"), String(a.remaining_messages ?? "-")],
      [t("covered"), entry.checkpoint
        ? `${entry.checkpoint.tree_size} / ${entry.checkpoint.root_hash} / ${entry.checkpoint.key_id}`
        : t("not_covered")],
      [t("proof"), entry.inclusion_proof ? `${entry.inclusion_proof.length} hashes` : "-"],
      ["row_hash", c.row_hash],
    ]));
    box.hidden = false;
    box.scrollIntoView({block: "nearest"});
  }

  function reportPeriod() {
    if (!$("rep-from").value) $("rep-from").value = monthStartJst();
    if (!$("rep-to").value) $("rep-to").value = todayJst();
    $("report-pdf").href = `/v1/audit/erasures/report.pdf?${query({from: $("rep-from").value, to: $("rep-to").value})}`;
  }

  async function loadErasures() {
    reportPeriod();
    const params = query({since: dayStart($("rep-from").value), until: dayAfter($("rep-to").value)});
    const list = $("erasure-list");
    $("certificate").hidden = true;
    try {
      const {erasures} = await api("GET", `/v1/audit/erasures?${params}`);
      list.replaceChildren();
      if (!erasures.length) {
        const li = document.createElement("li");
        li.textContent = t("no_erasures");
        list.append(li);
      }
      for (const entry of erasures) {
        const c = entry.certificate;
        const li = document.createElement("li");
        li.dataset.session = c.session_id || "";
        li.append(`${fmt(c.occurred_at)} — ${t("session")} ${c.session_id || "-"} (${c.action}, ${c.outcome})`);
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = t("details");
        b.addEventListener("click", () => showCertificate(entry));
        li.append(document.createElement("br"), b);
        list.append(li);
      }
    } catch {
      list.replaceChildren();
    }
  }
  $("report-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadErasures(); });
  for (const id of ["rep-from", "rep-to"]) $(id).addEventListener("change", reportPeriod);

  // ---------------------------------------------------------------- chain
  async function verifyNow() {
    const verdict = $("verdict");
    $("verify").disabled = true;
    try {
      const [report, exported] = await Promise.all([
        api("GET", "/v1/audit/verify"), api("GET", "/v1/audit/checkpoints")]);
      verdict.className = `verdict ${report.ok ? "ok" : "bad"}`;
      const first = (report.findings || [])[0];
      verdict.textContent = report.ok ? t("ok")
        : `${t("bad")}${report.first_bad_seq} — ${first ? first.problem : ""}`;
      verdict.hidden = false;
      const latest = (exported.checkpoints || []).at(-1);
      $("chain-detail").replaceWith(Object.assign(dl([
        [t("rows"), String(report.rows)], [t("checkpoints"), String(report.checkpoints_checked)],
        [t("latest"), latest ? `${latest.tree_size} — ${fmt(latest.signed_at)}` : t("none")],
        [t("fingerprint"), latest ? latest.key_id : t("none")],
        ...(report.findings || []).slice(0, 5).map((f) => [`${t("problem")} (seq ${f.seq})`, f.problem]),
      ]), {id: "chain-detail"}));
    } catch {
      verdict.className = "verdict bad";
      verdict.textContent = t("unavailable");
      verdict.hidden = false;
    } finally {
      $("verify").disabled = false;
    }
  }
  $("verify").addEventListener("click", verifyNow);

  // ---------------------------------------------------------------- findings
  async function loadFindings() {
    const days = Number($("findings-days").value) || 31;
    const list = $("findings-list");
    try {
      const report = await api("GET", `/v1/audit/findings?days=${days}`);
      list.replaceChildren();
      if (!report.flags.length) {
        const li = document.createElement("li");
        li.textContent = t("no_findings");
        list.append(li);
      }
      for (const f of report.flags) {
        const li = document.createElement("li");
        li.dataset.rule = f.rule;
        li.textContent = `${f.rule} — ${f.subject}: ${f.count} (${f.detail})`;
        list.append(li);
      }
      $("thresholds").replaceWith(Object.assign(dl(Object.entries(report.thresholds)
        .map(([k, v]) => [k, String(v)])), {id: "thresholds"}));
    } catch {
      list.replaceChildren();
    }
  }
  $("findings-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadFindings(); });

  const LOADERS = {usage: loadUsage, events: () => loadEvents(false), erasures: loadErasures,
                   chain: () => {}, findings: loadFindings};

  // ---------------------------------------------------------------- start
  translatePage();
  api("GET", "/console/api/me").then(signedIn, showLogin);
})();
