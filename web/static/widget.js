// Nærvær's chat as a widget on a municipality's own page:
//   <script src="https://kommune.example/naervaer/widget.js" defer></script>
// It adds one button that opens the chat in a panel (an iframe of the chat page, from the same site:
// see docs/web.md). Styles are set through the DOM, so the host page needs no inline style.
"use strict";

(function () {
  const script = document.currentScript;
  const base = new URL(".", script.src).href;
  const label = script.dataset.label || "Chat med skolen om fravær";
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
  button.addEventListener("click", function () {
    frame.hidden = !frame.hidden;
    button.setAttribute("aria-expanded", String(!frame.hidden));
    if (!frame.hidden) frame.focus();
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
