/* safetylab: the check of learning on a page (safetylab.widgets.learning_check).
   Runs in the browser only and sends nothing anywhere: it shows the feedback written into the
   page in advance, and (at the start of the course) keeps in this tab's session storage, per
   idea, whether the course's answer was chosen. One copy of this script: trainer mode runs it
   from the check's own output; learner mode's page template runs it under the page's nonce
   (the output's copy is left out there). Installed once per page; it sets up every check on
   the page, and any that appears later. */
(function () {
  if (window.safetylabCheck) { window.safetylabCheck.scan(); return; }
  function store(root) { return root.getAttribute("data-store") || "safetylab-check-start"; }
  function read(key) {
    try { var v = JSON.parse(window.sessionStorage.getItem(key) || "{}"); return v && typeof v === "object" ? v : {}; }
    catch (e) { return {}; }
  }
  function write(key, v) { try { window.sessionStorage.setItem(key, JSON.stringify(v)); } catch (e) { /* storage refused */ } }
  function forgetAll(key) { try { window.sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ } }
  function words(root, name) {
    var t = root.querySelector('template[data-say="' + name + '"]');
    return t ? t.content.cloneNode(true) : document.createDocumentFragment();
  }
  function said(root, name) {
    var t = root.querySelector('template[data-say="' + name + '"]');
    return t ? t.content.textContent : "";
  }
  function show(out, fragment) { out.textContent = ""; out.appendChild(fragment); }
  function init(root) {
    if (root.getAttribute("data-ready")) { return; }
    root.setAttribute("data-ready", "1");
    var stage = root.getAttribute("data-stage"), key = store(root);
    var sets = Array.prototype.slice.call(root.querySelectorAll("fieldset[data-question]"));
    sets.forEach(function (fs) {
      var out = fs.querySelector(".sl-feedback");
      fs.querySelector("button.sl-check").addEventListener("click", function () {
        var picked = fs.querySelector("input[type=radio]:checked");
        if (!picked) { show(out, words(root, "choose")); return; }
        var right = picked.getAttribute("data-right") === "1";
        var answers = fs.querySelectorAll("template[data-answer]"), i;
        for (i = 0; i < answers.length; i += 1) {
          if (answers[i].getAttribute("data-answer") === picked.value) { show(out, answers[i].content.cloneNode(true)); }
        }
        fs.setAttribute("data-result", right ? "right" : "think");
        if (stage === "before") { var kept = read(key); kept[fs.getAttribute("data-idea")] = right; write(key, kept); }
      });
    });
    var result = root.querySelector(".sl-result");
    var compare = root.querySelector("button.sl-compare");
    if (compare) {
      compare.addEventListener("click", function () {
        var kept = read(key), start = 0, now = 0, any = false;
        var table = words(root, "compare");
        sets.forEach(function (fs) {
          var idea = fs.getAttribute("data-idea"), was = kept[idea], is = fs.getAttribute("data-result");
          if (was === true || was === false) { any = true; }
          if (was === true) { start += 1; }
          if (is === "right") { now += 1; }
          var rows = table.querySelectorAll("li[data-idea]"), j;
          for (j = 0; j < rows.length; j += 1) {
            if (rows[j].getAttribute("data-idea") !== idea) { continue; }
            rows[j].querySelector('[data-fill="start"]').textContent =
              said(root, was === true ? "state_right" : was === false ? "state_think" : "state_none");
            rows[j].querySelector('[data-fill="now"]').textContent =
              said(root, is === "right" ? "state_right" : is === "think" ? "state_think" : "state_none");
          }
        });
        var head = words(root, any ? "counts" : "no_start");
        var fill = function (name, value) {
          Array.prototype.forEach.call(head.querySelectorAll('[data-fill="' + name + '"]'),
            function (el) { el.textContent = String(value); });
        };
        fill("start", start); fill("now", now); fill("total", sets.length);
        var box = document.createDocumentFragment();
        box.appendChild(head); box.appendChild(table); box.appendChild(words(root, "not_a_mark"));
        show(result, box);
      });
    }
    var forget = root.querySelector("button.sl-forget");
    if (forget) {
      forget.addEventListener("click", function () {
        forgetAll(key);
        sets.forEach(function (fs) {
          Array.prototype.forEach.call(fs.querySelectorAll("input[type=radio]"), function (r) { r.checked = false; });
          fs.removeAttribute("data-result");
          fs.querySelector(".sl-feedback").textContent = "";
        });
        show(result, words(root, "forgotten"));
      });
    }
  }
  function scan() { Array.prototype.forEach.call(document.querySelectorAll("section.safetylab-check"), init); }
  var pending = false;
  window.safetylabCheck = { scan: scan };
  if (window.MutationObserver) {
    new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      window.setTimeout(function () { pending = false; scan(); }, 0);
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
  scan();
})();
