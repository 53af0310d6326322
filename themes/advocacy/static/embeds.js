// Embed cards (templates/shortcodes/video.html): a card is a link to the provider's page and
// loads nothing from it. This script, loaded only on pages with a card, shows each card's
// button; a click puts the player in the card's place: an <iframe> from the card's
// data-embed-src, sandboxed as data-embed-sandbox says, sending no referrer.
(function () {
  "use strict";
  function play(card) {
    var frame = document.createElement("iframe");
    // The sandbox and policies are set before the address, so the first request obeys them.
    frame.setAttribute("sandbox", card.getAttribute("data-embed-sandbox") || "");
    frame.setAttribute("referrerpolicy", "no-referrer");
    var allow = card.getAttribute("data-embed-allow");
    if (allow) frame.setAttribute("allow", allow);
    frame.setAttribute("allowfullscreen", "");
    frame.title = card.getAttribute("data-embed-title") || "";
    frame.className = "embed-frame";
    frame.src = card.getAttribute("data-embed-src");
    var link = card.querySelector(".embed-link");
    card.classList.add("is-playing");
    card.replaceChildren(frame);
    if (link) {
      var caption = document.createElement("figcaption");
      var poster = link.querySelector(".embed-poster, picture");
      if (poster) poster.remove();
      caption.appendChild(link);
      card.appendChild(caption);
    }
    frame.focus();
  }
  document.querySelectorAll("[data-embed-src]").forEach(function (card) {
    var button = card.querySelector(".embed-play");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () { play(card); });
  });
})();
