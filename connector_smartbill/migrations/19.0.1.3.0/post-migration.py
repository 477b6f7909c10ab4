# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.1.3.0 stands on the shared base (``connector_accounting_base``): SmartBill's alerts
move to the base's ``connector.alert`` with their activities (the old tables are dropped),
and the rate windows move to the base's tables (a window
lasts seconds: the old tables are dropped, not copied). Credentials stay where they are:
the same columns, the same key."""

from odoo.tools.sql import table_exists


def migrate(cr, version):
    if table_exists(cr, "smartbill_alert"):
        activities = table_exists(cr, "mail_activity_smartbill_alert_rel")
        cr.execute("SELECT id FROM smartbill_alert ORDER BY id")
        for (old_id,) in cr.fetchall():
            cr.execute(
                """INSERT INTO connector_alert (res_model, res_id, company_id, kind, key,
                                                message, state, opened, closed, create_uid,
                                                create_date, write_uid, write_date)
                   SELECT 'smartbill.backend', backend_id, company_id, kind, key, message,
                          state, opened, closed, create_uid, create_date, write_uid,
                          write_date
                     FROM smartbill_alert WHERE id = %s
                RETURNING id""",
                (old_id,),
            )
            if activities:
                cr.execute(
                    """INSERT INTO connector_alert_mail_activity_rel
                              (connector_alert_id, mail_activity_id)
                       SELECT %s, mail_activity_id FROM mail_activity_smartbill_alert_rel
                        WHERE smartbill_alert_id = %s""",
                    (cr.fetchone()[0], old_id),
                )
    # the model is gone from the registry: Odoo forgets it at the end of the update but
    # leaves its tables
    cr.execute("DROP TABLE IF EXISTS mail_activity_smartbill_alert_rel, smartbill_alert")
    cr.execute("DROP TABLE IF EXISTS smartbill_rate_call, smartbill_rate_block")
