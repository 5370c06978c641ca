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

  document.addEventListener("DOMContentLoaded", () => {
    // Ticking a facet or choosing a sort applies it at once.
    const facetForm = document.querySelector("[data-facet-form]");
    if (facetForm) {
      facetForm.querySelector("[data-apply]").hidden = true;
      facetForm.addEventListener("change", () => facetForm.submit());
    }
    const sortForm = document.querySelector("[data-sort-form]");
    if (sortForm) {
      sortForm.querySelector("[data-sort-apply]").hidden = true;
      sortForm.addEventListener("change", () => sortForm.submit());
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
