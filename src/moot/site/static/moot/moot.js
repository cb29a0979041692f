// Progressive enhancement only: every page works without JavaScript.
// After htmx swaps content in, move focus to a swapped region that asks for it (data-focus-after-swap),
// so keyboard and screen-reader users are not left on a removed element.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.hasAttribute("data-focus-after-swap")) {
    target.setAttribute("tabindex", "-1");
    target.focus();
  }
});
