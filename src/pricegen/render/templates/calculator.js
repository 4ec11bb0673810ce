// The price calculator: the embedded evaluator's quote() of the chosen plan, with the
// quantities and expected usage typed in, in the period and currency the page shows.
{
  const form = document.querySelector("form[data-calculator]");
  const pricing = window.pricingPage;
  if (form && pricing) {
    const planSelect = form.querySelector("select[data-calc-plan-select]");
    const total = form.querySelector("output[data-calc-total]");
    const per = form.querySelector("[data-calc-per]");
    const problem = form.querySelector("[data-calc-error]");
    const lines = form.querySelector("tbody[data-calc-lines]");
    const breakdown = form.querySelector("table[data-calc-breakdown]");
    const WHOLE = /^[0-9]{1,31}$/;

    const chosenFieldset = () => {
      let chosen = null;
      form.querySelectorAll("fieldset[data-calc-plan]").forEach((fieldset) => {
        const on = fieldset.dataset.calcPlan === planSelect.value;
        fieldset.hidden = !on;
        fieldset.disabled = !on;
        if (on) chosen = fieldset;
      });
      return chosen;
    };

    const refuse = (message, error) => {
      problem.dataset.error = error;
      total.textContent = "\u2013";
      total.dataset.amount = "";
      per.textContent = "";
      problem.textContent = message;
      problem.hidden = false;
      breakdown.hidden = true;
    };

    const show = (result) => {
      total.textContent = formatMoney(result.total, result.currency);
      total.dataset.amount = result.total.toString();
      per.textContent = " per " + pricing.data.texts.period[result.period];
      problem.textContent = "";
      problem.dataset.error = "";
      problem.hidden = true;
      lines.replaceChildren(
        ...result.lines.map((line) => {
          const row = document.createElement("tr");
          const what = document.createElement("th");
          what.scope = "row";
          what.textContent = line.description;
          const amount = document.createElement("td");
          amount.textContent = formatMoney(line.amount, result.currency);
          amount.dataset.amount = line.amount.toString();
          row.dataset.item = line.item;
          row.append(what, amount);
          return row;
        }),
      );
      breakdown.hidden = false;
    };

    const calculate = () => {
      const selection = pricing.selection();
      const fieldset = chosenFieldset();
      const sub = { plan: planSelect.value, period: selection.period, currency: selection.currency };
      const quantities = {};
      const addons = {};
      const usage = {};
      let invalid = null;
      for (const input of fieldset ? fieldset.querySelectorAll("input[data-kind]") : []) {
        const text = input.value.trim() === "" ? "0" : input.value.trim();
        const ok = WHOLE.test(text);
        input.setAttribute("aria-invalid", String(!ok));
        if (!ok) {
          invalid = invalid || input;
          continue;
        }
        const target = { quantity: quantities, addon: addons, usage }[input.dataset.kind];
        target[input.dataset.id] = BigInt(text);
      }
      if (invalid) {
        refuse("Enter a whole number: " + invalid.labels[0].textContent + ".", "input");
        return;
      }
      const plan = PLANS[sub.plan];
      if (!plan.billing_periods.includes(sub.period)) {
        refuse(plan.name + " is not sold with " + pricing.data.texts.period[sub.period] + "ly billing.", "UnknownPeriodError");
        return;
      }
      try {
        show(quote({ ...sub, quantities, addons }, { usage }));
      } catch (error) {
        if (!(error instanceof PricingError)) throw error;
        refuse(error.message, error.name);
      }
    };

    form.addEventListener("input", calculate);
    form.addEventListener("change", calculate);
    form.addEventListener("submit", (event) => event.preventDefault());
    pricing.onChange(calculate);
    calculate();
  }
}
