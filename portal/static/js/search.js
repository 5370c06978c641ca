// Enhances the search page; without JavaScript it works as plain GET forms.
(function () {
  "use strict";

  function debounce(fn, wait) {
    let timer;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), wait);
    };
  }

  const FOCUS_KEY = "search-focus";

  function rememberFocus(control) {
    if (!control || !control.name) return;
    sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ name: control.name, value: control.value }));
  }

  function restoreFocus(form) {
    const saved = sessionStorage.getItem(FOCUS_KEY);
    if (!saved) return;
    sessionStorage.removeItem(FOCUS_KEY);
    const { name, value } = JSON.parse(saved);
    const control = [...form.elements].find(
      (element) => element.name === name && (element.type !== "checkbox" || element.value === value),
    );
    if (control) {
      // A ticked box may sit in a closed group.
      const group = control.closest("details");
      if (group) group.open = true;
      control.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    // Ticking a facet applies it at once; years apply with Enter or their button. The
    // control that was used has the focus again once the new page is there.
    const facetForm = document.querySelector("[data-facet-form]");
    if (facetForm) {
      facetForm.querySelector("[data-apply]").hidden = true;
      restoreFocus(facetForm);
      facetForm.addEventListener("change", (event) => {
        if (event.target.type === "checkbox") facetForm.requestSubmit();
      });
      facetForm.addEventListener("submit", (event) => {
        // Empty year boxes are left out of the URL.
        event.preventDefault();
        rememberFocus(document.activeElement);
        const params = new URLSearchParams();
        for (const [key, value] of new FormData(facetForm)) {
          if (value !== "") params.append(key, value);
        }
        window.location.assign(`${facetForm.action}?${params}`);
      });
      // A page restored from the back-forward cache shows the boxes as its URL says.
      window.addEventListener("pageshow", (event) => {
        if (event.persisted) facetForm.reset();
      });
    }

    // Suggestions from entry titles and vocabulary terms, in the native datalist.
    const input = document.querySelector("[data-autocomplete]");
    const list = document.getElementById("search-suggestions");
    if (!input || !list) return;
    const suggest = debounce(async () => {
      const text = input.value.trim();
      if (text.length < 2) return;
      try {
        const response = await fetch(`${input.dataset.autocomplete}?q=${encodeURIComponent(text)}`, {
          headers: { Accept: "application/json" },
        });
        if (!response.ok) return;
        const data = await response.json();
        list.replaceChildren(
          ...data.suggestions.map((suggestion) => {
            const option = document.createElement("option");
            option.value = suggestion.text;
            return option;
          }),
        );
      } catch (error) {
        // Suggestions are a convenience; the search itself still works.
      }
    }, 200);
    input.addEventListener("input", suggest);
  });
})();
