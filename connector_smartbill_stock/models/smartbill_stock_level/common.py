# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time

from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero


class SmartBillStockLevel(models.Model):
    """SmartBill's quantity of one product in one gestiune (workpoint) on one day, next
    to Odoo's on-hand quantity in the workpoint's warehouse, and the change since the
    day read before (SmartBill has no movements endpoint: this is what moved)."""

    _name = "smartbill.stock.level"
    _description = "SmartBill stock level"
    _order = "day desc, workpoint_id, product_code"
    _rec_name = "product_code"

    backend_id = fields.Many2one(
        "smartbill.backend", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    day = fields.Date(required=True, readonly=True, index=True)
    workpoint_id = fields.Many2one(
        "smartbill.workpoint", "Gestiune", required=True, readonly=True, ondelete="cascade"
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", readonly=True, help="The workpoint's warehouse when it was read."
    )
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    product_code = fields.Char("SmartBill code", required=True, readonly=True)
    product_name = fields.Char("SmartBill name", readonly=True)
    smartbill_unit = fields.Char("SmartBill unit", readonly=True)
    quantity = fields.Float("SmartBill", digits="Product Unit", readonly=True)
    odoo_quantity = fields.Float(
        "Odoo",
        digits="Product Unit",
        readonly=True,
        help="On hand in the warehouse at the end of the day (now, for today).",
    )
    difference = fields.Float(
        digits="Product Unit", readonly=True, help="SmartBill's quantity minus Odoo's."
    )
    compared = fields.Boolean(
        readonly=True, help="The workpoint had a warehouse: Odoo's quantity is known."
    )
    previous_quantity = fields.Float(
        "Day before", digits="Product Unit", readonly=True, help="At the previous day read."
    )
    change = fields.Float(
        "Moved", digits="Product Unit", readonly=True, help="Since the previous day read."
    )
    applied = fields.Boolean(
        readonly=True, help="SmartBill's quantity was set in Odoo (an inventory adjustment)."
    )
    applied_move_id = fields.Many2one("stock.move", "Adjustment", readonly=True)

    _level_uniq = models.Constraint(
        "unique(backend_id, day, workpoint_id, product_code)",
        "A product has one SmartBill level per gestiune and day.",
    )

    @api.private
    @api.model
    def record(self, workpoint, day, line, product):
        """Store SmartBill's ``line`` (a StockProduct) of ``workpoint`` on ``day`` for
        Odoo's ``product``; returns the level and its status (created, updated or
        unchanged)."""
        backend = workpoint.backend_id
        warehouse = workpoint.warehouse_id
        key = [
            ("backend_id", "=", backend.id),
            ("workpoint_id", "=", workpoint.id),
            ("product_code", "=", line.product_code),
        ]
        previous = self.search([*key, ("day", "<", day)], order="day desc", limit=1)
        quantity = float(line.quantity)
        values = {
            "warehouse_id": warehouse.id,
            "product_id": product.id,
            "product_name": line.product_name,
            "smartbill_unit": line.measuring_unit,
            "quantity": quantity,
            "previous_quantity": previous.quantity,
            "change": quantity - previous.quantity,
            "compared": bool(warehouse),
            **self._odoo_side(product, warehouse, day, quantity),
        }
        level = self.search([*key, ("day", "=", day)])
        if level.applied:  # Odoo's side is what the adjustment set, not the day's history
            values.update(
                odoo_quantity=level.odoo_quantity, difference=quantity - level.odoo_quantity
            )
        if not level:
            values.update(
                backend_id=backend.id,
                workpoint_id=workpoint.id,
                day=day,
                product_code=line.product_code,
            )
            return self.create(values), "created"
        if all(self._same(level, name, value) for name, value in values.items()):
            return level, "unchanged"
        level.write(values)
        return level, "updated"

    def _odoo_side(self, product, warehouse, day, quantity):
        if not warehouse:
            return {"odoo_quantity": 0.0, "difference": 0.0}
        end = datetime.combine(day, time.max)
        scope = product.with_context(warehouse_id=warehouse.id)
        if day < fields.Date.context_today(self):
            scope = scope.with_context(to_date=end)
        on_hand = scope.qty_available
        return {"odoo_quantity": on_hand, "difference": quantity - on_hand}

    @staticmethod
    def _same(level, name, value):
        current = level[name]
        if isinstance(value, float):
            return not float_compare(current, value, precision_digits=6)
        return (current.id if isinstance(current, models.BaseModel) else current) == value

    # -- import where chosen --------------------------------------------------------------
    @api.private
    def apply(self):
        """Set SmartBill's quantity in Odoo for these levels of workpoints whose
        company chose "SmartBill sets the stock": an inventory adjustment named after
        SmartBill and the day, for the differences; never twice for a level, never for
        a day older than one already applied in its warehouse."""
        todo = self.filtered(
            lambda lv: lv.workpoint_id.stock_import and lv.warehouse_id and lv.product_id
            and not lv.applied and lv.day >= lv._last_applied_day()
        )  # fmt: skip
        for (workpoint, day), levels in todo.grouped(lambda lv: (lv.workpoint_id, lv.day)).items():
            levels._apply_day(workpoint, day)
        return todo

    def _last_applied_day(self):
        last = self.search(
            [("workpoint_id", "=", self.workpoint_id.id), ("applied", "=", True)],
            order="day desc",
            limit=1,
        )
        return last.day or self.day

    def _apply_day(self, workpoint, day):
        location = workpoint.warehouse_id.lot_stock_id
        quants = self.env["stock.quant"].sudo().with_context(inventory_mode=True)
        moves = self.env["stock.move"].sudo()
        name = self.env._(
            "SmartBill stock of %(gestiune)s on %(day)s", gestiune=workpoint.name, day=day
        )
        for level in self:
            product = level.product_id.sudo()
            if product.type != "consu":
                continue  # a service has no stock
            if not product.is_storable:
                product.product_tmpl_id.is_storable = True  # SmartBill keeps its stock
            on_hand = product.with_context(location=location.id).qty_available
            move = moves
            if not float_is_zero(
                level.quantity - on_hand, precision_rounding=product.uom_id.rounding
            ):
                quant = quants.search(
                    [("product_id", "=", product.id), ("location_id", "=", location.id)], limit=1
                ) or quants.create({"product_id": product.id, "location_id": location.id})
                # the difference on the location's own quant (its sublocations and other
                # quants keep theirs): the warehouse's on hand becomes SmartBill's
                quant.inventory_quantity = quant.quantity + level.quantity - on_hand
                quant.with_context(inventory_name=name)._apply_inventory()
                move = moves.search(
                    [("product_id", "=", product.id), ("inventory_name", "=", name)],
                    order="id desc",
                    limit=1,
                )
            product.invalidate_recordset(["qty_available"])
            on_hand = product.with_context(location=location.id).qty_available
            level.write(
                {
                    "applied": True,
                    "applied_move_id": move.id,
                    "odoo_quantity": on_hand,
                    "difference": level.quantity - on_hand,
                }
            )
