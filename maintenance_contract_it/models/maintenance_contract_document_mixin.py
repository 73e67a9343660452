import re
from itertools import groupby

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import (
    format_amount,
    format_date,
    formatLang,
    get_lang,
    html_normalize,
    html_sanitize,
)

# Placeholder keys of the SLA targets (one response and one resolution time per helpdesk
# priority, see HELPDESK_PRIORITIES).
PRIORITY_KEYS = {"0": "low", "1": "medium", "2": "high", "3": "very_high"}

# A placeholder: ``{{ key }}`` or ``{{ key ||| default }}``, within one text node. Its content
# cannot hold a brace, so each match attempt stops at the next brace: the scan is linear in
# the length of the text, whatever the text (``{{a{{a{{a…`` included).
PLACEHOLDER_PATTERN = re.compile(r"\{\{([^{}]{1,500})\}\}")
# Longest clause text accepted, in characters of HTML.
CLAUSE_BODY_MAX_LENGTH = 100_000
# Characters that HTML text cannot hold (lxml refuses them): left out of the values.
NON_TEXT_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Elements whose text is not HTML text (it is written out as is): never filled.
RAW_TEXT_TAGS = {"script", "style"}


def _split_placeholder(match):
    """``(key, default)`` of a match of PLACEHOLDER_PATTERN."""
    key, _sep, default = match.group(1).partition("|||")
    return key.strip(), default.strip()


def _map_text_nodes(body, function):
    """Parse the HTML ``body`` and replace the text of each of its text nodes by
    ``function(text)``; return the HTML serialized again (not sanitized).

    Only text nodes are passed: never the attributes, the markup or the comments, so a
    placeholder never spans two tags and a value never lands in a tag or an attribute.
    """

    def map_nodes(doc):
        for node in doc.iter():
            if isinstance(node.tag, str) and node.tag not in RAW_TEXT_TAGS and node.text:
                node.text = function(node.text)
            if node is not doc and node.tail:
                node.tail = function(node.tail)
        return doc

    return html_normalize(str(body), filter_callback=map_nodes)


class MaintenanceContractDocumentMixin(models.AbstractModel):
    """The contract as a document: clause placeholders and the printed contract.

    Clauses quote the contract's values as ``{{ key }}``: only the keys of a whitelist are
    ever replaced, the text of a clause is never evaluated.
    """

    _name = "maintenance.contract.document.mixin"
    _description = "Contract as a Document (clauses, printed contract)"

    @api.model
    def _get_clause_placeholder_descriptions(self):
        """Placeholders usable in clauses: ``{key: description}``.

        Override together with :meth:`_get_clause_placeholders` to add placeholders.
        """
        _ = self.env._
        descriptions = {
            "customer": _("Customer name"),
            "customer_address": _("Customer address"),
            "provider": _("Provider (your company) name"),
            "provider_address": _("Provider address"),
            "reference": _("Contract reference"),
            "subject": _("Contract subject"),
            "date_start": _("Start date"),
            "date_end": _("End of the current term"),
            "initial_term": _("Initial term, e.g. 12 months"),
            "renewal_term": _("Renewal term"),
            "tacit_renewal": _("Whether the contract renews tacitly (yes/no)"),
            "notice_period": _("Notice period"),
            "sla_policy": _("SLA policy name"),
            "support_hours": _("Support hours (calendar name)"),
            "penalty_per_hour": _("SLA penalty per hour late"),
            "penalty_cap": _("SLA penalty cap (% of the period's fee)"),
            "amount_period": _("Recurring amount per period, with currency"),
            "amount_yearly": _("Recurring amount per year, with currency"),
            "currency": _("Currency code"),
            "billing_frequency": _("Billing frequency"),
            "billing_timing": _("Invoicing in advance or in arrears"),
            "payment_term": _("Payment terms"),
            "hourly_rate": _("Hourly rate for extra services, with currency"),
        }
        priorities = dict(
            self.env["maintenance.sla.policy.line"]
            ._fields["priority"]
            ._description_selection(self.env)
        )
        for priority, key in PRIORITY_KEYS.items():
            descriptions[f"response_{key}"] = _(
                "Response time of a ticket of priority %(priority)s",
                priority=priorities[priority],
            )
            descriptions[f"resolution_{key}"] = _(
                "Resolution time of a ticket of priority %(priority)s",
                priority=priorities[priority],
            )
        return descriptions

    def _get_clause_lang(self):
        """Language of the clauses and of the printed contract: the customer's."""
        self.ensure_one()
        return get_lang(self.env, self.partner_id.lang).code

    def _get_clause_placeholders(self):
        """Values of the clause placeholders for this contract, as text formatted in the
        customer's language (escaped when rendered)."""
        self.ensure_one()
        lang = self._get_clause_lang()
        contract = self.with_context(lang=lang)
        env = contract.env
        _ = env._
        partner = contract.partner_id.commercial_partner_id
        company = contract.company_id
        policy = contract.sla_policy_id
        currency = contract.currency_id

        def date(value):
            return format_date(env, value, lang_code=lang) if value else ""

        def amount(value, currency):
            return format_amount(env, value, currency, lang_code=lang)

        def selection(fname):
            return dict(contract._fields[fname]._description_selection(env)).get(
                contract[fname], ""
            )

        def address(partner):
            lines = partner._display_address(without_company=True).splitlines()
            return ", ".join(" ".join(line.split()) for line in lines if line.strip())

        values = {
            "customer": partner.name or "",
            "customer_address": address(partner),
            "provider": company.name or "",
            "provider_address": address(company.partner_id),
            "reference": contract.name or "",
            "subject": contract.title or "",
            "date_start": date(contract.date_start),
            "date_end": date(contract.date_end),
            "initial_term": contract._format_duration(
                contract.initial_term, contract.initial_term_unit
            ),
            "renewal_term": contract._format_duration(
                contract.renewal_term, contract.renewal_term_unit
            ),
            "tacit_renewal": _("yes") if contract.tacit_renewal else _("no"),
            "notice_period": contract._format_duration(
                contract.notice_period, contract.notice_period_unit
            ),
            "sla_policy": policy.name or "",
            "support_hours": policy.calendar_id.name or "",
            "penalty_per_hour": amount(policy.penalty_per_hour, policy.currency_id)
            if policy
            else "",
            "penalty_cap": f"{formatLang(env, policy.penalty_cap_percent, digits=0)} %"
            if policy
            else "",
            "amount_period": amount(contract.amount_period, currency),
            "amount_yearly": amount(contract.amount_yearly, currency),
            "currency": currency.name or "",
            "billing_frequency": selection("billing_frequency"),
            "billing_timing": _("in advance") if contract.billing_in_advance else _("in arrears"),
            "payment_term": contract.payment_term_id.name or "",
            "hourly_rate": amount(contract.extra_hourly_rate, currency),
        }
        for priority, key in PRIORITY_KEYS.items():
            line = policy._get_line(priority) if policy else policy
            values[f"response_{key}"] = contract._format_hours(line.response_hours) if line else ""
            values[f"resolution_{key}"] = (
                contract._format_hours(line.resolution_hours) if line else ""
            )
        return values

    def _format_duration(self, quantity, unit):
        """``quantity`` ``unit`` (day, month or year) as text in the context's language."""
        _ = self.env._
        if unit == "day":
            return _("1 day") if quantity == 1 else _("%(count)s days", count=quantity)
        if unit == "year":
            return _("1 year") if quantity == 1 else _("%(count)s years", count=quantity)
        return _("1 month") if quantity == 1 else _("%(count)s months", count=quantity)

    def _format_hours(self, hours):
        """A number of working hours as text, e.g. ``4 h`` or ``1,5 h``."""
        digits = 0 if float(hours).is_integer() else 2
        return self.env._("%(hours)s h", hours=formatLang(self.env, hours, digits=digits))

    def _render_clause_body(self, body):
        """``body`` (HTML) with its placeholders replaced by this contract's values,
        sanitized.

        Each ``{{ key }}`` of the text of ``body`` is looked up in
        :meth:`_get_clause_placeholders`, never evaluated. ``{{ key ||| default }}`` shows
        ``default`` for an empty value. An unknown key is left as written, and so is a
        placeholder written in an attribute or across tags. Values are text: they are
        escaped when the HTML is serialized, and the result is sanitized.
        """
        self.ensure_one()
        if not body:
            return Markup()
        values = self._get_clause_placeholders()

        def fill(match):
            key, default = _split_placeholder(match)
            if key not in values:
                return match.group(0)
            return NON_TEXT_CHARACTERS.sub("", values[key] or default)

        def fill_text(text):
            return PLACEHOLDER_PATTERN.sub(fill, text) if "{{" in text else text

        return self._sanitize_clause_html(_map_text_nodes(body, fill_text))

    @api.model
    def _sanitize_clause_html(self, html):
        """``html`` sanitized with the options of a sanitized Html field, as Markup."""
        if not html:
            return Markup()
        sanitized = html_sanitize(
            str(html), sanitize_attributes=True, sanitize_style=False, sanitize_form=True
        )
        # The sanitizer writes no-break spaces as &nbsp;: keep them as characters, as the
        # formatted amounts and durations of the customer's language are written.
        return Markup(str(sanitized).replace("&nbsp;", "\xa0"))

    @api.model
    def _check_clause_placeholders(self, body, clause_name):
        """Raise a ValidationError if ``body`` is too long or uses, in its text, a
        placeholder that does not exist."""
        body = str(body or "")
        if len(body) > CLAUSE_BODY_MAX_LENGTH:
            raise ValidationError(
                self.env._(
                    "The text of the clause “%(clause)s” is too long: %(length)s characters "
                    "of HTML, at most %(max)s.",
                    clause=clause_name,
                    length=len(body),
                    max=CLAUSE_BODY_MAX_LENGTH,
                )
            )
        if "{{" not in body:
            return
        valid = self._get_clause_placeholder_descriptions()
        used = []

        def collect(text):
            used.extend(
                _split_placeholder(match)[0] for match in PLACEHOLDER_PATTERN.finditer(text)
            )
            return text

        _map_text_nodes(body, collect)
        unknown = list(dict.fromkeys(key for key in used if key not in valid))
        if unknown:
            raise ValidationError(
                self.env._(
                    "The clause “%(clause)s” uses unknown placeholders: %(unknown)s.\n"
                    "Valid placeholders: %(valid)s.",
                    clause=clause_name,
                    unknown=", ".join(f"{{{{ {key} }}}}" for key in unknown),
                    valid=", ".join(sorted(valid)),
                )
            )

    @api.model
    def _get_clause_placeholders_help(self):
        """HTML list of the placeholders, shown in the clause forms."""
        rows = Markup().join(
            Markup("<tr><td><code>{{{{ {} }}}}</code></td><td>{}</td></tr>").format(
                key, description
            )
            for key, description in self._get_clause_placeholder_descriptions().items()
        )
        return Markup(
            '<table class="table table-sm o_mcit_placeholders"><thead><tr><th>{}</th>'
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>"
        ).format(self.env._("Placeholder"), self.env._("Replaced by"), rows)

    def _get_report_clause_groups(self):
        """The contract's clauses grouped by category, in the order of the categories:
        a list of ``(category label, clauses)``."""
        self.ensure_one()
        labels = dict(
            self.env["maintenance.contract.clause"]
            ._fields["category"]
            ._description_selection(self.env)
        )
        clauses = self.clause_ids.sorted(lambda c: (c.category_sequence, c.sequence, c.id))
        return [
            (labels.get(category, category), clauses.browse().concat(*group))
            for category, group in groupby(clauses, key=lambda clause: clause.category)
        ]
