/* safetylab learner mode: small repairs of the markup Voila, ipywidgets and ipympl make
   (included by index.html.j2 in a script that carries the page's CSP nonce).
   - a slider's handle gets its visible label ("Strength") as its accessible name, and the value
     shown next to it ("0.75") as its spoken value (ipywidgets gives neither);
   - ipywidgets labels without a tooltip carry title="null": that title is removed;
   - a table too wide for the screen scrolls sideways in a box that says so (and that the
     keyboard can scroll: it takes the focus);
   - a link to another lesson stays in this tab (JupyterLab's renderer opens links in new tabs,
     which would leave the old lesson running);
   - the clue game's picture (an ipympl canvas) is scaled to the width of the screen by the
     style sheet; a click or tap on it is passed on at the place it means on the full-size
     picture, so it still lands on the clue. */
(function () {
  'use strict';
  var cells = document.getElementById('rendered_cells');
  if (!cells) { return; }

  function nameSliders(root) {
    root.querySelectorAll('[role="slider"]').forEach(function (handle) {
      var box = handle.closest('.widget-slider');
      if (!box) { return; }
      var label = box.querySelector('.widget-label');
      var text = label ? label.textContent.trim() : '';
      if (text && !handle.hasAttribute('aria-labelledby') && handle.getAttribute('aria-label') !== text) {
        handle.setAttribute('aria-label', text);
      }
      var readout = box.querySelector('.widget-readout');
      var shown = readout ? readout.textContent.trim() : '';
      if (shown && handle.getAttribute('aria-valuetext') !== shown) {
        handle.setAttribute('aria-valuetext', shown);
      }
    });
    root.querySelectorAll('[title="null"]').forEach(function (el) { el.removeAttribute('title'); });
  }

  var HINT = 'The table is wider than the screen: scroll it sideways to see all of it.';
  function wrapTables(root) {
    root.querySelectorAll('table').forEach(function (table) {
      if (table.closest('.sl-scroll') || table.parentElement.closest('table')) { return; }
      var wrap = document.createElement('div');
      wrap.className = 'sl-scroll-wrap';
      var hint = document.createElement('p');
      hint.className = 'sl-scroll-hint';
      hint.textContent = HINT;
      var box = document.createElement('div');
      box.className = 'sl-scroll';
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(hint);
      wrap.appendChild(box);
      box.appendChild(table);
      watch.observe(box);
      markOverflow(box);
    });
  }
  function markOverflow(box) {
    var wrap = box.parentElement;
    var over = box.scrollWidth > box.clientWidth + 1;
    if (over === wrap.classList.contains('sl-overflows')) { return; }
    wrap.classList.toggle('sl-overflows', over);
    if (over) {
      var caption = box.querySelector('caption');
      box.setAttribute('role', 'region');
      box.setAttribute('tabindex', '0');
      box.setAttribute('aria-label', (caption ? caption.textContent.trim() + '. ' : '') + HINT);
    } else {
      box.removeAttribute('role');
      box.removeAttribute('tabindex');
      box.removeAttribute('aria-label');
    }
  }
  var watch = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (e) { markOverflow(e.target); });
  }) : { observe: function () {} };

  function sameTabLessonLinks(root) {
    root.querySelectorAll('a[target]').forEach(function (a) {
      var url;
      try { url = new URL(a.getAttribute('href') || '', window.location.href); } catch (e) { return; }
      if (url.origin === window.location.origin && /\/voila\/render\/[0-9]{2}_[^/]*\.ipynb$/.test(url.pathname)) {
        a.removeAttribute('target');
        a.removeAttribute('rel');
      }
    });
  }

  function repair() {
    nameSliders(cells);
    wrapTables(cells);
    sameTabLessonLinks(cells);
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; repair(); });
  }).observe(cells, {childList: true, subtree: true, characterData: true});
  repair();

  // The clue game: a scaled canvas. ipympl reads a pointer position in CSS pixels from the
  // canvas' corner and takes it for a position on the full-size figure; when the canvas is
  // drawn smaller, the event is passed on with its position scaled back up.
  var MOUSE = ['mousedown', 'mouseup', 'mousemove', 'click', 'dblclick', 'contextmenu'];
  MOUSE.forEach(function (type) {
    document.addEventListener(type, function (event) {
      var canvas = event.target;
      if (event.safetylabScaled || !canvas || canvas.tagName !== 'CANVAS' ||
          !canvas.closest('.jupyter-matplotlib-canvas-div')) { return; }
      var rect = canvas.getBoundingClientRect();
      // the size ipympl drew it at (its inline style), else its own width and height
      var full = parseFloat(canvas.style.width) || parseFloat(canvas.getAttribute('width'));
      var fullHeight = parseFloat(canvas.style.height) || parseFloat(canvas.getAttribute('height'));
      if (!rect.width || !full || Math.abs(rect.width - full) < 0.5) { return; }
      var sx = full / rect.width, sy = (fullHeight || full) / rect.height;
      event.stopImmediatePropagation();
      event.preventDefault();
      var copy = new MouseEvent(type, {
        bubbles: true, cancelable: true, view: window, detail: event.detail,
        clientX: rect.left + (event.clientX - rect.left) * sx,
        clientY: rect.top + (event.clientY - rect.top) * sy,
        screenX: event.screenX, screenY: event.screenY, button: event.button, buttons: event.buttons,
        ctrlKey: event.ctrlKey, altKey: event.altKey, shiftKey: event.shiftKey, metaKey: event.metaKey
      });
      copy.safetylabScaled = true;
      canvas.dispatchEvent(copy);
    }, true);
  });
})();
