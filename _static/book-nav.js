/* The book's small page script (loaded on every page from _config.yml's html_js_files).

   1. Menu and contents buttons that work (pydata-sphinx-theme issue 2451, sphinx-book-theme
      issue 988). pydata-sphinx-theme 0.17 attaches its "open the sidebar" handler, and
      sphinx-book-theme 1.3 its "hide the sidebar on a wide screen" handler, to the FIRST
      .primary-toggle / .secondary-toggle of the page only: a header button that the book theme
      hides. The buttons a reader sees did nothing but show a tooltip. Every other toggle now
      forwards its click to that first one, so the theme's own handlers run: a panel opens on a
      narrow screen, the primary sidebar hides and comes back on a wide one.
   2. Wide tables scroll inside their block; the block is marked (book-scroll-x) while part of
      the table is cut off at the right, for the fade at the cut edge (_static/book-layout.css),
      and book-scrolled once the reader has scrolled it, for the shadow of the sticky column.
      Such a table, and a display formula too wide for the column (it scrolls in its block too),
      can be focused (tabindex 0), so a keyboard reader can scroll it. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    [".primary-toggle", ".secondary-toggle"].forEach(function (selector) {
      var buttons = Array.prototype.slice.call(document.querySelectorAll(selector));
      var first = buttons[0];
      buttons.slice(1).forEach(function (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          first.click();
        });
      });
    });
  });

  function markScroll(box) {
    var cut = box.scrollWidth > box.clientWidth + 1;
    if (cut && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    box.classList.toggle("book-scroll-x", cut && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
    box.classList.toggle("book-scrolled", cut && box.scrollLeft > 0);
  }

  ready(function () {
    var boxes = Array.prototype.slice.call(
      document.querySelectorAll(".pst-scrollable-table-container"));
    boxes.forEach(function (box) {
      markScroll(box);
      box.addEventListener("scroll", function () { markScroll(box); }, {passive: true});
    });
    // display formulas, once MathJax has typeset them
    var mj = window.MathJax;
    var typeset = mj && mj.startup && mj.startup.promise;
    if (typeset) {
      typeset.then(function () {
        document.querySelectorAll('mjx-container[display="true"]').forEach(function (m) {
          if (m.scrollWidth > m.clientWidth + 1 && !m.hasAttribute("tabindex")) m.setAttribute("tabindex", "0");
        });
      });
    }
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) return;
      pending = window.requestAnimationFrame(function () { pending = null; boxes.forEach(markScroll); });
    });
  });
})();
