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
    if (!control) return;
    // The box may sit in a folded group, or in the folded filters of a narrow screen.
    for (let group = control.closest("details"); group; group = group.parentElement.closest("details")) {
      group.open = true;
    }
    control.focus();
  }

  // Suggestions under the search box, as a combobox (WAI-ARIA authoring practices): entry
  // titles open the entry, vocabulary terms become a filter. Arrow keys move through them,
  // Enter picks one, Escape closes them; typing on searches for the words as they are.
  function enhanceSuggestions(input) {
    const list = document.getElementById(input.getAttribute("aria-controls") || "search-suggestions");
    const status = document.querySelector("[data-suggestions-status]");
    const form = input.form;
    let suggestions = [];
    let active = -1;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    // The server words the hints and the count of suggestions in the reader's language.
    let announcement = "";

    function show(items) {
      suggestions = items;
      active = -1;
      list.replaceChildren(
        ...items.map((item, index) => {
          const option = document.createElement("li");
          option.id = `search-suggestion-${index}`;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.textContent = item.text;
          const hint = document.createElement("span");
          hint.className = "combobox__hint";
          hint.textContent = item.hint;
          option.append(hint);
          // Pressing down on an option must not take the focus from the box first.
          option.addEventListener("mousedown", (event) => event.preventDefault());
          option.addEventListener("click", () => pick(index));
          return option;
        }),
      );
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(items.length > 0));
      input.removeAttribute("aria-activedescendant");
      status.textContent = items.length ? announcement : "";
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach((option, position) => option.setAttribute("aria-selected", String(position === index)));
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      const item = suggestions[index];
      close();
      if (item.kind === "entry" && item.url) {
        window.location.assign(item.url);
        return;
      }
      // A term: this search's filters and that term, without the words typed to find it.
      const params = new URLSearchParams();
      for (const [key, value] of new FormData(form)) {
        if (key !== "q" && value !== "") params.append(key, value);
      }
      params.append(item.facet, item.term);
      window.location.assign(`${form.action}?${params}`);
    }

    const suggest = debounce(async () => {
      const text = input.value.trim();
      if (text.length < 2) {
        close();
        return;
      }
      try {
        const response = await fetch(`${input.dataset.autocomplete}?q=${encodeURIComponent(text)}`, {
          headers: { Accept: "application/json" },
        });
        if (!response.ok) return;
        const data = await response.json();
        // An answer to an older text is not shown over what is typed now.
        if (input.value.trim() === text && document.activeElement === input) {
          announcement = data.status;
          show(data.suggestions);
        }
      } catch (error) {
        // Suggestions are a convenience; the search itself still works.
      }
    }, 200);

    input.addEventListener("input", suggest);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (event) => {
      const open = !list.hidden;
      if (event.key === "ArrowDown" && suggestions.length) {
        event.preventDefault();
        if (!open) show(suggestions);
        highlight((active + 1) % suggestions.length);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? suggestions.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    // Ticking a facet applies it at once; years apply with Enter or their button. The
    // control that was used has the focus again once the new page is there.
    const facetForm = document.querySelector("[data-facet-form]");
    if (facetForm) {
      facetForm.querySelector("[data-apply]").hidden = true;
      // On a narrow screen the filters fold away under their heading, so that the results
      // follow the search box; they stay open for whoever just used one.
      const filters = facetForm.querySelector("[data-filters]");
      if (window.matchMedia("(max-width: 52rem)").matches) filters.open = false;
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

    const input = document.querySelector("[data-autocomplete]");
    if (input) enhanceSuggestions(input);
  });
})();
