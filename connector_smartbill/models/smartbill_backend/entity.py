# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmartBillBackendEntity(models.Model):
    """One thing a backend synchronises (partners, SPV messages, BNR rates...): its last
    run, its last successful one, and a button that syncs it now. Every backend has one
    row per entity of ``smartbill.backend._sync_entities``, also after an upgrade that
    adds an entity."""

    _name = "smartbill.backend.entity"
    _description = "SmartBill synchronised entity"
    _order = "backend_id, sequence"

    backend_id = fields.Many2one(
        "smartbill.backend", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    entity = fields.Selection(selection="_selection_entity", required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    last_run_id = fields.Many2one("connector.sync.run", "Last run", compute="_compute_runs")
    last_run_state = fields.Selection(
        lambda self: self.env["connector.sync.run"]._fields["state"].selection,
        "Last run state",
        compute="_compute_runs",
    )
    last_success = fields.Datetime(
        "Last successful sync",
        compute="_compute_runs",
        help="When the last run of this entity ended with every record done.",
    )

    _entity_uniq = models.Constraint(
        "unique(backend_id, entity)", "A backend has one row per synchronised entity."
    )

    def _selection_entity(self):
        return list(self.env["smartbill.backend"]._sync_entities().items())

    @api.model
    @api.private
    def ensure(self, backends):
        """Give each of ``backends`` its row for every entity, in the dashboard's order."""
        order = {entity: index for index, entity in enumerate(backends._sync_entities())}
        rows = self.search([("backend_id", "in", backends.ids)])
        for row in rows.filtered(lambda r: r.sequence != order.get(r.entity, r.sequence)):
            row.sequence = order[row.entity]
        existing = {(row.backend_id.id, row.entity) for row in rows}
        self.create(
            [
                {"backend_id": backend.id, "entity": entity, "sequence": index}
                for backend in backends
                for entity, index in order.items()
                if (backend.id, entity) not in existing
            ]
        )

    def init(self):
        # every backend, archived ones too: an upgrade may have added an entity
        backends = self.env["smartbill.backend"].with_context(active_test=False)
        self.ensure(backends.search([("id", "!=", False)]))

    def _compute_runs(self):
        runs = self.env["connector.sync.run"]
        domain = [*self.backend_id._runs_domain(), ("dry_run", "=", False)]
        groups = ["res_id", "entity"]
        last = {
            (backend, entity): run_id
            for backend, entity, run_id in runs._read_group(domain, groups, ["id:max"])
        }
        done = {
            (backend, entity): finished
            for backend, entity, finished in runs._read_group(
                [*domain, ("state", "=", "done")], groups, ["finished:max"]
            )
        }
        for row in self:
            key = (row.backend_id.id, row.entity)
            row.last_run_id = runs.browse(last.get(key))
            row.last_run_state = row.last_run_id.state
            row.last_success = done.get(key, False)

    def action_sync_now(self):
        self.ensure_one()
        label = dict(self._selection_entity())[self.entity]
        return self.backend_id._action_queue(self.entity, self.env._("%s import queued.", label))
