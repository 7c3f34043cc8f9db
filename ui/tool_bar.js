// The review tools under the details (ui/bars.py): the consistency check, find and
// replace, approve the shown list, next untranslated, the keys and the segment list. Drawn
// in the browser for the same reason as the filters: Streamlit's toggle, buttons,
// popovers and expander were redrawn on every message of every run.
//
// A click sends "act" with what was clicked, and for a panel whether it is to be open
// (not a toggle: two clicks queued during a run would cancel out); the server opens or
// closes the panel (drawn by Streamlit under this bar) or does the action. The keys' list
// is drawn here.

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function build(parent) {
  const root = document.createElement("div");
  root.className = "lw-ctl lw-tools st-key-review_toolbar";
  root.innerHTML = `
<label class="lw-switch st-key-show_consistency"><input type="checkbox" role="switch" data-act="consistency">
  <span>Check consistency across the document and its languages</span></label>
<div class="lw-row">
  <span class="st-key-find_replace"><button type="button" data-act="find" aria-expanded="false">⇄ Find &amp; replace</button></span>
  <span class="st-key-batch_approve"><button type="button" data-act="batch"></button></span>
  <span class="st-key-next_untranslated"><button type="button" data-act="untranslated" title="Alt+U">» Next untranslated</button></span>
  <span class="st-key-keyboard_help"><button type="button" data-act="keys" aria-expanded="false">⌨ Keyboard</button></span>
</div>
<div class="lw-keys" hidden></div>
<div class="lw-row lw-list st-key-segment_list">
  <button type="button" data-act="list" aria-expanded="false">☰ Segment list</button>
  <span class="lw-meta"></span>
</div>`;
  parent.appendChild(root);
  return root;
}

class Tools {
  constructor(parent) {
    this.root = build(parent);
    this.keysOpen = false;
    this.root.addEventListener("click", (e) => {
      const button = e.target.closest("button[data-act]");
      if (!button || button.disabled) return;
      const what = button.getAttribute("data-act");
      if (what === "keys") { this.keysOpen = !this.keysOpen; this.drawKeys(); return; }
      const expanded = button.getAttribute("aria-expanded");
      this.trigger("act", expanded === null ? { what } : { what, open: expanded !== "true" });
    });
    const consistency = this.root.querySelector("input[data-act=consistency]");
    consistency.addEventListener("change", () => {
      this.trigger("act", { what: "consistency", open: consistency.checked });
    });
  }

  drawKeys() {
    const list = this.root.querySelector(".lw-keys");
    list.hidden = !this.keysOpen;
    this.root.querySelector("button[data-act=keys]").setAttribute("aria-expanded", String(this.keysOpen));
    const html = `<ul>${this.data.shortcuts.map(([keys, what]) => `<li><b>${esc(keys)}</b> — ${esc(what)}</li>`).join("")}</ul>`;
    if (list.__html !== html) { list.innerHTML = html; list.__html = html; }
  }

  render(data) {
    this.data = data;
    const q = (sel) => this.root.querySelector(sel);
    q("input[data-act=consistency]").checked = data.consistency;
    q("button[data-act=find]").setAttribute("aria-expanded", String(data.find_open));
    const batch = q("button[data-act=batch]");
    batch.textContent = `✔ Approve the ${data.pending} shown…`;
    batch.disabled = !data.pending || !data.can_save;
    batch.title = data.can_save ? "" : "Enter your name in the sidebar to approve";
    q("button[data-act=untranslated]").disabled = !data.untranslated;
    q("button[data-act=list]").setAttribute("aria-expanded", String(data.list_open));
    q(".lw-list .lw-meta").textContent = `${data.shown} of ${data.total} segments shown · ` +
      (data.list_open ? "click a row to open that segment" : "open the list and click a row to open that segment");
    this.drawKeys();
  }
}

export default function ({ parentElement, data, setTriggerValue }) {
  let bar = parentElement.__lwTools;
  if (!bar) {
    bar = new Tools(parentElement);
    parentElement.__lwTools = bar;
  }
  bar.trigger = setTriggerValue;
  bar.render(data);
}
