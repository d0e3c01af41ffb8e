// Run by launch(head=...), for the languages other than English (ui/i18n.py fills in the list of them: each one's code,
// the browser-language prefix that picks it, the codes Gradio's page already shows it for, its tab labels and pop-up
// titles). Gradio picks the page's language from navigator.language among the locales it ships strings for (zh-CN,
// zh-TW), else from the language part ("zh" is not one), else English; the server reads Accept-Language by prefix,
// where any "zh..." is Chinese. So a browser reporting "zh", "zh-Hans" or "zh-HK" would get an English page with
// Chinese charts: switch it with Gradio's changeLocale (what its settings panel calls).
// Tab labels keep the language they mounted in until their tab is shown (and the overflow menu copies them), so
// they are relabelled here, now and whenever buttons are added. If Gradio's internals change, nothing happens
// (its Gradio hooks are filled in from ui/gradio_compat.py, where a test checks each against the installed Gradio).
(() => {
  const lang = navigator.language || "";
  const found = __LANGUAGES__.find((l) => lang.toLowerCase().startsWith(l.prefix.toLowerCase()));
  if (!found) return;
  const swap = (nodes, table, after) => {
    for (const node of nodes) {
      const text = node.nodeType === Node.TEXT_NODE && table[node.nodeValue.trim()];
      if (text) node.nodeValue = text + after;
    }
  };
  // Pop-ups: Gradio titles one with its type ("Error"), written in its code rather than looked up in its strings,
  // so a page whose server answers in this language gets its titles here.
  const retitle = () => {
    for (const title of document.getElementsByClassName(__TOAST_TITLE__)) swap(title.childNodes, found.toastTitles, " ");
  };
  new MutationObserver(retitle).observe(document.documentElement, {childList: true, subtree: true});
  if (found.pageCodes.includes(lang)) return;
  const relabel = () => {
    for (const button of document.querySelectorAll("button")) swap(button.childNodes, found.tabLabels, "");
  };
  const core = performance.getEntriesByType("resource").map((e) => e.name)
    .find((name) => new RegExp(__CORE_BUNDLE__).test(name));
  if (!core) return;
  import(core).then((m) => {
    m[__CHANGE_LOCALE__](found.code);
    relabel();
    new MutationObserver(relabel).observe(document.body, {childList: true, subtree: true});
  }).catch(() => {});
})();
