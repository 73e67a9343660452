from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from .maintenance_step_mixin import is_step


class AccountMove(models.Model):
    _inherit = "account.move"

    contract_id = fields.Many2one(
        "maintenance.contract",
        string="Maintenance Contract",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )

    # Internal: customers read their invoices, not the contracts they carry.
    maintenance_contract_ids = fields.Many2many(
        "maintenance.contract",
        "account_move_maintenance_contract_rel",
        "move_id",
        "contract_id",
        string="Maintenance Contracts",
        compute="_compute_maintenance_contract_ids",
        store=True,
        # computed with the invoice's other values: one INSERT for a batch of invoices
        precompute=True,
        groups="base.group_user",
        help="The contract of the invoice and the contracts whose billing periods its lines "
        "invoice: a grouped invoice (one per customer) carries several.",
    )

    maintenance_overdue_activity_date = fields.Date(
        string="Overdue To-do Date",
        copy=False,
        readonly=True,
        help="Day the contract's account team got a to-do because this invoice was overdue.",
    )

    @api.depends("contract_id", "line_ids.maintenance_period_id")
    def _compute_maintenance_contract_ids(self):
        for move in self:
            move.maintenance_contract_ids = (
                move.contract_id | move.line_ids.maintenance_period_id.contract_id
            )

    def _maintenance_overdue_activity(self, today):
        """Give the account team of the invoice's contract a to-do about this overdue invoice,
        once: the marker date is claimed by one UPDATE of the row where it is still empty, so
        two jobs at once or a run after the to-do is done never make it again. A grouped
        invoice (one per customer) gets one to-do, on the first of its contracts by reference,
        its note naming them all."""
        self.ensure_one()
        self.flush_recordset(["maintenance_overdue_activity_date"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET maintenance_overdue_activity_date = %s "
                "WHERE id = %s AND maintenance_overdue_activity_date IS NULL RETURNING id",
                today,
                self.id,
            )
        )
        claimed = self.env.cr.fetchone()
        self.invalidate_recordset(["maintenance_overdue_activity_date"])
        if not claimed:
            return False
        # one to-do per invoice: on its contract, or for a grouped invoice on the first of its
        # contracts by reference, the note naming them all
        contracts = self.maintenance_contract_ids.sorted("name")
        contract = self.contract_id or contracts[:1]
        user = contract._get_account_team()[:1] or self.env.user
        # in the language of the user who gets it
        lang = user.lang or self.env.lang
        env = self.with_context(lang=lang).env
        note = env._(
            "The invoice %(invoice)s of %(customer)s was due on %(date)s: %(amount)s are "
            "left to pay.",
            invoice=self.name,
            customer=self.partner_id.display_name,
            date=format_date(env, self.invoice_date_due, lang_code=lang),
            amount=format_amount(env, self.amount_residual, self.currency_id, lang),
        )
        if len(contracts) > 1:
            note += " " + env._(
                "It invoices the contracts %(contracts)s.",
                contracts=", ".join(contracts.mapped("name")),
            )
        contract.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=today,
            summary=env._("Overdue invoice %(invoice)s", invoice=self.name),
            note=note,
            user_id=user.id,
        )
        return True

    # Links to contracts: set by the billing code only, always to the invoice's own customer

    @api.model
    def _maintenance_create_invoices(self, vals_list):
        """Create the invoices of ``vals_list`` as Odoo's ``create`` does, but for their
        creation message: Odoo posts "Invoice Created" on each customer invoice with one
        ``message_post`` (about 7 queries, a third of the cost of a draft invoice); here the
        messages of the batch are made at once by :meth:`_maintenance_log_creation`, the
        same messages. Every invoice and credit note of the contracts is made here."""
        context = self.env.context
        if context.get("tracking_disable") or context.get("mail_create_nolog"):
            return self.create(vals_list)
        moves = self.with_context(mail_create_nolog=True).create(vals_list).with_env(self.env)
        moves._maintenance_log_creation()
        return moves

    def _maintenance_log_creation(self):
        """Log on each of these new moves the creation message of ``mail.thread.create``:
        without a creation subtype (credit notes) by Odoo's ``_message_log_batch``, as Odoo
        does; with one ("Invoice Created", per move type), the values ``message_post``
        gives the message, created in one batch. A move with a follower subscribed to that
        subtype (who would be notified of it) keeps Odoo's own ``message_post``."""
        # account's subtype depends on the move type: asked once per type (env.ref queries)
        per_type = defaultdict(lambda: self.browse())
        for move in self:
            per_type[move.move_type] |= move
        per_subtype = defaultdict(lambda: self.browse())
        for moves in per_type.values():
            per_subtype[moves[:1]._creation_subtype()] |= moves
        plain = per_subtype.pop(self.env["mail.message.subtype"], self.browse())
        if plain:
            plain._message_log_batch(bodies={move.id: move._creation_message() for move in plain})
        author = self.env.user.partner_id
        for subtype, moves in per_subtype.items():
            followed = moves._maintenance_creation_followed(subtype)
            for move in followed:
                move.sudo().message_post(
                    subtype_id=subtype.id,
                    author_id=author.id,
                    body=move._maintenance_creation_body(),
                )
            (moves - followed)._maintenance_log_creation_batch(subtype, author)

    def _maintenance_creation_followed(self, subtype):
        """The moves of ``self`` a follower is subscribed to ``subtype`` of: one query."""
        followers = (
            self.env["mail.followers"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("subtype_ids", "in", subtype.ids),
                ],
                ["res_id"],
            )
        )
        return self.browse(set(followers.mapped("res_id")))

    def _maintenance_creation_body(self):
        self.ensure_one()
        # as mail.thread.create: the summary hides the body in the chatter
        return Markup('<div summary="o_mail_notification"><p>%s</p></div>') % (
            self._creation_message()
        )

    def _maintenance_log_creation_batch(self, subtype, author):
        """The creation messages of ``self`` with ``subtype``, the values of Odoo's
        ``message_post`` (record name, alias domain, company, reply-to, author) computed for
        all the moves at once, created in one ``_message_create``."""
        if not self:
            return self.env["mail.message"]
        # as message_post in mail.thread.create: as superuser, in the user's language
        moves = self._fallback_lang().sudo()
        author_id, email_from = moves._message_compute_author(author.id, None)
        alias_domains = moves._mail_get_alias_domains(default_company=self.env.company)
        companies = moves._mail_get_companies(default=self.env.company)
        reply_to = moves._notify_get_reply_to(default=email_from)
        return moves._message_create(
            [
                {
                    "author_id": author_id,
                    "author_guest_id": False,
                    "email_from": email_from,
                    "model": self._name,
                    "res_id": move.id,
                    "body": move_here._maintenance_creation_body(),
                    "message_type": "notification",
                    "parent_id": False,
                    "subject": False,
                    "subtype_id": subtype.id,
                    "partner_ids": [],
                    "attachment_ids": [],
                    "email_add_signature": True,
                    "record_name": move.display_name,
                    "record_alias_domain_id": alias_domains[move.id].id,
                    "record_company_id": companies[move.id].id,
                    "reply_to": reply_to[move.id],
                }
                for move_here, move in zip(self, moves, strict=True)
            ]
        )

    @api.model
    def _maintenance_links_editable(self):
        """Whether the current write may set the links between invoices and contracts: only
        the module's billing code (its steps) or the superuser does."""
        return self.env.su or is_step(self.env)

    def _maintenance_link_message(self):
        return self.env._(
            "The maintenance contract of an invoice and the billing periods of its lines are "
            "set by the contract's invoicing only: they cannot be changed by hand."
        )

    @api.constrains("contract_id", "partner_id")
    def _check_maintenance_contract_partner(self):
        """The customer of an invoice is the customer of every contract it is linked to
        (its contract, the contracts of the billing periods of its lines): one customer's
        invoice never shows on another customer's contract or portal page."""
        for move in self.sudo():
            contracts = move.contract_id | move.line_ids.maintenance_period_id.contract_id
            others = contracts.filtered(
                lambda c, m=move: c.commercial_partner_id != m.commercial_partner_id
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "The invoice %(invoice)s of %(customer)s cannot be linked to the "
                        "contract %(contracts)s of another customer.",
                        invoice=move.display_name,
                        customer=move.commercial_partner_id.display_name,
                        contracts=", ".join(others.mapped("display_name")),
                    )
                )

    @api.model
    def _maintenance_mislinked_move_ids(self):
        """Ids of the invoices whose contract links disagree with their customer (links made
        before the constraint, or by SQL): their contract, or a line's billing period, is of
        another customer."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id
                  FROM account_move m
                  JOIN maintenance_contract c ON c.id = m.contract_id
                 WHERE c.commercial_partner_id IS DISTINCT FROM m.commercial_partner_id
                 UNION
                SELECT m.id
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN maintenance_contract_period p ON p.id = l.maintenance_period_id
                  JOIN maintenance_contract c ON c.id = p.contract_id
                 WHERE c.commercial_partner_id IS DISTINCT FROM m.commercial_partner_id
                """
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def action_maintenance_check_contract_links(self):
        """Managers: list the invoices linked to a contract of another customer."""
        move_ids = self._maintenance_mislinked_move_ids()
        if not move_ids:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": self.env._(
                        "Every invoice linked to a maintenance contract is of the contract's "
                        "customer."
                    ),
                },
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices Linked to Another Customer's Contract"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", move_ids)],
            "context": {"create": False},
        }

    @api.model_create_multi
    def create(self, vals_list):
        if not self._maintenance_links_editable() and any(
            vals.get("contract_id") for vals in vals_list
        ):
            raise UserError(self._maintenance_link_message())
        return super().create(vals_list)

    def _get_maintenance_periods(self):
        """Billing periods invoiced on these invoices."""
        return self.env["maintenance.contract.period"].search([("move_id", "in", self.ids)])

    def write(self, vals):
        if "contract_id" in vals and not self._maintenance_links_editable():
            if self.filtered(lambda m: m.contract_id.id != (vals["contract_id"] or False)):
                raise UserError(self._maintenance_link_message())
        # button_cancel and the other ways to cancel an invoice all write its state
        res = super().write(vals)
        if vals.get("state") == "cancel":
            self._get_maintenance_periods()._on_invoice_cancelled()
        return res

    def unlink(self):
        # before the deletion: an invoiced period always has its invoice
        self._get_maintenance_periods()._on_invoice_cancelled()
        return super().unlink()
