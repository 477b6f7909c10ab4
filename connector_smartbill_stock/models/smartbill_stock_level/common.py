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
    def known(self, workpoint, day, products):
        """What storing SmartBill's levels of ``workpoint`` on ``day`` reads of Odoo, for
        ``products`` (SmartBill code -> product) at once: the day's levels and the
        quantities of the day read before, by code, and the warehouse's on-hand
        quantities of the products whose level was not applied (computed together)."""
        domain = [("backend_id", "=", workpoint.backend_id.id), ("workpoint_id", "=", workpoint.id)]
        levels = {lv.product_code: lv for lv in self.search([*domain, ("day", "=", day)])}
        self.env.cr.execute(
            """SELECT DISTINCT ON (product_code) product_code, quantity
                 FROM smartbill_stock_level
                WHERE workpoint_id = %s AND product_code IN %s AND day < %s
             ORDER BY product_code, day DESC""",
            [workpoint.id, tuple(products) or ("",), day],
        )
        previous = {code: float(quantity) for code, quantity in self.env.cr.fetchall()}
        on_hand = {}
        warehouse = workpoint.warehouse_id
        if warehouse:
            todo = self.env["product.product"].union(
                *(p for code, p in products.items() if not levels.get(code, self).applied)
            )
            scope = todo.with_context(warehouse_id=warehouse.id)
            if day < fields.Date.context_today(self):
                scope = scope.with_context(to_date=datetime.combine(day, time.max))
            on_hand = {product.id: product.qty_available for product in scope}
        return {"levels": levels, "previous": previous, "on_hand": on_hand}

    @api.private
    @api.model
    def values(self, workpoint, day, line, product, known):
        """What the level of SmartBill's ``line`` (a StockProduct) of ``workpoint`` on
        ``day`` holds for Odoo's ``product`` (``known``: see :meth:`known`)."""
        warehouse = workpoint.warehouse_id
        previous = known["previous"].get(line.product_code, 0.0)
        quantity = float(line.quantity)
        level = known["levels"].get(line.product_code, self)
        # an applied level's Odoo side is what the adjustment set, not the day's history
        on_hand = level.odoo_quantity if level.applied else known["on_hand"].get(product.id, 0.0)
        return {
            "warehouse_id": warehouse.id,
            "product_id": product.id,
            "product_name": line.product_name,
            "smartbill_unit": line.measuring_unit,
            "quantity": quantity,
            "previous_quantity": previous,
            "change": quantity - previous,
            "compared": bool(warehouse),
            "odoo_quantity": on_hand if warehouse else 0.0,
            "difference": quantity - on_hand if warehouse else 0.0,
        }

    @api.private
    @api.model
    def is_unchanged(self, level, values):
        """Whether ``level`` already holds ``values``."""
        return all(self._same(level, name, value) for name, value in values.items())

    @api.private
    @api.model
    def record(self, workpoint, day, line, product, known):
        """Store SmartBill's ``line`` of ``workpoint`` on ``day`` for Odoo's ``product``;
        returns the level and its status (created, updated or unchanged)."""
        values = self.values(workpoint, day, line, product, known)
        level = known["levels"].get(line.product_code, self)
        if not level:
            values.update(
                backend_id=workpoint.backend_id.id,
                workpoint_id=workpoint.id,
                day=day,
                product_code=line.product_code,
            )
            return self.create(values), "created"
        if self.is_unchanged(level, values):
            return level, "unchanged"
        level.write(values)
        return level, "updated"

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
