# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.1.0 encrypts the credentials 19.0.1.0.0 kept in clear (the key must be set:
``smartbill_key`` or ``SMARTBILL_KEY``), drops the clear columns, and reads SPV every
hour."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.connector_accounting_base.models.connector_vault.common import cipher

CLEAR = ("v1_token", "v3_token", "spv_token")


def migrate(cr, version):
    # SPV is read every hour now (the cron's record is noupdate)
    cr.execute(
        "UPDATE ir_cron SET interval_number = 1, interval_type = 'hours' WHERE id IN "
        "(SELECT res_id FROM ir_model_data WHERE module = 'connector_smartbill'"
        " AND name = 'cron_import_spv')"
    )
    columns = [c for c in CLEAR if column_exists(cr, "smartbill_backend", c)]
    if not columns:
        return
    cr.execute(
        SQL(
            "SELECT id, %s FROM smartbill_backend",
            SQL(", ").join(SQL.identifier(column) for column in columns),
        )
    )
    rows = cr.fetchall()
    if any(any(row[1:]) for row in rows):
        fernet = cipher()  # the error names the option when the key is missing
        for backend_id, *values in rows:
            for column, value in zip(columns, values, strict=True):
                if value:
                    cr.execute(
                        SQL(
                            "UPDATE smartbill_backend SET %s = %s WHERE id = %s",
                            SQL.identifier(f"{column}_secret"),
                            fernet.encrypt(value.encode()).decode(),
                            backend_id,
                        )
                    )
    for column in columns:
        cr.execute(SQL("ALTER TABLE smartbill_backend DROP COLUMN %s", SQL.identifier(column)))
