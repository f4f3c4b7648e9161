// Live updates by conditional polling: ask the article's annotation container whether it
// changed (If-None-Match → 304 costs next to nothing) and refresh the annotated region when
// it did. Works with several app servers and needs no extra server.
const INTERVAL = 20000;
const MINIMAL = {
  Prefer: 'return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer"',
};
const region = document.querySelector("[data-live-url]");

function busy() {
  const selection = window.getSelection();
  const dialog = document.querySelector("dialog[open]");
  return Boolean(dialog) || (selection && !selection.isCollapsed);
}

async function poll(etag, notify = true) {
  if (notify && (document.hidden || busy())) return etag;
  try {
    const response = await fetch(region.dataset.liveUrl, {
      headers: etag ? { ...MINIMAL, "If-None-Match": etag } : MINIMAL,
      credentials: "same-origin",
    });
    const next = response.headers.get("ETag") || etag;
    if (notify && response.status === 200 && etag && next !== etag && window.htmx) {
      window.htmx.trigger(document.body, "annotation-changed");
    }
    return next;
  } catch {
    return etag;
  }
}

if (region) {
  let etag = null;
  poll(null).then((first) => {
    etag = first;
    setInterval(async () => {
      etag = await poll(etag);
    }, INTERVAL);
  });
  // Our own changes refresh the page already: only learn the new ETag.
  document.body.addEventListener("annotation-changed", () => {
    poll(etag, false).then((next) => {
      etag = next;
    });
  });
}
