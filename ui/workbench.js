// The review editor, drawn in the browser (st.components.v2): one element per run
// instead of the twenty Streamlit widgets it replaced, so that an action costs the
// browser one element's work. ui/workbench.py sends what to show (data) and
// receives what the reviewer did (the "action" trigger).
//
// What keeps a text on its own segment:
// - every action names the segment whose text it carries (data.ident, drawn by the server);
// - while an action is on its way, the text area is read-only: nothing can be typed for
//   one segment and land in the next one's editor;
// - the text area keeps what the reviewer typed across reruns of the same segment; only a
//   new segment, or a new server revision of this one (a "Use" button, a discard, a save
//   that cleaned the text), replaces it;
// - a text not sent yet is sent as the segment's draft when the area loses focus, and when
//   another segment opens without this editor asking (a table row, a filter, a language).

const STALE = 20000; // ms: an action not answered by then unlocks the area, with a word

function html(el, value) {
  if (el.__html !== value) { el.innerHTML = value; el.__html = value; }
}

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function counts(text) {
  const words = text.trim() ? text.trim().split(/\s+/).length : 0;
  return [Array.from(text).length, words];
}

function scriptRunning() {
  const s = document.querySelector("[data-test-script-state]");
  return s && s.getAttribute("data-test-script-state") !== "notRunning";
}

// Once the run that drew a new version is over and the editor is on screen, the other
// parts of the page (details, preview) are told, and rerun on their own
// (ui/workbench.py: sync()): the reviewer can type into the next segment meanwhile.
const SETTLE = 120; // ms after the editor's paint: its frame first, then the others' work

function announce(version) {
  window.__lwAnnouncing = version;
  const started = Date.now();
  (function wait() {
    if (window.__lwAnnouncing !== version) return; // a newer version will be told
    if (scriptRunning() && Date.now() - started < 15000) { setTimeout(wait, 30); return; }
    requestAnimationFrame(() => setTimeout(() => {
      if (window.__lwAnnouncing !== version) return;
      if (scriptRunning() && Date.now() - started < 15000) { wait(); return; }
      window.__lwVersion = version;

      window.dispatchEvent(new CustomEvent("lw-sync", { detail: version }));
    }, SETTLE));
  })();
}

function build(parent) {
  // (a child of its own: the parent also holds the component's <style>)
  const root = document.createElement("div");
  parent.appendChild(root);
  root.innerHTML = `
<div class="lw-wb">
  <div class="lw-wb-status" role="status"></div>
  <div class="lw-wb-drafts"></div>
  <div class="lw-wb-progress"></div>
  <div class="st-key-editor_box lw-wb-box">
    <div class="lw-wb-headrow">
      <div class="lw-wb-head"></div>
      <div class="lw-wb-nav">
        <span class="st-key-prev"><button type="button" data-act="prev" title="Alt+↑">↑ Prev</button></span>
        <span class="st-key-next"><button type="button" data-act="next" title="Alt+↓">↓ Next</button></span>
      </div>
    </div>
    <div class="lw-wb-notice"></div>
    <div class="lw-wb-cols">
      <div class="lw-wb-col">
        <div class="lw-label">Source · French</div>
        <div class="lw-src" lang="fr"></div>
      </div>
      <div class="lw-wb-col st-key-target_editor" data-stale="false">
        <label class="lw-label lw-wb-label"></label>
        <textarea class="lw-wb-text" spellcheck="true"></textarea>
      </div>
    </div>
    <div class="lw-wb-draftnote"></div>
    <div class="lw-wb-actions">
      <span class="lw-wb-working lw-meta" aria-live="polite"></span>
      <span class="lw-wb-nosave"></span>
      <span class="st-key-save"><button type="button" data-act="save" title="Alt+S">Save</button></span>
      <span class="st-key-approve"><button type="button" data-act="approve" title="Alt+A">Approve</button></span>
      <span class="st-key-approve_next"><button type="button" class="lw-primary" data-act="approve_next" title="Ctrl+Enter">Approve &amp; next</button></span>
    </div>
    <div class="lw-counts" data-testid="lw-counts"></div>
    <div class="st-key-segment_tools lw-wb-tools"></div>
  </div>
</div>`;
  return root;
}

function install(self) {
  const root = self.root;
  self.area = root.querySelector(".lw-wb-text");
  self.area.addEventListener("input", () => { self.typed(); });
  self.area.addEventListener("blur", (e) => {
    // A click on one of this editor's buttons carries the text itself (every action does).
    if (e.relatedTarget && root.contains(e.relatedTarget)) return;
    self.sendDraft();
  });
  root.addEventListener("mousedown", (e) => {
    // The caret stays in the text area when a button is pressed: the action carries the text
    // (no separate draft first, in any browser, whether it focuses clicked buttons or not).
    if (e.target.closest("button[data-act]")) e.preventDefault();
  });
  root.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-act]");
    if (!button || button.disabled) return;
    e.preventDefault();
    self.act(button.getAttribute("data-act"), button.getAttribute("data-arg"));
  });
  if (!window.__lwEditorKeys) {
    window.__lwEditorKeys = true;
    // A button of the details that puts a text into this editor (Use, Insert, the raw MT):
    // the area waits for that text, so that nothing typed meanwhile is replaced by it.
    document.addEventListener("pointerdown", (e) => {
      const editor = window.__lwEditor;
      if (!editor || !editor.root.isConnected) return;
      const button = e.target.closest && e.target.closest(".st-key-detail_panel button");
      if (!button || button.disabled) return;
      editor.area.readOnly = true;
      clearTimeout(editor.holdTimer);
      editor.holdTimer = setTimeout(() => { if (!editor.pending) editor.area.readOnly = false; }, 5000);
    }, true);
    document.addEventListener("keydown", (e) => {
      const editor = window.__lwEditor;
      if (editor) editor.key(e);
    }, true);
    window.addEventListener("beforeunload", (e) => {
      const editor = window.__lwEditor;
      if (editor && editor.unsaved()) { e.preventDefault(); e.returnValue = ""; return ""; }
    });
  }
}

class Editor {
  constructor(parent) {
    // Actions are numbered from the time this editor was made: one drawn again in the same
    // session (after another page) never reuses the number of an action still on its way.
    this.seq = Date.now();
    this.pending = 0; // the seq of the action on its way, 0: none
    this.data = null;
    this.shown = { ident: null, rev: -1 };
    this.sent = null; // the last text sent (or drawn) for the open segment
    this.root = build(parent);
    install(this);
  }

  // ------------------------------------------------------------ from the server

  render(data) {
    const previous = this.data;
    if (previous && this.shown.ident && previous.ident !== data.ident) {
      // Another segment opens without this editor asking (a table row, a filter, the
      // language bar): what was typed and not sent stays the old segment's draft.
      this.sendDraft();
    }
    this.data = data;
    if (this.pending && data.ack >= this.pending) this.unlock();
    const queued = !this.pending && this.queued;
    if (queued) this.queued = null;
    const fresh = this.shown.ident !== data.ident || this.shown.rev !== data.rev;
    if (fresh) {
      this.area.value = data.text;
      this.sent = data.text;
      this.shown = { ident: data.ident, rev: data.rev };
      if (previous && previous.ident !== data.ident && this.area === document.activeElement) {
        this.area.setSelectionRange(data.text.length, data.text.length);
      }
    }
    this.draw();
    if (data.version !== window.__lwVersion) announce(data.version);
    this.followPreview();
    this.followUrl();
    this.followLanguageBar();
    if (queued) this.send(queued.type, queued.extra);
  }

  // The language bar (drawn by the page's run) shows this language's approved count as the
  // editor's runs change it.
  followLanguageBar() {
    const d = this.data;
    const button = document.querySelector(`.st-key-review_lang button[data-value="${CSS.escape(d.lang)}"]`);
    if (!button) return;
    const label = button.textContent.replace(/\d+\/\d+$/, d.lang_count);
    if (label !== button.textContent) button.textContent = label;
  }

  // The address bar names the open segment (a link to it, a reload that comes back to it).
  followUrl() {
    const d = this.data;
    const params = new URLSearchParams(window.location.search);
    if (params.get("lang") === d.lang && params.get("seg") === d.seg) return;
    params.set("lang", d.lang);
    params.set("seg", d.seg);
    window.history.replaceState(window.history.state, "", `${window.location.pathname}?${params}${window.location.hash}`);
  }

  draw() {
    const d = this.data;
    const q = (sel) => this.root.querySelector(sel);
    html(q(".lw-wb-status"), d.flash ? `<div class="lw-wb-flash lw-${esc(d.flash.kind)}">${esc(d.flash.text)}</div>` : "");
    html(q(".lw-wb-drafts"), d.drafts.length ? `<div class="st-key-drafts_bar lw-wb-draftsbar"><span class="lw-meta"><b>✎ ${d.drafts.length} unsaved draft${d.drafts.length > 1 ? "s" : ""}</b> (kept in this browser tab until saved):</span>` +
      d.drafts.map(([key, t], i) => `<span class="st-key-draft_${i}"><button type="button" class="lw-link" data-act="open_draft" data-arg="${esc(key)}">${esc(t)}</button></span>`).join("") + "</div>" : "");
    html(q(".lw-wb-progress"), d.progress_html);
    html(q(".lw-wb-head"), d.head_html);
    html(q(".lw-wb-notice"), d.notice_html);
    const src = q(".lw-src");
    html(src, d.source_html);
    src.style.minHeight = `${d.height}px`;
    const label = q(".lw-wb-label");
    label.textContent = d.label;
    this.area.setAttribute("aria-label", d.label);
    this.area.style.minHeight = `${d.height}px`;
    q(".st-key-prev button").disabled = !d.prev;
    q(".st-key-next button").disabled = !d.next;
    for (const act of ["save", "approve", "approve_next"]) q(`.st-key-${act} button`).disabled = !d.can_save;
    html(q(".lw-wb-nosave"), d.can_save ? "" : "<span class='lw-meta'>Enter your name in the sidebar to save.</span>");
    this.drawDraftNote();
    this.drawTools();
    this.drawCounts();
    this.area.readOnly = Boolean(this.pending);
    clearTimeout(this.holdTimer);
  }

  dirty() { return this.area.value !== this.sent; }

  // A draft: text the server holds as unsaved, or text typed here and not sent yet.
  unsaved() { return Boolean(this.data && (this.data.drafts.length || this.dirty() || this.data.draft)); }

  drawDraftNote() {
    const d = this.data;
    const unsent = this.dirty() && this.area.value !== d.base;
    const draft = d.draft && this.area.value !== d.base;
    html(this.root.querySelector(".lw-wb-draftnote"), draft || unsent
      ? "<div class='st-key-draft_note lw-wb-note'><span class='lw-meta'><b>✎ Unsaved draft</b>: kept for this segment until you save, approve or discard it</span>" +
        "<span class='st-key-discard_draft'><button type='button' data-act='discard'>↶ Discard draft</button></span></div>"
      : "");
  }

  drawTools() {
    const d = this.data;
    const text = this.area.value;
    const chips = d.tokens.map((t, i) => {
      const missing = !text.includes(t);
      return `<span class="st-key-tok_${i + 1}"><button type="button" class="lw-chip${missing ? " lw-missing" : ""}" data-act="token" data-arg="${i}" title="Alt+${i + 1}${missing ? ": not in the translation yet" : ""}">${missing ? "⚠ " : ""}${esc(t.slice(0, 30))} <kbd>Alt+${i + 1}</kbd></button></span>`;
    }).join("");
    html(this.root.querySelector(".lw-wb-tools"),
      `<span class="st-key-copy_source"><button type="button" data-act="copy_source" title="Alt+O">Copy source <kbd>Alt+O</kbd></button></span>` +
      `<span class="st-key-use_best"><button type="button" data-act="use_best" title="Alt+M">Use best match <kbd>Alt+M</kbd></button></span>` + chips);
  }

  drawCounts() {
    const d = this.data;
    const [sc, sw] = counts(d.source);
    const [tc, tw] = counts(this.area.value);
    html(this.root.querySelector(".lw-counts"),
      `source ${sc} characters · ${sw} words &nbsp;|&nbsp; translation ${tc} characters · ${tw} words` +
      (d.warnings ? ` &nbsp;|&nbsp; <span style='color:#b45309'>⚠ ${d.warnings} QA warnings (QA tab)</span>` : "") +
      (d.comment ? `<div class='lw-meta'>💬 ${esc(d.comment)}</div>` : ""));
  }

  // The preview (another fragment) follows typing: its span of this segment shows the text.
  followPreview() {
    const d = this.data;
    if (!d) return;
    const span = document.querySelector(`.st-key-preview_box [data-seg="${CSS.escape(d.seg)}"]`);
    if (!span) return;
    const text = this.area.value.trim() ? this.area.value : d.target;
    if (span.textContent !== text) span.textContent = text;
  }

  typed() {
    this.drawDraftNote();
    this.drawTools();
    this.drawCounts();
    this.followPreview();
  }

  // ------------------------------------------------------------ to the server

  send(type, extra) {
    if (this.pending) {
      // One action at a time. A jump to a draft names its own segment: it waits its turn.
      // Anything else acts on what the editor shows, which the action on its way may change:
      // not done, and the reviewer is told (the editor says it is busy meanwhile).
      if (type === "open_draft") this.queued = { type, extra };
      else this.busyNote(true);
      return false;
    }
    const d = this.data;
    this.seq += 1;
    this.pending = this.seq;
    this.area.readOnly = true;
    this.root.querySelector(".lw-wb").classList.add("lw-busy");
    this.busyNote(false);
    const text = this.area.value;
    this.sent = text;
    this.setTrigger("action", { type, seq: this.seq, ident: d.ident, text, ...(extra || {}) });
    clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => {
      if (!this.pending) return;
      this.unlock();
      html(this.root.querySelector(".lw-wb-status"), "<div class='lw-wb-flash lw-error'>The server did not answer: nothing is confirmed saved. Your text is still here.</div>");
    }, STALE);
    return true;
  }

  unlock() {
    this.pending = 0;
    clearTimeout(this.staleTimer);
    this.area.readOnly = false;
    this.root.querySelector(".lw-wb").classList.remove("lw-busy");
    this.busyNote(false);
  }

  busyNote(refused) {
    const note = this.root.querySelector(".lw-wb-working");
    note.textContent = this.pending ? (refused ? "Still working on the last action: try again in a moment" : "Working…") : "";
  }

  sendDraft() {
    if (!this.data || this.pending || !this.dirty()) return;
    this.send("draft");
  }

  insert(piece, replace) {
    const area = this.area;
    if (area.readOnly) return;
    if (replace) {
      area.value = piece;
    } else {
      const start = area === document.activeElement ? area.selectionStart : area.value.length;
      const end = area === document.activeElement ? area.selectionEnd : area.value.length;
      const before = area.value.slice(0, start);
      const sep = before && !/\s$/.test(before) && !/^\s/.test(piece) ? " " : "";
      area.value = before + sep + piece + area.value.slice(end);
      const at = (before + sep + piece).length;
      area.focus();
      area.setSelectionRange(at, at);
    }
    this.typed();
  }

  act(what, arg) {
    const d = this.data;
    if (!d) return;
    switch (what) {
      case "prev": if (d.prev) this.send("move", { to: d.prev }); break;
      case "next": if (d.next) this.send("move", { to: d.next }); break;
      case "untranslated": if (d.untranslated) this.send("move", { to: d.untranslated }); break;
      case "save": if (d.can_save) this.send("save"); break;
      case "approve": if (d.can_save) this.send("approve"); break;
      case "approve_next": if (d.can_save) this.send("approve_next"); break;
      case "discard": this.send("discard"); break;
      case "reload": this.send("reload"); break;
      case "keep_mine": this.send("keep_mine"); break;
      case "take_theirs": this.send("take_theirs"); break;
      case "use_best": this.send("use_best"); break;
      case "open_draft": this.send("open_draft", { target: arg }); break;
      case "copy_source": this.insert(d.source, true); break;
      case "token": if (d.tokens[Number(arg)] !== undefined) this.insert(d.tokens[Number(arg)], false); break;
      default: break;
    }
  }

  key(e) {
    const target = e.target;
    const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (!this.root.isConnected) return;
    let what = null;
    let arg = null;
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") what = "approve_next";
    else if (e.altKey && !e.ctrlKey && !e.metaKey) {
      const code = e.code;
      if (code === "ArrowUp") what = "prev";
      else if (code === "ArrowDown") what = "next";
      else if (code === "KeyS") what = "save";
      else if (code === "KeyA") what = "approve";
      else if (code === "KeyO") what = "copy_source";
      else if (code === "KeyM") what = "use_best";
      else if (code === "KeyU") what = "untranslated";
      else if (/^Digit[1-9]$/.test(code)) { what = "token"; arg = String(Number(code.slice(5)) - 1); }
    }
    if (!what) return;
    // From another field (the search box, a comment) only the moves: the other keys act on
    // the editor's text, and the reviewer is typing somewhere else.
    if (typing && target !== this.area && !["prev", "next", "untranslated"].includes(what)) return;
    e.preventDefault();
    e.stopPropagation();
    this.act(what, arg);
  }
}

export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  let editor = parentElement.__lwEditor;
  if (!editor) {
    editor = new Editor(parentElement);
    parentElement.__lwEditor = editor;
  }
  editor.setTrigger = setTriggerValue;
  window.__lwEditor = editor;
  editor.render(data);
}
