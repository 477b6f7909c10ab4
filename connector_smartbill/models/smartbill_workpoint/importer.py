# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping


class WorkpointAdapter(Component):
    _name = "smartbill.workpoint.adapter"
    _inherit = "smartbill.v3.adapter"
    _apply_on = "smartbill.workpoint"
    _resource = "warehouses"


class WorkpointMapper(Component):
    _name = "smartbill.workpoint.mapper"
    _inherit = "smartbill.import.mapper"
    _apply_on = "smartbill.workpoint"

    direct = [
        ("name", "name"),
        ("description", "description"),
        ("type", "workpoint_type"),
        ("keeper", "keeper"),
        ("address", "address"),
        ("city", "city"),
        ("county", "county"),
        ("country", "country"),
        ("is_custody", "is_custody"),
    ]

    @mapping
    def analytic_account_id(self, record):
        """Each workpoint gets an analytic account in the plan "SmartBill workpoints"."""
        company = self.backend_record.company_id
        plan = self.env.ref(
            "connector_smartbill.analytic_plan_workpoints", raise_if_not_found=False
        )
        account = self.env["account.analytic.account"].search(
            [
                ("plan_id", "=", plan.id),
                ("name", "=", record["name"]),
                ("company_id", "in", [False, company.id]),
            ],
            limit=1,
        )
        if not account:
            account = account.create(
                {"name": record["name"], "plan_id": plan.id, "company_id": company.id}
            )
        return {"analytic_account_id": account.id}


class WorkpointBatchImporter(Component):
    """A company has a few workpoints: imported in the batch's own job."""

    _name = "smartbill.workpoint.batch.importer"
    _inherit = "smartbill.direct.batch.importer"
    _apply_on = "smartbill.workpoint"
