// The review page's filters, drawn in the browser (ui/bars.py). Streamlit's multiselect,
// select boxes and slider are redrawn by React on every message of every run, the editor's
// included; these native controls are drawn once and only take new values.
//
// Each change sends the whole filter as the controls show it ("change" trigger): Streamlit
// keeps only the last trigger of a component when clicks queue up during a run, so a
// change sent alone could drop the one before it. The page reruns with it.

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function options(select, items, selected) {
  const html = items.map(([value, label]) =>
    `<option value="${esc(value)}"${value === selected ? " selected" : ""}>${esc(label)}</option>`).join("");
  if (select.__html !== html) { select.innerHTML = html; select.__html = html; }
  if (select.value !== selected) select.value = selected;
}

function build(parent) {
  const root = document.createElement("div");
  root.className = "lw-ctl lw-filters";
  root.innerHTML = `
<div class="lw-field st-key-f_states">
  <span class="lw-flabel" id="lw-f-states">State</span>
  <details class="lw-menu"><summary aria-labelledby="lw-f-states lw-f-states-value"><span id="lw-f-states-value"></span></summary>
    <div class="lw-menu-list" role="group" aria-labelledby="lw-f-states"></div></details>
</div>
<label class="lw-field st-key-f_qa"><span class="lw-flabel">QA</span><select></select></label>
<div class="lw-field st-key-f_score">
  <label><span class="lw-flabel">Score</span><select></select></label>
  <span class="lw-range">
    <input type="number" step="any" aria-label="Lowest score shown" data-end="lo">
    <span aria-hidden="true">–</span>
    <input type="number" step="any" aria-label="Highest score shown" data-end="hi">
  </span>
</div>
<label class="lw-field st-key-f_order"><span class="lw-flabel">Order</span><select></select></label>
<label class="lw-field st-key-f_query lw-grow"><span class="lw-flabel">Search</span>
  <input type="search" placeholder="in source and translation" autocomplete="off"></label>`;
  parent.appendChild(root);
  return root;
}

class Filters {
  constructor(parent) {
    this.root = build(parent);
    const q = (sel) => this.root.querySelector(sel);
    this.menu = q(".lw-menu");
    this.chips = q(".lw-menu-list");
    this.qa = q(".st-key-f_qa select");
    this.score = q(".st-key-f_score select");
    this.range = q(".lw-range");
    this.lo = q("input[data-end=lo]");
    this.hi = q("input[data-end=hi]");
    this.order = q(".st-key-f_order select");
    this.query = q(".st-key-f_query input");
    // A menu of check boxes, like Streamlit's multiselect: none checked shows every state.
    this.chips.addEventListener("change", () => this.send({}));
    this.menu.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.menu.open) { this.menu.open = false; this.menu.querySelector("summary").focus(); }
    });
    this.menu.addEventListener("focusout", (e) => {
      if (this.menu.open && e.relatedTarget && !this.menu.contains(e.relatedTarget)) this.menu.open = false;
    });
    if (!window.__lwFilterMenus) {
      // One listener for the tab (not one per drawing of the bar): a click elsewhere closes the menu.
      window.__lwFilterMenus = true;
      document.addEventListener("click", (e) => {
        for (const menu of document.querySelectorAll(".lw-filters .lw-menu[open]")) {
          if (!menu.contains(e.target)) menu.open = false;
        }
      });
    }
    for (const select of [this.qa, this.score, this.order]) select.addEventListener("change", () => this.send({}));
    for (const end of [this.lo, this.hi]) end.addEventListener("change", () => this.send({}));
    // Like Streamlit's text input: the search runs on Enter, or when the box is left.
    this.query.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.isComposing) { e.preventDefault(); this.sendQuery(); }
    });
    this.query.addEventListener("change", () => this.sendQuery());
  }

  // The search the page runs, or will once the last one sent is answered.
  searched() { return this.sentQuery ?? this.data.query; }

  sendQuery() {
    // (Enter, then leaving the box, sends the same search once)
    if (this.query.value !== this.searched()) this.send({ query: this.query.value });
  }

  send(change) {
    const full = {
      states: [...this.chips.querySelectorAll("input:checked")].map((box) => box.value),
      qa: this.qa.value, score: this.score.value, order: this.order.value, query: this.searched(),
      ...change,
    };
    const lo = Number(this.lo.value);
    const hi = Number(this.hi.value);
    // (a range belongs to the score it was drawn for)
    if (!this.range.hidden && this.score.value === this.data.score && this.lo.value !== "" &&
        this.hi.value !== "" && !Number.isNaN(lo) && !Number.isNaN(hi)) {
      full.range = [Math.min(lo, hi), Math.max(lo, hi)];
    }
    this.sentQuery = full.query;
    this.trigger("change", full);
  }

  render(data) {
    this.data = data;
    if (this.sentQuery === data.query) this.sentQuery = undefined;
    const chips = data.state_options.map((s) => `<label><input type="checkbox" value="${esc(s)}"> ${esc(s)}</label>`).join("");
    if (this.chips.__html !== chips) { this.chips.innerHTML = chips; this.chips.__html = chips; }
    for (const box of this.chips.querySelectorAll("input")) box.checked = data.states.includes(box.value);
    this.menu.querySelector("summary span").textContent = data.states.length ? data.states.join(", ") : "all states";
    options(this.qa, data.qa_options, data.qa);
    options(this.score, data.score_options, data.score);
    this.score.disabled = data.score_options.length < 2;
    this.score.title = data.score_help;
    this.range.hidden = !data.range;
    if (data.range) {
      for (const [input, value] of [[this.lo, data.range.value[0]], [this.hi, data.range.value[1]]]) {
        input.min = data.range.min;
        input.max = data.range.max;
        input.step = String((data.range.max - data.range.min) / 100);
        if (document.activeElement !== input) input.value = String(value);
      }
    }
    options(this.order, data.order_options, data.order);
    this.order.title = data.order_help;
    // (what is being typed is not replaced by the value of the last search)
    if (document.activeElement !== this.query) this.query.value = data.query;
  }
}

export default function ({ parentElement, data, setTriggerValue }) {
  let bar = parentElement.__lwFilters;
  if (!bar) {
    bar = new Filters(parentElement);
    parentElement.__lwFilters = bar;
  }
  bar.trigger = setTriggerValue;
  bar.render(data);
}
