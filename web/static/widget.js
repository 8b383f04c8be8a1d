// Nærvær's chat as a widget on a municipality's own page:
//   <script src="https://chat.kommune.example/widget.js" defer></script>
// It adds one button that opens the chat in a panel: an iframe of the chat page. The chat must be served by
// the municipality's own proxy on a host of its own domain (chat.kommune.example beside www.kommune.example),
// at the root of that host: then the SameSite=Strict session cookie is first-party (docs/web.md).
// data-label on the script tag changes the button's text. Styles are set through the DOM (CSSOM), which a
// host page's Content-Security-Policy allows without 'unsafe-inline'.
"use strict";

(function () {
  const script = document.currentScript;
  const base = new URL(".", script.src).href;
  const label = script.dataset.label || "Chat med skolen";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  Object.assign(button.style, {
    position: "fixed", right: "1rem", bottom: "1rem", padding: "0.75rem 1rem", font: "inherit",
    background: "#0b3d91", color: "#ffffff", border: "2px solid #ffffff", borderRadius: "0.5rem", zIndex: "2147483000",
  });
  const frame = document.createElement("iframe");
  frame.title = label;
  frame.src = base;
  frame.hidden = true;
  Object.assign(frame.style, {
    position: "fixed", right: "1rem", bottom: "4.5rem", width: "min(26rem, calc(100vw - 2rem))",
    height: "min(40rem, calc(100vh - 6rem))", border: "1px solid #555", borderRadius: "0.5rem",
    background: "#ffffff", zIndex: "2147483000",
  });
  function toggle(open) {
    frame.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) frame.focus();
  }
  button.addEventListener("click", function () { toggle(frame.hidden); });
  // Escape on the host page closes the panel and gives the focus back to the button.
  function close() { if (!frame.hidden) { toggle(false); button.focus(); } }
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
  // Escape inside the chat: the page in the frame says so (it carries no data, only this word).
  window.addEventListener("message", function (event) {
    if (event.source === frame.contentWindow && event.origin === new URL(base).origin
        && event.data === "naervaer:close") close();
  });
  function mount() {
    document.body.appendChild(frame);
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);  // loaded in <head> without defer
})();
