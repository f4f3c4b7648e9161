// Selection → annotation. Converts DOM selections (UTF-16) to code-point offsets into the
// article body, snaps them to grapheme clusters, and sends them with the quote and the
// revision. Hooks: [data-article-body], blocks with [data-start]/[data-end],
// [data-selection-toolbar] with [data-action=…], [data-annotation-dialog].

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const $ = (selector, root = document) => root.querySelector(selector);

function codePointLength(text) {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

function body() {
  return $("[data-article-body]");
}

function blocks() {
  return Array.from(body().querySelectorAll("[data-start]"));
}

// A DOM boundary point → [block, UTF-16 index inside the block's text]. Points between
// blocks go to the start of the next block (for starts) or the end of the previous one.
function locate(node, offset, isStart) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const block = element && element.closest("[data-start]");
  if (block && body().contains(block)) {
    const range = document.createRange();
    range.setStart(block, 0);
    range.setEnd(node, offset);
    return [block, range.toString().length];
  }
  const all = blocks();
  const point = document.createRange();
  point.setStart(node, offset);
  if (isStart) {
    const next = all.find((b) => point.comparePoint(b, 0) >= 0);
    return next ? [next, 0] : null;
  }
  const previous = all.filter((b) => point.comparePoint(b, b.childNodes.length) <= 0).pop();
  return previous ? [previous, previous.textContent.length] : null;
}

function snap(text, index, forward) {
  let last = 0;
  for (const { index: boundary } of segmenter.segment(text)) {
    if (boundary === index) return index;
    if (boundary > index) return forward ? boundary : last;
    last = boundary;
  }
  return forward ? text.length : last;
}

// The current selection as {start, end, exact} in code points, or null.
export function selectionToSpan(selection = window.getSelection()) {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed || !body()) return null;
  const range = selection.getRangeAt(0);
  if (!body().contains(range.commonAncestorContainer) && range.commonAncestorContainer !== body()) {
    return null;
  }
  const from = locate(range.startContainer, range.startOffset, true);
  const to = locate(range.endContainer, range.endOffset, false);
  if (!from || !to) return null;
  const [startBlock, startLocal] = from;
  const [endBlock, endLocal] = to;
  const all = blocks();
  const first = all.indexOf(startBlock);
  const last = all.indexOf(endBlock);
  if (first < 0 || last < 0 || first > last) return null;
  const startText = startBlock.textContent;
  const endText = endBlock.textContent;
  const s16 = snap(startText, startLocal, false);
  const e16 = snap(endText, endLocal, true);
  const start = Number(startBlock.dataset.start) + codePointLength(startText.slice(0, s16));
  const end = Number(endBlock.dataset.start) + codePointLength(endText.slice(0, e16));
  if (start >= end) return null;
  let exact;
  if (first === last) {
    exact = startText.slice(s16, e16);
  } else {
    const parts = [startText.slice(s16)];
    for (let i = first + 1; i <= last; i++) {
      const gap = Number(all[i].dataset.start) - Number(all[i - 1].dataset.end);
      parts.push("\n".repeat(gap));
      parts.push(i === last ? endText.slice(0, e16) : all[i].textContent);
    }
    exact = parts.join("");
  }
  if (!exact.trim()) return null;
  return { start, end, exact, rect: range.getBoundingClientRect() };
}

const state = { span: null };

function i18n(name) {
  const holder = $("template[data-i18n]");
  return (holder && holder.dataset[name]) || "";
}

function csrfToken() {
  const field = $("[data-annotation-form] [name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function say(text, isError = false) {
  const box = $("[data-toolbar-message]");
  if (!box) return;
  box.textContent = text;
  box.classList.toggle("is-error", isError);
  box.hidden = !text;
  if (!isError && text) setTimeout(() => { if (box.textContent === text) box.hidden = true; }, 4000);
}

function refresh() {
  if (window.htmx) window.htmx.trigger(document.body, "annotation-changed");
}

function toolbar() {
  return $("[data-selection-toolbar]");
}

function showToolbar(span, focus = false) {
  const bar = toolbar();
  if (!bar) return;
  state.span = span;
  bar.hidden = false;
  const rect = span.rect;
  const width = bar.offsetWidth;
  const left = Math.min(
    Math.max(8, rect.left + rect.width / 2 - width / 2 + window.scrollX),
    window.scrollX + document.documentElement.clientWidth - width - 8,
  );
  const above = rect.top + window.scrollY - bar.offsetHeight - 8;
  bar.style.position = "absolute";
  bar.style.left = `${Math.max(8, left)}px`;
  bar.style.top = `${above > window.scrollY ? above : rect.bottom + window.scrollY + 8}px`;
  if (focus) bar.querySelector("button").focus();
}

function hideToolbar() {
  const bar = toolbar();
  if (bar) bar.hidden = true;
}

async function post(url, data) {
  const response = await fetch(url, {
    method: "POST",
    body: data,
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    credentials: "same-origin",
  });
  let payload = {};
  try {
    payload = await response.json();
  } catch {
    payload = {};
  }
  return { ok: response.ok, status: response.status, payload };
}

function spanData(kind, span) {
  const data = new FormData();
  data.set("kind", kind);
  data.set("start", span.start);
  data.set("end", span.end);
  data.set("exact", span.exact);
  data.set("revision", body().dataset.revision);
  return data;
}

async function createHighlight(span) {
  say(i18n("saving"));
  try {
    const { ok, payload } = await post(body().dataset.createUrl, spanData("highlight", span));
    if (!ok) {
      say(`${i18n("failed")} ${payload.error ? payload.error.message : ""}`, true);
      return;
    }
    window.getSelection().removeAllRanges();
    hideToolbar();
    say(i18n("saved"));
    refresh();
  } catch {
    say(i18n("network"), true);
  }
}

function dialog() {
  return $("[data-annotation-dialog]");
}

function openDialog(kind, span) {
  const box = dialog();
  const form = $("[data-annotation-form]", box);
  const titles = { entity: "entityTitle", claim: "claimTitle", comment: "commentTitle" };
  $("[data-dialog-title]", box).textContent = i18n(titles[kind]);
  $("[data-dialog-quote]", box).textContent = span.exact;
  form.elements.kind.value = kind === "comment" ? "highlight" : kind;
  form.elements.start.value = span.start;
  form.elements.end.value = span.end;
  form.elements.exact.value = span.exact;
  form.elements.revision.value = body().dataset.revision;
  for (const section of box.querySelectorAll("[data-section]")) {
    section.hidden = section.dataset.section !== kind;
    for (const field of section.querySelectorAll("input, select, textarea")) {
      field.disabled = section.hidden;
    }
  }
  if (kind === "claim") form.elements.claim_text.value = span.exact;
  const entityQuery = $("[data-entity-query]", box);
  if (kind === "entity" && entityQuery) {
    entityQuery.value = span.exact;
    if (window.htmx) window.htmx.trigger(entityQuery, "search");
  }
  form.elements.note.required = kind === "comment";
  const error = $("[data-dialog-error]", box);
  error.hidden = true;
  error.textContent = "";
  hideToolbar();
  box.showModal();
  const firstField = kind === "comment" ? form.elements.note : box.querySelector(
    `[data-section=${kind}] input:not([type=hidden]), [data-section=${kind}] textarea`,
  );
  if (firstField) firstField.focus();
}

async function submitDialog(event) {
  event.preventDefault();
  const box = dialog();
  const form = event.target;
  const error = $("[data-dialog-error]", box);
  if (form.elements.note.required && !form.elements.note.value.trim()) {
    error.textContent = form.elements.note.validationMessage || "—";
    error.hidden = false;
    form.elements.note.focus();
    return;
  }
  const submit = $("[data-dialog-submit]", box);
  submit.disabled = true;
  submit.setAttribute("aria-busy", "true");
  try {
    const { ok, payload } = await post(body().dataset.createUrl, new FormData(form));
    if (!ok) {
      error.textContent = payload.error ? payload.error.message : i18n("network");
      error.hidden = false;
      return;
    }
    box.close();
    form.reset();
    window.getSelection().removeAllRanges();
    say(i18n("saved"));
    refresh();
    if (payload.others > 0) offerOthers(payload);
  } catch {
    error.textContent = i18n("network");
    error.hidden = false;
  } finally {
    submit.disabled = false;
    submit.removeAttribute("aria-busy");
  }
}

function offerOthers(payload) {
  const bar = $("[data-tag-others]");
  if (!bar) return;
  $("[data-tag-others-text]", bar).textContent = i18n("others").replace("%(n)s", payload.others);
  bar.dataset.url = payload.tag_others_url;
  bar.hidden = false;
  $("[data-tag-others-button]", bar).focus();
}

async function tagOthers() {
  const bar = $("[data-tag-others]");
  const { ok, payload } = await post(bar.dataset.url, new FormData());
  bar.hidden = true;
  say(payload.message || payload.error?.message || "", !ok);
  refresh();
}

function describe(item, popover) {
  const id = item.dataset.annotationId;
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = `#annotation-${id}`;
  const badge = item.querySelector(".badge");
  link.textContent = badge ? badge.textContent : id;
  li.append(link);
  for (const part of [item.querySelector(".annotation-quote"), item.querySelector(".annotation-note")]) {
    if (!part) continue;
    const text = document.createElement("bdi");
    text.dir = "auto";
    text.textContent = ` — ${part.textContent.trim().slice(0, 120)}`;
    li.append(text);
  }
  link.addEventListener("click", (event) => {
    popover.hidden = true;
    const target = document.getElementById(`annotation-${id}`);
    if (target) target.focus();
    else event.preventDefault();
  });
  return li;
}

async function showMarkPopover(mark, event) {
  const popover = $("[data-mark-popover]");
  if (!popover) return;
  const list = $("[data-mark-popover-list]", popover);
  list.replaceChildren();
  for (const old of document.querySelectorAll(".annotation-item.is-active")) {
    old.classList.remove("is-active");
  }
  const ids = mark.dataset.annotationIds.split(" ");
  const missing = [];
  for (const id of ids) {
    const item = document.getElementById(`annotation-${id}`);
    if (!item) {
      missing.push(id);
      continue;
    }
    item.classList.add("is-active");
    list.append(describe(item, popover));
  }
  popover.hidden = false;
  popover.style.position = "absolute";
  popover.style.left = `${Math.max(8, event.pageX - popover.offsetWidth / 2)}px`;
  popover.style.top = `${event.pageY + 12}px`;
  const first = document.getElementById(`annotation-${ids[0]}`);
  if (first) first.scrollIntoView({ block: "nearest", behavior: "smooth" });
  if (missing.length && body().dataset.itemsUrl) {
    // Annotations beyond the sidebar's first page: ask the server for just these.
    const response = await fetch(`${body().dataset.itemsUrl}?ids=${missing.join(",")}`, {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const holder = document.createElement("template");
    holder.innerHTML = await response.text();
    for (const item of holder.content.querySelectorAll("[data-annotation-id]")) {
      list.append(describe(item, popover));
    }
  }
}

function onSelectionChange() {
  const bar = toolbar();
  if (!bar || (document.activeElement && bar.contains(document.activeElement))) return;
  if (dialog() && dialog().open) return;
  const span = selectionToSpan();
  if (span) showToolbar(span);
  else hideToolbar();
}

function act(action) {
  const span = state.span || selectionToSpan();
  if (!span) return;
  if (action === "highlight") createHighlight(span);
  else openDialog(action, span);
}

function isTyping(target) {
  return target.closest && target.closest("input, textarea, select, [contenteditable], dialog");
}

function init() {
  if (!body() || !toolbar()) return;
  let timer;
  document.addEventListener("selectionchange", () => {
    clearTimeout(timer);
    timer = setTimeout(onSelectionChange, 150);
  });
  const bar = toolbar();
  bar.addEventListener("mousedown", (event) => event.preventDefault());
  bar.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (button) act(button.dataset.action);
  });
  const keys = { h: "highlight", e: "entity", c: "claim", m: "comment" };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    if (event.key === "Escape") {
      hideToolbar();
      const popover = $("[data-mark-popover]");
      if (popover) popover.hidden = true;
      return;
    }
    if (!bar.hidden && bar.contains(document.activeElement) && keys[key]) {
      event.preventDefault();
      act(keys[key]);
      return;
    }
    if (!bar.hidden && bar.contains(document.activeElement) && event.key.startsWith("Arrow")) {
      const buttons = Array.from(bar.querySelectorAll("button"));
      const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : -1;
      const flip = getComputedStyle(bar).direction === "rtl" && event.key.match(/Left|Right/) ? -1 : 1;
      const index = buttons.indexOf(document.activeElement);
      buttons[(index + step * flip + buttons.length) % buttons.length].focus();
      event.preventDefault();
      return;
    }
    if (key === "a" && !isTyping(event.target)) {
      const span = selectionToSpan();
      if (span) {
        event.preventDefault();
        showToolbar(span, true);
      }
    }
  });
  const box = dialog();
  $("[data-annotation-form]", box).addEventListener("submit", submitDialog);
  $("[data-dialog-cancel]", box).addEventListener("click", () => box.close());
  box.addEventListener("keydown", (event) => {
    if (event.target.matches("input[type=search], textarea, input[type=text]")) return;
    const choice = box.querySelector(`[data-section=entity]:not([hidden]) input[data-key="${event.key}"]`);
    if (choice) {
      choice.checked = true;
      event.preventDefault();
    }
  });
  const others = $("[data-tag-others]");
  $("[data-tag-others-button]", others).addEventListener("click", tagOthers);
  $("[data-tag-others-dismiss]", others).addEventListener("click", () => { others.hidden = true; });
  document.addEventListener("click", (event) => {
    const mark = event.target.closest && event.target.closest("mark[data-annotation-ids]");
    const popover = $("[data-mark-popover]");
    if (mark && window.getSelection().isCollapsed) showMarkPopover(mark, event);
    else if (popover && !popover.contains(event.target)) popover.hidden = true;
  });
}

init();
