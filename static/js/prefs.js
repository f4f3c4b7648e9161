// Hamish — reader preferences (font size, theme) and reading progress.
//
// Loaded as <script type="module" src="{% static 'js/prefs.js' %}">. No build step, no
// dependencies, no inline script (CSP-friendly).
//
// Preferences live in localStorage:
//   "hamish:font-size"  s | m | l | xl           → <html data-font-size>
//   "hamish:theme"      light | dark | "" (system) → <html data-theme> (removed for system)
//
// Module scripts are deferred, so a stored preference is applied just after the page has
// been parsed: a reader whose choice differs from the server-rendered default (data-font-size
// "m", system theme) can see a brief flash before it applies. That is accepted to keep the
// page free of inline scripts. (If that ever matters, the server can render the attributes
// from a cookie; this module is the only place that writes the preference.)
//
// Markup it wires (all optional; nothing happens and nothing is logged when absent):
//   button[data-font-size-step="-1"|"1"]       step the reading size
//   button[data-theme-toggle]                  cycle system → dark → light → system;
//     data-label-system / data-label-dark / data-label-light hold the translated labels,
//     shown in its [data-theme-label] child; aria-pressed="true" while dark is forced.
//   [data-reading-progress] + [data-article-body]  reading progress (--progress 0..1 and
//     aria-valuenow 0..100 on the [data-reading-progress] element).

const SIZES = ["s", "m", "l", "xl"];
const THEMES = ["", "dark", "light"]; // "" = follow the system
const KEY_SIZE = "hamish:font-size";
const KEY_THEME = "hamish:theme";
const DEFAULT_SIZE = "m";

const root = document.documentElement;

function readStored(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled (privacy mode, sandboxed frame)
  }
}

function store(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    /* not persisted; the choice still applies to this page */
  }
}

// ------------------------------------------------------------------ font size

function currentSize() {
  const size = root.dataset.fontSize;
  return SIZES.includes(size) ? size : DEFAULT_SIZE;
}

function updateSizeButtons() {
  const index = SIZES.indexOf(currentSize());
  for (const button of document.querySelectorAll("[data-font-size-step]")) {
    const step = Number.parseInt(button.dataset.fontSizeStep, 10) || 0;
    const atLimit = index + step < 0 || index + step >= SIZES.length;
    // aria-disabled rather than disabled, so keyboard focus is not lost at the limit
    button.setAttribute("aria-disabled", atLimit ? "true" : "false");
  }
}

export function setFontSize(size, { save = true } = {}) {
  if (!SIZES.includes(size)) return;
  root.dataset.fontSize = size;
  if (save) store(KEY_SIZE, size);
  updateSizeButtons();
  scheduleProgress();
}

function stepFontSize(step) {
  const index = SIZES.indexOf(currentSize()) + step;
  if (index >= 0 && index < SIZES.length) setFontSize(SIZES[index]);
}

// ------------------------------------------------------------------ theme

function currentTheme() {
  const theme = root.dataset.theme || "";
  return THEMES.includes(theme) ? theme : "";
}

function updateThemeButtons() {
  const theme = currentTheme();
  const name = theme || "system";
  for (const button of document.querySelectorAll("[data-theme-toggle]")) {
    button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
    button.dataset.themeState = name;
    const text = button.getAttribute(`data-label-${name}`);
    const label = button.querySelector("[data-theme-label]");
    if (text && label) label.textContent = text;
  }
}

export function setTheme(theme, { save = true } = {}) {
  if (!THEMES.includes(theme)) return;
  if (theme) root.dataset.theme = theme;
  else delete root.dataset.theme;
  if (save) store(KEY_THEME, theme);
  updateThemeButtons();
}

function cycleTheme() {
  const next = THEMES[(THEMES.indexOf(currentTheme()) + 1) % THEMES.length];
  setTheme(next);
}

// ------------------------------------------------------------------ reading progress

let progressScheduled = false;

function updateProgress() {
  progressScheduled = false;
  const bar = document.querySelector("[data-reading-progress]");
  const body = document.querySelector("[data-article-body]");
  if (!bar || !body) return;

  const rect = body.getBoundingClientRect();
  const viewport = window.innerHeight || root.clientHeight;
  // 0 while the body's top is at or below the top of the viewport,
  // 1 once its bottom has come up to the bottom of the viewport.
  const travel = rect.height - viewport;
  let fraction = travel > 0 ? -rect.top / travel : rect.top < viewport ? 1 : 0;
  fraction = Math.min(1, Math.max(0, fraction));

  bar.style.setProperty("--progress", fraction.toFixed(4));
  bar.setAttribute("aria-valuenow", String(Math.round(fraction * 100)));
}

function scheduleProgress() {
  if (progressScheduled) return;
  progressScheduled = true;
  window.requestAnimationFrame(updateProgress);
}

function initProgress() {
  const bar = document.querySelector("[data-reading-progress]");
  const body = document.querySelector("[data-article-body]");
  if (!bar || !body) return;
  if (!bar.hasAttribute("aria-valuemin")) bar.setAttribute("aria-valuemin", "0");
  if (!bar.hasAttribute("aria-valuemax")) bar.setAttribute("aria-valuemax", "100");
  window.addEventListener("scroll", scheduleProgress, { passive: true });
  window.addEventListener("resize", scheduleProgress, { passive: true });
  // web fonts swapping in, highlights being added by htmx… change the body's height
  if ("ResizeObserver" in window) new ResizeObserver(scheduleProgress).observe(body);
  scheduleProgress();
}

// ------------------------------------------------------------------ wiring

function onClick(event) {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;

  const sizeButton = target.closest("[data-font-size-step]");
  if (sizeButton) {
    event.preventDefault();
    if (sizeButton.getAttribute("aria-disabled") === "true") return;
    stepFontSize(Number.parseInt(sizeButton.dataset.fontSizeStep, 10) || 0);
    return;
  }

  if (target.closest("[data-theme-toggle]")) {
    event.preventDefault();
    cycleTheme();
  }
}

function onStorage(event) {
  // keep other open tabs in step
  if (event.key === KEY_SIZE && SIZES.includes(event.newValue)) {
    setFontSize(event.newValue, { save: false });
  } else if (event.key === KEY_THEME) {
    setTheme(THEMES.includes(event.newValue) ? event.newValue : "", { save: false });
  }
}

function refreshControls() {
  updateSizeButtons();
  updateThemeButtons();
}

function init() {
  const storedSize = readStored(KEY_SIZE);
  if (SIZES.includes(storedSize)) setFontSize(storedSize, { save: false });

  const storedTheme = readStored(KEY_THEME);
  if (storedTheme !== null && THEMES.includes(storedTheme)) setTheme(storedTheme, { save: false });

  refreshControls();
  document.addEventListener("click", onClick);
  window.addEventListener("storage", onStorage);
  // controls swapped in by htmx get their state too
  document.addEventListener("htmx:afterSettle", refreshControls);
  initProgress();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init, { once: true });
} else {
  init();
}

// The language switcher submits as soon as a language is chosen; its button is only for
// browsers without JavaScript.
const languageSelect = document.querySelector("[data-language-select]");
if (languageSelect) {
  const submit = document.querySelector("[data-language-submit]");
  if (submit) submit.hidden = true;
  languageSelect.addEventListener("change", () => languageSelect.form.requestSubmit());
}
